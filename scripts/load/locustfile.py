"""A day at many centres at once: staff reading pages and tapping the tally.

Run by scripts/load_test.py (`make load`), which passes LOAD_TARGETS (users, centres and
trips of the scale data), LOAD_PHASE and LOAD_REPORT. Phases:
- mix: 80 % reads (home, tally page, calendar, dashboard), 20 % writes (tally taps,
  batches of taps from a counter's queue, some sent twice, advice contacts, trip
  sign-ups);
- tally / bare: only tally taps, or only the bare bench view, to compare throughput.

Forms are read from the page and sent back with every hidden input they carry, so
added tokens keep working.
"""

import json
import os
import random
import re
import time
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

TARGETS = (
    json.loads(Path(os.environ["LOAD_TARGETS"]).read_text()) if "LOAD_TARGETS" in os.environ else {}
)
PHASE = os.environ.get("LOAD_PHASE", "mix")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
SIGN_IN = "sign-in (once per user)"
OPEN_COUNTERS = "GET tally page (before the tally phase)"
# The counter's sync address and CSRF token, as its script reads them from the page.
SYNC_PATTERN = re.compile(r'data-sync-url="([^"]+)"[^>]*?data-csrf="([^"]+)"', re.S)


class Forms(HTMLParser):
    """The forms of a page: action, method and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": [], "choices": {}})
        elif not self.forms:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            name = a.get("name")
            if not name or kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                self.forms[-1]["choices"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.forms[-1]["fields"].append((name, a.get("value", "on")))
            else:
                self.forms[-1]["fields"].append((name, a.get("value", "")))
        elif tag == "select":
            self._select = [a.get("name"), None]
        elif tag == "option" and self._select:
            if self._select[1] is None and a.get("value"):
                self._select[1] = a["value"]
            if "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            name, value = self._select
            if name and value is not None:
                self.forms[-1]["fields"].append((name, value))
            self._select = None


def form_on(page, action_part):
    """(action, fields) of the first form on `page` (a response) whose action contains
    `action_part`; a radio group or checkbox list with nothing chosen gets its first value."""
    parser = Forms()
    parser.feed(page.text)
    path = urlsplit(page.url).path
    for form in parser.forms:
        form["action"] = form["action"] or path
        if action_part in form["action"]:
            fields = list(form["fields"])
            chosen = {name for name, _value in fields}
            for name, values in form["choices"].items():
                if name not in chosen and values:
                    fields.append((name, values[0]))
            return form["action"], fields
    return None, None


# The server sets Secure cookies (production settings) but is reached over plain HTTP on
# 127.0.0.1: let this client send them anyway. Patched on the class, as requests copies
# cookies into fresh jars with the default policy for every request and redirect.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


STATS = defaultdict(lambda: {"times": [], "failures": 0, "first": None, "last": None})
CLOCK = {}


SIGNED_IN = []


def wait_for_everyone(environment):
    """Hold each user after sign-in until all are in, then measure for LOAD_SECONDS.

    Signing in hashes the password on purpose slowly; fifty at once would swamp the
    first seconds, so sign-in is reported on its own and the mix starts together."""
    SIGNED_IN.append(1)
    expected = int(os.environ.get("LOAD_USERS", "1"))
    deadline = time.monotonic() + 120
    while len(SIGNED_IN) < expected and time.monotonic() < deadline:
        gevent.sleep(0.1)
    if "start" not in CLOCK:
        CLOCK["start"] = time.monotonic()
        seconds = int(os.environ.get("LOAD_SECONDS", "60"))
        gevent.spawn_later(seconds, environment.runner.quit)


@events.request.add_listener
def record(name, response_time, exception, **_kwargs):
    stats = STATS[name]
    stats["times"].append(response_time)
    stats["first"] = stats["first"] or time.monotonic()
    stats["last"] = time.monotonic()
    if exception:
        stats["failures"] += 1
        errors = stats.setdefault("errors", [])
        if len(errors) < 20:
            errors.append(str(exception)[:200])


@events.quitting.add_listener
def write_report(**_kwargs):
    report = os.environ.get("LOAD_REPORT")
    if report:
        elapsed = time.monotonic() - CLOCK.get("start", time.monotonic())
        with open(report, "w") as f:
            json.dump({"seconds": elapsed, "endpoints": STATS}, f)


class Staff(HttpUser):
    wait_time = between(0.5, 2) if PHASE == "mix" else between(0, 0)

    def on_start(self):
        self.person = random.choice(TARGETS["users"])
        self.tally_forms = {}
        page = self.client.get("/account/login/", name=SIGN_IN)
        _action, fields = form_on(page, "login")
        fields = [(k, v) for k, v in fields if k not in ("username", "password")]
        fields += [("username", self.person["username"]), ("password", PASSWORD)]
        with self.client.post(
            "/account/login/", data=fields, name=SIGN_IN, catch_response=True
        ) as response:
            if "/account/login/" in response.url:
                response.failure(f"sign-in of {self.person['username']} failed")
        if PHASE == "tally":
            # Open the counters first, as staff do before the doors open: the phase
            # measures taps, and the bare phase loads no page in its window either.
            for centre in self.person["centres"]:
                self.tally_forms[centre] = self.get(f"/centres/{centre}/tally/", OPEN_COUNTERS)
        wait_for_everyone(self.environment)
        # Then each begins after a think time of its own, as people do: released in the
        # same instant, all fifty first requests queued together, and in one run 32 of
        # the mix's 33 answers over 0.9 s came from its first five seconds.
        gevent.sleep(self.wait_time())

    def get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {path}")
            elif "/account/login/" in response.url:
                response.failure(f"{path} sent {self.person['username']} to sign in")
        return response

    def post_form(self, page, action_part, name, extra=(), htmx=False):
        action, fields = form_on(page, action_part)
        if action is None:
            self.environment.events.request.fire(
                request_type="POST",
                name=name,
                response_time=0,
                response_length=0,
                exception=AssertionError(f"no form for {action_part} on {page.url}"),
            )
            return None
        extra_names = {k for k, _v in extra}
        data = [(k, v) for k, v in fields if k not in extra_names] + list(extra)
        headers = {"HX-Request": "true"} if htmx else {}
        with self.client.post(
            action, data=data, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code} from {action}")
        return response

    def centre(self):
        return random.choice(self.person["centres"])

    # --- reads -----------------------------------------------------------------------

    @task(20 if PHASE == "mix" else 0)
    def home(self):
        self.get("/", "GET home")

    @task(20 if PHASE == "mix" else 0)
    def tally_page(self):
        centre = self.centre()
        page = self.get(f"/centres/{centre}/tally/", "GET tally page")
        self.tally_forms[centre] = page

    @task(20 if PHASE == "mix" else 0)
    def calendar(self):
        self.get("/calendar/", "GET calendar")

    @task(20 if PHASE == "mix" and TARGETS.get("dashboard") else 0)
    def dashboard(self):
        self.get("/dashboard/", "GET dashboard")

    # --- writes ----------------------------------------------------------------------

    @task(9 if PHASE == "mix" else (1 if PHASE == "tally" else 0))
    def tally_tap(self):
        """A tap as the phone sends it (htmx); the answer carries the next form."""
        centre = self.centre()
        page = self.tally_forms.get(centre)
        if page is None:
            page = self.get(f"/centres/{centre}/tally/", "GET tally page")
        new = "1" if random.random() < 0.1 else "0"
        response = self.post_form(page, "/tally/tap/", "POST tally tap", [("new", new)], True)
        if response is not None and response.status_code == 200:
            self.tally_forms[centre] = response

    @task(3 if PHASE == "mix" else 0)
    def tally_sync_batch(self):
        """A counter back online: a batch of 1-20 queued taps, each with its own id; one
        in ten is sent twice (an answer lost on the way), which must count nothing twice."""
        centre = self.centre()
        page = self.tally_forms.get(centre)
        if page is None:
            page = self.get(f"/centres/{centre}/tally/", "GET tally page")
        sync_batch(self.client, page, "POST tally sync batch")

    @task(5 if PHASE == "mix" else 0)
    def advice_contact(self):
        page = self.get("/advice/record/", "GET advice form")
        self.post_form(page, "/advice/record/", "POST advice contact")

    @task(3 if PHASE == "mix" else 0)
    def sign_up(self):
        trips = self.person["trips"]
        if not trips:
            return
        path = f"/activities/{random.choice(trips)}/sign-up/"
        page = self.get(path, "GET sign-up form")
        self.post_form(page, "/sign-up/", "POST trip sign-up", [("name", "Gæst")])

    @task(1 if PHASE == "bare" else 0)
    def bare(self):
        self.get("/bench/plain/", "GET bare view")


def sync_batch(client, page, name):
    """Send a batch of 1-20 queued taps from a counter's page, one in ten twice (an
    answer lost on the way), which must count nothing twice."""
    found = SYNC_PATTERN.search(page.text or "") if page is not None else None
    if found is None:
        return
    url, csrf = found.groups()
    now = int(time.time() * 1000)
    body = {
        "sent_at": now,
        "events": [
            {
                "id": str(uuid.uuid4()),
                "action": "tap",
                "new": random.random() < 0.1,
                "at": now - random.randint(0, 3_600_000),
            }
            for _ in range(random.randint(1, 20))
        ],
    }
    for _ in range(2 if random.random() < 0.1 else 1):
        with client.post(
            url, json=body, headers={"X-CSRFToken": csrf}, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {url}")


if PHASE == "mix" and TARGETS.get("tablets"):

    class Tablet(HttpUser):
        """A tablet by the door: paired once with its code, then a counter nobody signs
        in to, tapped and sent in batches from its queue."""

        fixed_count = len(TARGETS["tablets"])
        wait_time = between(0.5, 2)

        def on_start(self):
            tablet = TARGETS["tablets"].pop()
            self.centre = tablet["centre"]
            page = self.client.get("/kiosk/pair/", name=SIGN_IN)
            _action, fields = form_on(page, "/kiosk/pair/")
            fields = [(k, v) for k, v in fields if k != "code"] + [("code", tablet["code"])]
            with self.client.post(
                "/kiosk/pair/", data=fields, name=SIGN_IN, catch_response=True
            ) as response:
                if "/kiosk/pair/" in response.url:
                    response.failure(f"pairing the tablet of centre {self.centre} failed")
            self.counter = None
            wait_for_everyone(self.environment)
            gevent.sleep(self.wait_time())

        def counter_page(self):
            with self.client.get(
                f"/centres/{self.centre}/tally/", name="GET kiosk tally page", catch_response=True
            ) as response:
                if response.status_code != 200 or "/kiosk/" in response.url:
                    response.failure(f"{response.status_code} from the tablet's counter")
            self.counter = response
            return response

        @task(2)
        def open_counter(self):
            self.counter_page()

        @task(8)
        def tap_batch(self):
            sync_batch(self.client, self.counter or self.counter_page(), "POST kiosk sync batch")
