"""The counter's queue over HTTP, as tablets use it: many tablets at once with offline
spells, lost answers and duplicate sends, and a server killed while taps are on their
way. Whatever happens, every tap is counted once, in the hour it happened."""

import datetime
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from centres.models import TallyEvent, VisitCount, VisitDay, VisitHeat
from tests.process_support import database_url
from tests.summary_support import assert_recounted
from tests.test_concurrency import Browser

pytestmark = pytest.mark.django_db(transaction=True)

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
ROOT = Path(__file__).resolve().parents[2]


class Tablet:
    """A counter's queue: taps with their true moments, sent with a clock `skew` off."""

    def __init__(self, browser, centre, address, *, seed, taps, hours, skew):
        self.browser = browser
        self.address = address
        self.path = reverse("centres:tally_sync", args=[centre.pk])
        self.random = random.Random(seed)
        self.skew = skew
        now = time.time()
        moments = []
        for _ in range(taps):
            # Whole hours back, then a second well inside the hour: the few milliseconds a
            # request takes never carry a tap over an hour's edge.
            hour_start = (now // 3600 - self.random.randrange(1, hours)) * 3600
            moments.append(hour_start + self.random.uniform(5, 3590))
        self.pending = [
            {
                "id": str(uuid.uuid4()),
                "action": "tap",
                "new": self.random.random() < 0.2,
                "true": moment,
            }
            for moment in sorted(moments)
        ]
        self.queue = []
        self.requests = 0

    def expected(self):
        hours = Counter()
        for tap in self.pending + self.queue:
            local = datetime.datetime.fromtimestamp(tap["true"], tz=COPENHAGEN)
            hours[(local.date(), local.hour)] += 1
        return hours

    def send(self, events):
        """Post `events`; the ids the server answered for, or None (no answer)."""
        device_now = time.time() + self.skew
        body = json.dumps(
            {
                "sent_at": int(device_now * 1000),
                "events": [
                    {
                        "id": e["id"],
                        "action": e["action"],
                        "new": e["new"],
                        "at": int((e["true"] + self.skew) * 1000),
                    }
                    for e in events
                ],
            }
        )
        self.requests += 1
        try:
            conn = http.client.HTTPConnection(*self.address, timeout=30)
            conn.request(
                "POST",
                self.path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": self.browser.cookies["csrftoken"],
                    "Cookie": "; ".join(f"{k}={v}" for k, v in self.browser.cookies.items()),
                },
            )
            response = conn.getresponse()
            content = response.read()
            conn.close()
        except OSError:
            return None
        if response.status != 200:
            return None
        return set(json.loads(content)["applied"])

    def step(self):
        """Tap a few more, then maybe send: offline, lost answers and duplicates."""
        taken = self.random.randint(1, 25)
        self.queue += self.pending[:taken]
        del self.pending[:taken]
        if self.random.random() < 0.25 and self.pending:
            return  # an offline spell: the taps wait
        batch = self.queue[:100]
        answered = self.send(batch)
        if self.random.random() < 0.15:
            answered = None  # the answer was lost on the way back
        if self.random.random() < 0.15:
            self.send(batch)  # a second tab, or a retry that crossed the first
        if answered:
            self.queue = [e for e in self.queue if e["id"] not in answered]

    def flush(self, tries=50):
        for _ in range(tries):
            if not self.queue and not self.pending:
                return
            self.queue += self.pending
            self.pending = []
            answered = self.send(self.queue[:100])
            if answered:
                self.queue = [e for e in self.queue if e["id"] not in answered]
            else:
                time.sleep(0.2)
        raise AssertionError("the queue never emptied")


def hours_counted(centre):
    return Counter(
        {
            (row.date, row.hour): row.visits
            for row in VisitCount.objects.filter(centre=centre).exclude(visits=0)
        }
    )


def test_sixteen_tablets_of_250_taps_count_4000_in_the_right_hours(live_server, world, client_for):
    started = time.monotonic()
    browser = Browser(live_server, client_for(world.staff_a))
    address = browser.address
    tablets = [
        Tablet(
            browser,
            world.centre_a,
            address,
            seed=n,
            taps=250,
            hours=30,
            skew=random.Random(100 + n).uniform(-1800, 1800),
        )
        for n in range(16)
    ]
    expected = sum((t.expected() for t in tablets), Counter())
    errors = []
    barrier = threading.Barrier(len(tablets))

    def run(tablet):
        try:
            barrier.wait()
            while tablet.pending:
                tablet.step()
            tablet.flush()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in tablets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 4000
    assert TallyEvent.objects.count() == 4000
    assert hours_counted(world.centre_a) == expected
    assert_recounted(VisitDay, VisitHeat)
    # Duplicates and lost answers really happened: more requests than batches needed.
    assert sum(t.requests for t in tablets) > 4000 / 100
    assert time.monotonic() - started < 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`manage.py runserver` on the test database, in its own process, to be killed."""

    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DJANGO_DEBUG": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("the server did not start")

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def test_a_server_killed_while_taps_are_on_their_way_loses_and_doubles_nothing(
    live_server, world, client_for
):
    browser = Browser(live_server, client_for(world.staff_a))
    server = Server(free_port())
    address = ("127.0.0.1", server.port)
    tablet = Tablet(browser, world.centre_a, address, seed=7, taps=300, hours=10, skew=-95)
    expected = tablet.expected()
    try:
        server.start()
        tablet.queue, tablet.pending = tablet.pending, []
        assert tablet.send(tablet.queue[:50]) is not None  # the first batch goes through
        # Killed the moment a batch is on its way, then again a little into one: before
        # and after it may have committed; either way the answer never arrives.
        for delay in (0.0, 0.05):
            timer = threading.Timer(delay, server.kill)
            timer.start()
            tablet.send(tablet.queue[:100])
            timer.join()
            server.kill()
            server.start()
        tablet.flush()
    finally:
        server.kill()
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 300
    assert TallyEvent.objects.count() == 300
    assert hours_counted(world.centre_a) == expected
    assert_recounted(VisitDay, VisitHeat)
