"""Anonymous visit tallies: taps, undo, a day entered afterwards, and the census."""

import datetime
import secrets
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import services
from centres.models import Census, Centre, OpeningKind, VisitCount, VisitKind
from tests.centres.factories import OpeningHoursFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
SATURDAY_NOON = datetime.datetime(2026, 11, 28, 12, 10, tzinfo=CPH)


def totals(centre):
    return VisitCount.objects.filter(centre=centre).totals()


def test_taps_count_per_hour_and_kind_and_undo_takes_one_back(world, client_for):
    client = client_for(world.staff_a)
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    undo = reverse("centres:tally_undo", args=[world.centre_a.pk])
    client.post(tap, {"new": "0"})
    client.post(tap, {"new": "1"})
    client.post(tap, {"new": "0"})
    assert totals(world.centre_a) == {"visits": 3, "new_visits": 1}
    client.post(undo)
    client.post(undo)
    assert totals(world.centre_a) == {"visits": 1, "new_visits": 0}
    [row] = VisitCount.objects.all()
    assert row.kind == VisitKind.STAFFED and row.hour is not None


def test_htmx_tap_answers_with_the_counter_only(world, client_for):
    client = client_for(world.staff_a)
    response = client.post(
        reverse("centres:tally_tap", args=[world.centre_a.pk]), {"new": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="tally-counter"' in html and "<html" not in html
    assert "Tæller som: Bemandet" in html
    assert "1 nye" in html or "1 nye" in html.replace("\n", " ")


@time_machine.travel(SATURDAY_NOON, tick=False)
def test_a_tap_during_a_maybe_open_slot_counts_as_user_run(world):
    OpeningHoursFactory(
        centre=world.centre_a,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
    )
    tap = services.record_tap(centre=world.centre_a)
    assert VisitCount.objects.get().kind == VisitKind.USER_RUN == tap["kind"]
    # Staff on the slot's day make it staffed: the kind decided in the tap's statement
    # is the one visit_kind_at gives the counter's page.
    tap = services.record_tap(centre=world.centre_a, kind=VisitKind.STAFFED)
    assert tap["kind"] == VisitKind.STAFFED
    assert services.visit_kind_at(world.centre_a, timezone.now()) == VisitKind.USER_RUN


def test_staff_of_another_centre_cannot_tap_here(world, client_for):
    response = client_for(world.staff_b).post(
        reverse("centres:tally_tap", args=[world.centre_a.pk]), {"new": "0"}
    )
    assert response.status_code == 404
    assert not VisitCount.objects.exists()


def test_undo_never_goes_below_zero(world):
    tap = services.record_tap(centre=world.centre_a, new=True)
    assert services.undo_tap(centre=world.centre_a, tap=tap)
    assert not services.undo_tap(centre=world.centre_a, tap=tap)
    assert totals(world.centre_a) == {"visits": 0, "new_visits": 0}


def test_sixteen_phones_tapping_at_once_lose_no_count(transactional_db, world):
    centre = world.centre_a
    kind = services.visit_kind_at(centre, timezone.now())
    errors = []

    def tap_250_times():
        try:
            for _ in range(250):
                services.record_tap(centre=centre, kind=kind)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap_250_times) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert totals(centre)["visits"] == 4000


def test_a_day_entered_again_replaces_the_earlier_entry_and_keeps_todays_taps(world, client_for):
    services.record_tap(centre=world.centre_a)
    client = client_for(world.staff_a)
    url = reverse("centres:tally_day", args=[world.centre_a.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {
        "date": yesterday,
        "kind": "staffed",
        "visits": "14",
        "new_visits": "2",
        "entry": "replace",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "visits": "17"}).status_code == 302
    assert totals(world.centre_a) == {"visits": 18, "new_visits": 2}


def test_day_form_refuses_bad_figures_in_danish_and_saves_nothing(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("centres:tally_day", args=[world.centre_a.pk])
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    data = {"kind": "staffed", "visits": "3", "new_visits": "0", "entry": "add"}
    html = client.post(url, {**data, "date": future}).content.decode()
    assert "fremtiden" in html
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    html = client.post(url, {**data, "date": yesterday, "new_visits": "5"}).content.decode()
    assert "flere nye besøgende" in html
    assert not VisitCount.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {
            "date": st.one_of(st.text(max_size=12), st.dates().map(str)),
            "kind": st.sampled_from(["staffed", "user_run", "maybe", ""]),
            "entry": st.sampled_from(["add", "replace", "both", ""]),
            "visits": st.one_of(st.text(max_size=12), st.integers(-5, 10**12).map(str)),
            "new_visits": st.one_of(st.text(max_size=5), st.integers(-5, 10**12).map(str)),
        }
    )
)
def test_day_form_never_fails_on_any_input(world, client, data):
    client.force_login(world.staff_a)
    response = client.post(reverse("centres:tally_day", args=[world.centre_a.pk]), data)
    assert response.status_code in (200, 302)


def test_tally_pages_take_constant_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    for days in range(30):
        for kind in VisitKind.values:
            services.add_visits(
                centre=world.centre_a,
                date=datetime.date.today() - datetime.timedelta(days=days),
                hour=10,
                kind=kind,
                visits=5,
            )
    # Every view works out the day's openings (five reads) for the kind a tap counts as.
    for _ in range(2):
        with django_assert_max_num_queries(10):
            response = client.get(reverse("centres:tally", args=[world.centre_a.pk]))
            assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("centres:tally_day", args=[world.centre_a.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_every_tap_costs_the_same_few_queries(world, client_for):
    # The tap is the busiest write: session, user, the one-time token, centre, one
    # statement that decides the kind from the opening in progress, counts the visit and
    # reads today's sums, the token's answer and the session's save, between BEGIN and
    # COMMIT: the session is saved in the tap's transaction, once.
    client = client_for(world.staff_a)
    client.get(reverse("centres:tally", args=[world.centre_a.pk]))  # the session's start stamped
    url = reverse("centres:tally_tap", args=[world.centre_a.pk])
    for most in (9, 9, 9):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url,
                {"new": "0", "submission_token": secrets.token_urlsafe(24)},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
        assert len(statements) <= most, "\n".join(statements)
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 3


def test_totals_per_centre_day_and_kind(world):
    day = datetime.date(2026, 11, 2)
    services.add_visits(
        centre=world.centre_a, date=day, hour=9, kind="staffed", visits=4, new_visits=1
    )
    services.add_visits(centre=world.centre_a, date=day, hour=10, kind="staffed", visits=3)
    services.add_visits(centre=world.centre_a, date=day, hour=None, kind="user_run", visits=6)
    services.add_visits(centre=world.centre_b, date=day, hour=9, kind="staffed", visits=2)
    rows = list(
        VisitCount.objects.for_centres([world.centre_a]).between(day, day).per_centre_day_kind()
    )
    assert [(r["kind"], r["total"], r["new"]) for r in rows] == [
        ("staffed", 7, 1),
        ("user_run", 6, 0),
    ]


def test_census_history_and_duplicate_date(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("centres:census", args=[world.centre_a.pk])
    data = {"date": "2026-11-01", "weekly": "59", "monthly": "12", "occasional": "8"}
    assert client.post(url, data).status_code == 302
    html = client.post(url, data).content.decode()
    assert "allerede en optælling" in html
    html = client.post(url, {**data, "date": "2026-10-01", "weekly": "-3"}).content.decode()
    assert Census.objects.count() == 1
    assert "79" in client.get(url).content.decode()


def test_centres_with_visit_totals_in_one_query(world, django_assert_num_queries):
    day = datetime.date(2026, 11, 2)
    services.add_visits(
        centre=world.centre_a, date=day, hour=9, kind="staffed", visits=4, new_visits=1
    )
    services.add_visits(centre=world.centre_a, date=day, hour=None, kind="user_run", visits=6)
    services.add_visits(
        centre=world.centre_a,
        date=day - datetime.timedelta(days=40),
        hour=9,
        kind="staffed",
        visits=100,
    )
    with django_assert_num_queries(1):
        rows = {
            c.name: (c.visits, c.new_visits, c.staffed_visits, c.user_run_visits)
            for c in Centre.objects.for_user(world.leader).with_visit_totals(
                day - datetime.timedelta(days=6), day
            )
        }
    assert rows == {"Værestedet 76F": (10, 1, 4, 6), "Værestedet Frederiksgade": (0, 0, 0, 0)}
