"""The scratch database with scale data, shared by `make seed-scale`, `make load` and
`make backup-drill`.

It lives on the same server as the app's database: the embedded PostgreSQL in .pgdata/,
or the server of DATABASE_URL. SCALE_DATABASE_URL names another one.

    python scripts/scale_db.py [--centres 400] [--years 5] [--replace] [--url]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# The project's own modules (config.database, config.backups) for the scripts here.
sys.path.insert(0, str(ROOT))
SCRATCH_NAME = "vaerested_scale"
# Leaders and staff of the first organisations, the large municipality among them, get this
# password (scratch data only).
LOAD_PASSWORD = "scale-load-test"


def server_url():
    """The app's own database: DATABASE_URL, or the embedded server's."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    from config.database import embedded_server_url

    return embedded_server_url(ROOT / ".pgdata")


def with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def scratch_url():
    return os.environ.get("SCALE_DATABASE_URL") or with_database(server_url(), SCRATCH_NAME)


def create_database(url, *, drop_first=False):
    """Create the database `url` names on its server, if it does not exist."""
    name = database_name(url)
    with psycopg.connect(server_url(), autocommit=True) as conn:
        if drop_first:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(url, *args, **env):
    """Run manage.py against the database `url`."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", **env},
    )


def organisation_count(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM centres_organisation").fetchone()[0]


def ensure_scale_data(*, centres=400, years=5, replace=False):
    """Create, migrate and fill the scratch database unless it already holds data."""
    url = scratch_url()
    create_database(url)
    manage(url, "migrate", "--no-input", "--verbosity", "0")
    if replace or organisation_count(url) == 0:
        args = ["--centres", str(centres), "--years", str(years), "--password", LOAD_PASSWORD]
        manage(url, "seed_scale", *args, *(["--replace"] if replace else []))
    else:
        print(f"Scale data already in {database_name(url)} (--replace to fill it anew).")
    return url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centres", type=int, default=400)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--url", action="store_true", help="Only print the database's URL.")
    options = parser.parse_args()
    if options.url:
        print(scratch_url())
        return
    url = ensure_scale_data(centres=options.centres, years=options.years, replace=options.replace)
    print(f"DATABASE_URL={url}")


if __name__ == "__main__":
    main()
