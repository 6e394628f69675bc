"""`make load`: the scale data served by gunicorn with production settings, under load.

Seeds the scratch database if it is empty (scripts/scale_db.py), serves it on plain HTTP
at 127.0.0.1 with DJANGO_DEBUG off, then runs three locust phases against the same
server: the realistic mix (50 users, 60 s), tally taps only and the bare bench view only
(to compare their throughput). Prints errors, p50/p95/p99 and requests/s per endpoint.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from scale_db import LOAD_PASSWORD, ROOT, ensure_scale_data

BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "scripts" / "load" / "locustfile.py"
SIGN_IN = "sign-in (once per user)"


def targets(url):
    """Staff with the known password, their centres and their organisation's trips."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """
            SELECT u.username,
                array(SELECT c.id FROM centres_centre c
                      WHERE c.organisation_id = u.organisation_id
                        AND (u.role = 'leader' OR c.id IN (
                            SELECT uc.centre_id FROM centres_user_centres uc
                            WHERE uc.user_id = u.id))
                      ORDER BY c.id),
                array(SELECT a.id FROM activities_activity a
                      WHERE a.organisation_id = u.organisation_id AND a.signup_required
                      ORDER BY a.id DESC LIMIT 2)
            FROM centres_user u
            -- Leaders and safety representatives sign in with a second step the load
            -- clients cannot give; the mix is staff work anyway.
            WHERE u.role = 'staff' AND NOT u.is_safety_representative
                AND u.password NOT LIKE '!%'
            ORDER BY u.username
            """
        ).fetchall()
    return [{"username": u, "centres": c, "trips": t} for u, c, t in rows if c]


# Tablets by the door in the mix, each paired at the start with a code of its own.
TABLETS = 5

PAIRING_CODES = """
import json
from centres.models import KioskDevice
devices = KioskDevice.objects.filter(revoked_at__isnull=True).order_by("centre_id")[:{count}]
print(json.dumps([{{"centre": d.centre_id, "code": d.new_code()}} for d in devices]))
"""


def pairing_codes(env, count):
    """Fresh pairing codes for `count` of the scale data's tablets, made by the app
    itself (they are stored hashed with the server's secret key)."""
    found = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PAIRING_CODES.format(count=count)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def status(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def summary(name, stats):
    times = stats["times"]
    span = (stats["last"] or 0) - (stats["first"] or 0)
    return {
        "name": name,
        "count": len(times),
        "failures": stats["failures"],
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "rps": len(times) / span if span > 0 else 0.0,
    }


def print_table(rows):
    head = ("count", "errors", "p50", "p95", "p99", "req/s")
    print(f"  {'endpoint':<26} " + " ".join(f"{h:>6}" for h in head))
    for r in rows:
        print(
            f"  {r['name']:<26} {r['count']:>6} {r['failures']:>6} {r['p50']:>6.0f} "
            f"{r['p95']:>6.0f} {r['p99']:>6.0f} {r['rps']:>6.1f}"
        )


def run_phase(phase, *, users, seconds, host, env, workdir):
    report = workdir / f"{phase}.json"
    # The locustfile stops the run `seconds` after the last user has signed in; the
    # run time is only a safety net.
    command = f"-f {LOCUSTFILE} --headless --users {users} --spawn-rate 10 --host {host} "
    command += f"--run-time {seconds + 150}s --loglevel WARNING --only-summary"
    subprocess.run(
        [BIN / "locust", *command.split()],
        env={
            **env,
            "LOAD_PHASE": phase,
            "LOAD_REPORT": str(report),
            "LOAD_USERS": str(users),
            "LOAD_SECONDS": str(seconds),
        },
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )
    data = json.loads(report.read_text())
    return {name: summary(name, stats) for name, stats in data["endpoints"].items()}, data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centres", type=int, default=400)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--bench-seconds", type=int, default=20)
    # Gunicorn's own rule of thumb for sync workers: two per core, plus one, so that a core
    # never idles while a worker waits on the database.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--phases",
        default="mix,tally,bare",
        help="which phases to run, comma-separated (default: all three)",
    )
    options = parser.parse_args()

    url = ensure_scale_data(centres=options.centres, years=options.years)
    workdir = Path(tempfile.mkdtemp(prefix="vaerested-load-"))
    people = targets(url)
    if not people:
        sys.exit("No users with the load-test password: run scripts/scale_db.py --replace.")
    production = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"},
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "VAERESTED_BENCH_VIEWS": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=production,
        check=True,
    )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{options.port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=production,
    )
    try:
        for _ in range(60):
            if status(options.port, "/healthz") == 200:
                break
            time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer /healthz within 30 s.")
        dashboard = status(options.port, "/dashboard/") not in (404, None)
        targets_file = workdir / "targets.json"
        tablets = pairing_codes(production, TABLETS)
        targets_file.write_text(
            json.dumps({"users": people, "dashboard": dashboard, "tablets": tablets})
        )
        env = {**os.environ, "LOAD_TARGETS": str(targets_file), "LOAD_PASSWORD": LOAD_PASSWORD}
        host = f"http://127.0.0.1:{options.port}"
        print(
            f"{len(people)} users with the known password, {len(tablets)} tablets; dashboard "
            f"{'included' if dashboard else 'not on this branch (404), skipped'}."
        )

        results = {"mix": ({}, {"endpoints": {}}), "tally": ({}, None), "bare": ({}, None)}
        for phase in results:
            if phase in options.phases.split(","):
                results[phase] = run_phase(
                    phase,
                    users=options.users,
                    seconds=options.seconds if phase == "mix" else options.bench_seconds,
                    host=host,
                    env=env,
                    workdir=workdir,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    (mix, raw), (tally, _), (bare, _) = results.values()
    print(f"\nMix: {options.users} users for {options.seconds} s (times in ms)")
    print_table(sorted(mix.values(), key=lambda r: r["name"]))
    work = [t for name, s in raw["endpoints"].items() if name != SIGN_IN for t in s["times"]]
    errors = sum(r["failures"] for r in mix.values())
    for name, stats in raw["endpoints"].items():
        for message in stats.get("errors", [])[:3]:
            print(f"  error: {name}: {message}")
    print(f"\nThroughput alone, {options.users} users for {options.bench_seconds} s each:")
    tap, plain = tally.get("POST tally tap"), bare.get("GET bare view")
    print_table([r for r in (tap, plain) if r])
    ratio = tap["rps"] / plain["rps"] if tap and plain and plain["rps"] else 0.0
    p99 = percentile(work, 0.99)
    bench_errors = sum(r["failures"] for r in (*tally.values(), *bare.values()))
    print(
        f"\nErrors: {errors} in the mix, {bench_errors} in the throughput runs. "
        f"p99 of the mix without sign-in: {p99:.0f} ms (target 1000). "
        f"Tally taps/s over bare view/s: {ratio:.2f} (target 0.5)."
    )
    ok = errors == 0 and bench_errors == 0 and p99 <= 1000 and ratio >= 0.5
    print("Targets met." if ok else "Targets NOT met.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
