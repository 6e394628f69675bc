"""A form sent twice is saved once: one-time tokens on every form.

Bob double-clicks, his phone resends after a timeout, he presses back and sends again:
whatever the path, the second POST of a token answers like the first and saves nothing.
A form with errors leaves its token free for the corrected form.
"""

import re
from pathlib import Path

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres import services
from centres.middleware import TOKEN_FIELD
from centres.models import Census, SubmissionToken, VisitCount

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and p.is_file()
]
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"']", re.I)
HX_POST = re.compile(r"<[a-z]+\b[^>]*\bhx-post=[^>]*>", re.I)
TAG = "{% submission_token %}"
TOKEN_VALUE = re.compile(rf'name="{TOKEN_FIELD}" value="([^"]+)"')
REPLAYED = "Formularen var allerede sendt; den er kun gemt én gang."


def test_the_walk_finds_the_forms():
    """A guard for the walk below: it must see the product's forms to prove anything."""
    forms = [m for p in TEMPLATES for m in FORM.finditer(p.read_text())]
    assert len(forms) > 30


def test_every_post_form_and_htmx_post_carries_a_token():
    missing = []
    for path in TEMPLATES:
        source = path.read_text()
        forms = list(FORM.finditer(source))
        for form in forms:
            opening = source[form.start() : form.start(1)]
            posts = POST_FORM.match(opening) or "hx-post" in opening
            if posts and TAG not in form.group(1):
                missing.append(f"{path.relative_to(ROOT)}: {opening[:80]}")
        for element in HX_POST.finditer(source):
            inside = any(f.start() <= element.start() < f.end() and TAG in f.group() for f in forms)
            if not inside and TOKEN_FIELD not in element.group():
                missing.append(f"{path.relative_to(ROOT)}: {element.group()[:80]}")
    assert not missing, "forms without {% submission_token %}:\n" + "\n".join(missing)


def token_from(response, action=None):
    """The token of the form posting to `action` (None: to the page itself)."""
    for form in FORM.finditer(response.content.decode()):
        opening = form.group()[: form.start(1) - form.start()]
        target = re.search(r'action="([^"]*)"', opening)
        if (target.group(1) if target else None) == action:
            return TOKEN_VALUE.search(form.group(1)).group(1)
    raise AssertionError(f"no form posting to {action}")


def census_post(world, token, regulars="12"):
    return {
        "date": "2026-11-02",
        "weekly": regulars,
        "monthly": "4",
        "occasional": "0",
        TOKEN_FIELD: token,
    }


