"""The counter's sync address and the leader's page of taps that wait: through the client,
with bad batches refused whole (a 400 with a message, never a 500, nothing saved)."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import TallyEvent, TallyEventState, VisitCount
from tests.centres.factories import FlaggedTapFactory

pytestmark = pytest.mark.any_day


def ms(moment):
    return int(moment.timestamp() * 1000)


def a_tap(at=None, **extra):
    at = at or timezone.now()
    return {"id": str(uuid.uuid4()), "action": "tap", "new": False, "at": ms(at), **extra}


def post(client, centre, payload):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(
        reverse("centres:tally_sync", args=[centre.pk]), body, content_type="application/json"
    )


def test_staff_send_a_batch_and_get_the_days_count(client_for, world):
    client = client_for(world.staff_a)
    events = [a_tap(), a_tap(new=True)]
    answer = post(client, world.centre_a, {"sent_at": ms(timezone.now()), "events": events})
    assert answer.status_code == 200
    data = answer.json()
    assert (data["visits"], data["new_visits"], data["flagged"]) == (2, 1, 0)
    assert data["applied"] == [e["id"] for e in events]
    # Sent again (the answer was lost): the current count, nothing counted twice.
    again = post(client, world.centre_a, {"sent_at": ms(timezone.now()), "events": events})
    assert again.json()["visits"] == 2
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 2


def test_another_centres_counter_is_not_found(client_for, world):
    answer = post(
        client_for(world.staff_b),
        world.centre_a,
        {"sent_at": ms(timezone.now()), "events": [a_tap()]},
    )
    assert answer.status_code == 404
    assert not TallyEvent.objects.exists()


def test_the_sync_needs_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff_a)
    answer = post(client, world.centre_a, {"sent_at": ms(timezone.now()), "events": [a_tap()]})
    assert answer.status_code == 403
    assert not TallyEvent.objects.exists()


NOW_MS = 1_790_000_000_000


def late_tap():
    return {"id": str(uuid.uuid4()), "action": "tap", "at": NOW_MS + 3_600_000}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "ikke gyldig JSON"),
        (b"\xff\xfe", "ikke gyldig JSON"),
        ("[]", "liste"),
        ({"events": "many"}, "liste"),
        ({"sent_at": "now", "events": []}, "millisekunder"),
        ({"sent_at": True, "events": []}, "millisekunder"),
        ({"sent_at": 10**20, "events": []}, "ikke et muligt tidspunkt"),
        ({"sent_at": NOW_MS, "events": ["tap"]}, "ikke et objekt"),
        ({"sent_at": NOW_MS, "events": [{"id": "1", "action": "tap", "at": NOW_MS}]}, "UUID"),
        (
            {"sent_at": NOW_MS, "events": [{"id": 5, "action": "tap", "at": NOW_MS}]},
            "UUID",
        ),
        (
            {"sent_at": NOW_MS, "events": [{"id": str(uuid.uuid4()), "action": "x", "at": 1}]},
            "tryk eller en fortrydelse",
        ),
        (
            {
                "sent_at": NOW_MS,
                "events": [{"id": str(uuid.uuid4()), "action": "tap", "new": "1", "at": NOW_MS}],
            },
            "true eller false",
        ),
        (
            {"sent_at": NOW_MS, "events": [{"id": str(uuid.uuid4()), "action": "undo", "at": 1}]},
            "hvilket tryk",
        ),
        (
            {"sent_at": NOW_MS, "events": [{"id": str(uuid.uuid4()), "action": "tap"}]},
            "millisekunder",
        ),
        (
            {"sent_at": NOW_MS, "events": [{"id": str(uuid.uuid4()), "action": "tap", "at": 0}]},
            "ikke et muligt tidspunkt",
        ),
        ({"sent_at": NOW_MS, "events": [late_tap()]}, "efter"),
    ],
)
def test_a_bad_batch_is_refused_whole_with_a_danish_message(client_for, world, payload, message):
    client = client_for(world.staff_a)
    good = {**a_tap(), "at": NOW_MS - 1000}
    if isinstance(payload, dict) and isinstance(payload.get("events"), list):
        payload = {**payload, "events": [good, *payload["events"]]}
    answer = post(client, world.centre_a, payload)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert answer.json().get("event") != good["id"]  # the good event is never blamed
    assert not TallyEvent.objects.exists()
    assert not VisitCount.objects.exists()


def test_a_refusal_names_the_event_to_blame(client_for, world):
    bad = late_tap()
    answer = post(client_for(world.staff_a), world.centre_a, {"sent_at": NOW_MS, "events": [bad]})
    assert answer.status_code == 400 and answer.json()["event"] == bad["id"]


def test_a_huge_batch_is_refused(client_for, world):
    client = client_for(world.staff_a)
    now = timezone.now()
    events = [a_tap(now) for _ in range(501)]
    answer = post(client, world.centre_a, {"sent_at": ms(now), "events": events})
    assert answer.status_code == 400
    assert "højst 500" in answer.json()["error"]
    padded = {"sent_at": ms(now), "events": [], "padding": "x" * 300_000}
    assert post(client, world.centre_a, padded).status_code == 400
    assert not TallyEvent.objects.exists()


def test_a_device_clock_far_off_is_kept_flagged_not_counted(client_for, world):
    client = client_for(world.staff_a)
    fast = timezone.now() + datetime.timedelta(hours=3)
    answer = post(client, world.centre_a, {"sent_at": ms(fast), "events": [a_tap(fast)]})
    assert answer.status_code == 200 and answer.json()["flagged"] == 1
    assert not VisitCount.objects.exists()


def test_the_leader_sees_waiting_taps_on_the_centre_page_and_decides(
    client_for, world, django_assert_max_num_queries
):
    taps = FlaggedTapFactory.create_batch(3, centre=world.centre_a)
    FlaggedTapFactory(centre=world.centre_b)
    client = client_for(world.leader)
    page = client.get(world.centre_a.get_absolute_url()).content.decode()
    assert "3 tryk venter på at du bekræfter dem" in page
    assert reverse("centres:tally_flagged", args=[world.centre_a.pk]) in page
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("centres:tally_flagged", args=[world.centre_a.pk]))
    assert listing.status_code == 200
    assert listing.content.decode().count("Tæl det med") == 3

    decide = reverse("centres:tally_flagged_decide", args=[world.centre_a.pk, taps[0].pk])
    client.post(decide, {"decision": "confirm"})
    client.post(decide, {"decision": "confirm"})  # a second press changes nothing
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 1

    discard = reverse("centres:tally_flagged_decide", args=[world.centre_a.pk, taps[1].pk])
    refused = client.post(discard, {"decision": "discard", "reason": ""}, follow=True)
    assert "Skriv hvorfor trykket kasseres." in refused.content.decode()
    assert TallyEvent.objects.get(pk=taps[1].pk).state == TallyEventState.FLAGGED
    client.post(discard, {"decision": "discard", "reason": "Et testtryk"})
    assert TallyEvent.objects.get(pk=taps[1].pk).state == TallyEventState.DISCARDED

    # Another centre's tap is not found from this centre's address.
    other = TallyEvent.objects.get(centre=world.centre_b)
    wrong = reverse("centres:tally_flagged_decide", args=[world.centre_a.pk, other.pk])
    assert client.post(wrong, {"decision": "confirm"}).status_code == 404


def test_staff_see_no_waiting_taps_link(client_for, world):
    FlaggedTapFactory(centre=world.centre_a)
    page = client_for(world.staff_a).get(world.centre_a.get_absolute_url()).content.decode()
    assert "venter på at du bekræfter" not in page


def test_the_service_worker_is_served_at_the_root_under_a_strict_policy(client, world):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    assert b"vaerested-counter" in answer.content
    policy = answer["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_the_manifest_names_icons_that_exist():
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    manifest = json.loads((static / "manifest.webmanifest").read_text())
    assert manifest["lang"] == "da" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert (static / icon["src"]).exists()


def test_the_apps_start_opens_the_counter_of_the_one_centre(client_for, world):
    start = reverse("centres:tally_start")
    assert client_for(world.staff_a).get(start).url == reverse(
        "centres:tally", args=[world.centre_a.pk]
    )
    assert client_for(world.leader).get(start).url == reverse("home")
    assert client_for(world.association).get(start).url == reverse("home")


def test_an_empty_batch_answers_the_days_count(client_for, world):
    """A queue that had nothing left to send (or a page asking for the count) is no error."""
    client = client_for(world.staff_a)
    post(client, world.centre_a, {"sent_at": ms(timezone.now()), "events": [a_tap()]})
    answer = post(client, world.centre_a, {"sent_at": ms(timezone.now()), "events": []})
    assert answer.status_code == 200
    assert (answer.json()["visits"], answer.json()["applied"]) == (1, [])
