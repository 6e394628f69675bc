"""Requests that race lose nothing and double nothing: on the live server, over HTTP.

Each test starts its requests together from several threads (a barrier) against the
threaded live server, which gives every request its own database connection and its own
transaction, as in production. The assertions are on the database afterwards.
"""

import datetime
import http.client
import re
import secrets
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import SignUp, SignUpStatus
from centres.middleware import TOKEN_FIELD
from centres.models import Census, KeyLoan, VisitCount
from incidents.models import Ban, BanScope, Incident, Kind
from tests.activities.factories import ActivityFactory
from tests.centres.factories import KeyFobFactory, KeyHolderFactory

pytestmark = pytest.mark.django_db(transaction=True)

HTMX = {"HX-Request": "true"}


class Browser:
    """A signed-in browser: the session of `client_for(user)`, usable from any thread."""

    def __init__(self, live_server, client):
        url = urlsplit(live_server.url)
        self.address = (url.hostname, url.port)
        self.cookies = {"sessionid": client.cookies["sessionid"].value}
        status, _, _ = self.request("GET", reverse("home"))
        assert status == 200 and "csrftoken" in self.cookies, "no CSRF cookie from the home page"

    def request(self, method, path, data=None, headers=None):
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        try:
            sent = {
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {}),
            }
            body = None
            if data is not None:
                body = urlencode(data, doseq=True)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read().decode()
            if method == "GET":  # cookies are only taken before the race starts
                for header in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(header).items():
                        self.cookies[name] = morsel.value
            return response.status, response.headers, content
        finally:
            connection.close()

    def post(self, path, data, token=None, headers=None):
        data = {**data, TOKEN_FIELD: token or secrets.token_urlsafe(24)}
        return self.request("POST", path, data, headers)


def race(count, send):
    """Call send(i) for i in range(count) from `count` threads released together."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=20)
            results[index] = send(index)
        except Exception as error:  # reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def statuses(results):
    return sorted(status for status, _, _ in results)


@pytest.fixture
def browser(live_server, client_for):
    return lambda user: Browser(live_server, client_for(user))


def test_every_one_of_many_simultaneous_taps_is_counted(world, browser):
    bob = browser(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    results = race(10, lambda i: bob.post(tap, {"new": str(i % 2)}, headers=HTMX))
    assert statuses(results) == [200] * 10
    assert VisitCount.objects.filter(centre=world.centre_a).totals() == {
        "visits": 10,
        "new_visits": 5,
    }


def test_one_tap_sent_twice_at_once_counts_once(world, browser):
    bob = browser(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    token = secrets.token_urlsafe(24)
    results = race(2, lambda i: bob.post(tap, {"new": "0"}, token=token, headers=HTMX))
    assert statuses(results) == [200, 200]
    assert results[0][2] == results[1][2], "the second answer is the first one again"
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 1


def test_one_form_sent_twice_at_once_saves_one_row(world, browser):
    bob = browser(world.staff_a)
    quick = reverse("incidents:quick")
    data = {
        "centre": world.centre_a.pk,
        "occurred_at": (timezone.localtime() - datetime.timedelta(minutes=10)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "kind": Kind.VERBAL_ABUSE,
        "affected_role": "staff",
        "summary": "Kaldte mig et skældsord og gik",
    }
    token = secrets.token_urlsafe(24)
    results = race(2, lambda i: bob.post(quick, data, token=token))
    assert statuses(results) == [302, 302]
    incident = Incident.objects.get()
    assert {headers["Location"] for _, headers, _ in results} == {incident.get_absolute_url()}


def test_more_sign_ups_than_places_fill_the_places_and_wait_list_the_rest(world, browser):
    course = ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a], capacity=3, signup_required=True
    )
    bob = browser(world.staff_a)
    url = reverse("activities:signup_create", args=[course.pk])
    results = race(8, lambda i: bob.post(url, {"name": f"Deltager {i}", "phone": ""}))
    assert statuses(results) == [302] * 8
    signups = SignUp.objects.filter(activity=course)
    assert signups.count() == 8
    assert signups.filter(status=SignUpStatus.CONFIRMED).count() == 3
    assert signups.filter(status=SignUpStatus.WAITLIST).count() == 5


def test_one_fob_lent_twice_at_once_is_lent_once(world, browser):
    fob = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a])
    holders = [
        KeyHolderFactory(organisation=world.org_a, alias=alias) for alias in ("Ravn", "Krage")
    ]
    bob = browser(world.staff_a)
    url = reverse("centres:key_lend")
    issued = timezone.localdate().isoformat()
    results = race(
        2, lambda i: bob.post(url, {"fob": fob.pk, "holder": holders[i].pk, "issued": issued})
    )
    assert statuses(results) == [200, 302]
    assert KeyLoan.objects.filter(fob=fob, returned__isnull=True).count() == 1
    [refused] = [body for status, _, body in results if status == 200]
    assert "allerede udlånt" in refused


def test_overlapping_bans_issued_at_once_leave_exactly_one(world, browser):
    alice = browser(world.leader)
    url = reverse("incidents:ban_create")
    today = timezone.localdate()
    data = {
        "alias": "Ravnen",
        "description": "Grå hættetrøje",
        "scope": BanScope.CENTRE,
        "centre": world.centre_a.pk,
        "reason": "Slog ud efter en medarbejder",
        "told_on": today.isoformat(),
        "review_on": (today + datetime.timedelta(days=14)).isoformat(),
    }

    def issue(i):  # overlapping periods, none the same
        starts = today + datetime.timedelta(days=i)
        return alice.post(
            url,
            {**data, "starts_on": starts, "ends_on": starts + datetime.timedelta(days=30)},
        )

    results = race(4, issue)
    assert statuses(results) == [200, 200, 200, 302]
    assert Ban.objects.count() == 1
    for status, _, body in results:
        if status == 200:
            assert re.search(r"har allerede en karantæne", body), body[:2000]


def test_two_censuses_for_one_day_at_once_save_one_and_explain_the_other(world, browser):
    bob = browser(world.staff_a)
    url = reverse("centres:census", args=[world.centre_a.pk])
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {"date": day, "weekly": "20", "monthly": "5", "occasional": "3"}
    results = race(3, lambda i: bob.post(url, data))
    # The losers' unique violation runs their request again, and the form then says why.
    assert statuses(results) == [200, 200, 302]
    assert Census.objects.filter(centre=world.centre_a).count() == 1
    for status, _, body in results:
        if status == 200:
            assert "Der er allerede en optælling for denne dato." in body