def test_the_same_form_sent_twice_is_saved_once_and_answers_like_the_first(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("centres:census", args=[world.centre_a.pk])
    token = token_from(client.get(url))
    first = client.post(url, census_post(world, token))
    second = client.post(url, census_post(world, token), follow=True)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.redirect_chain == [(first.url, 302)]
    assert Census.objects.filter(centre=world.centre_a).count() == 1
    assert REPLAYED in second.content.decode()


def test_a_form_with_errors_leaves_its_token_for_the_corrected_form(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("centres:census", args=[world.centre_a.pk])
    token = token_from(client.get(url))
    refused = client.post(url, census_post(world, token, regulars="-5"))
    assert refused.status_code == 200
    assert not Census.objects.exists()
    assert not SubmissionToken.objects.filter(token=token).exists()
    assert client.post(url, census_post(world, token)).status_code == 302
    assert Census.objects.count() == 1


def test_each_tap_answer_carries_fresh_tokens_so_the_next_tap_counts(world, client_for):
    client = client_for(world.staff_a)
    tally = reverse("centres:tally", args=[world.centre_a.pk])
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    tap_token = token_from(client.get(tally), tap)
    seen = {tap_token}
    for _ in range(3):
        answer = client.post(
            tap, {"new": "0", TOKEN_FIELD: tap_token}, headers={"HX-Request": "true"}
        )
        assert answer.status_code == 200
        tap_token = token_from(answer, tap)
        assert tap_token not in seen
        seen.add(tap_token)
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 3


def test_a_resent_tap_counts_once_and_gets_the_first_answer_again(world, client_for):
    client = client_for(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    post = {"new": "1", TOKEN_FIELD: "resent-tap-token-0001"}
    first = client.post(tap, post, headers={"HX-Request": "true"})
    again = client.post(tap, post, headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert again.content == first.content
    assert VisitCount.objects.filter(centre=world.centre_a).totals() == {
        "visits": 1,
        "new_visits": 1,
    }


def test_a_post_without_a_token_still_works(world, client_for):
    client = client_for(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    client.post(tap, {"new": "0"})
    client.post(tap, {"new": "0"})
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 2
    assert not SubmissionToken.objects.exists()


@pytest.mark.parametrize("token", ["short", "x" * 65, "with spaces in it, quite long", "ø" * 20])
def test_a_damaged_token_is_a_bad_request_and_saves_nothing(world, client_for, token):
    client = client_for(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    assert client.post(tap, {"new": "0", TOKEN_FIELD: token}).status_code == 400
    assert not VisitCount.objects.exists()


def test_another_users_token_is_refused(world, client_for):
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    post = {"new": "0", TOKEN_FIELD: "bobs-token-0000000001"}
    assert client_for(world.staff_a).post(tap, post).status_code == 302
    assert client_for(world.leader).post(tap, post).status_code == 400
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 1


def test_a_server_error_keeps_nothing_of_the_request(world, client_for, monkeypatch):
    def tap_then_fail(**kwargs):
        original(**kwargs)
        raise RuntimeError("after the write")

    original = services.tap_and_count
    monkeypatch.setattr(services, "tap_and_count", tap_then_fail)
    client = client_for(world.staff_a)
    client.raise_request_exception = False
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    post = {"new": "0", TOKEN_FIELD: "failing-token-00000001"}
    assert client.post(tap, post).status_code == 500
    assert not VisitCount.objects.exists()
    assert not SubmissionToken.objects.exists()


def test_a_deadlock_runs_the_request_again_from_the_start(world, client_for, monkeypatch):
    calls = []

    def deadlock_once(**kwargs):
        calls.append(kwargs)
        result = original(**kwargs)
        if len(calls) == 1:
            raise OperationalError("deadlock") from psycopg.errors.DeadlockDetected()
        return result

    original = services.tap_and_count
    monkeypatch.setattr(services, "tap_and_count", deadlock_once)
    client = client_for(world.staff_a)
    client.raise_request_exception = False  # the first attempt's error is logged, not shown
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    assert client.post(tap, {"new": "0", TOKEN_FIELD: "deadlock-token-000001"}).status_code == 302
    assert len(calls) == 2
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_tap_and_its_undo_are_saved_in_one_transaction(world, client_for):
    client = client_for(world.staff_a)
    client.get(reverse("centres:tally", args=[world.centre_a.pk]))  # the session's start stamped
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    with CaptureQueriesContext(connection) as queries:
        client.post(tap, {"new": "0", TOKEN_FIELD: "one-commit-token-0001"})
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    renewals = [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    ]
    assert len(renewals) == 1  # SessionMiddleware found it saved
    assert statements.index("COMMIT") > queries.captured_queries.index(renewals[0])
    undo = reverse("centres:tally_undo", args=[world.centre_a.pk])
    client.post(undo, {TOKEN_FIELD: "one-commit-token-0002"})
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 0


def test_a_session_ended_during_a_tap_keeps_nothing_of_it(world, client_for, monkeypatch):
    def tap_while_signed_out_elsewhere(**kwargs):
        Session.objects.all().delete()
        return original(**kwargs)

    original = services.tap_and_count
    monkeypatch.setattr(services, "tap_and_count", tap_while_signed_out_elsewhere)
    client = client_for(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    answer = client.post(tap, {"new": "0", TOKEN_FIELD: "ended-session-token-01"})
    assert answer.status_code == 400
    assert not VisitCount.objects.exists()
    assert not SubmissionToken.objects.exists()


def test_tokens_older_than_a_day_are_purged(world, time_machine):
    time_machine.move_to("2026-11-01 12:00 +01:00")
    SubmissionToken.objects.create(token="old-token-0000000001")
    time_machine.move_to("2026-11-02 13:00 +01:00")
    SubmissionToken.objects.create(token="new-token-0000000001")
    call_command("purge_submission_tokens", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["new-token-0000000001"]
