"""The opening in progress, which decides the kind a tap counts as.

It is worked out from the openings of the whole local day (centres.services).
"""

import datetime
import secrets
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import services
from centres.models import OpenDay, OpeningHours, OpeningKind, VisitCount, VisitKind
from centres.openings import kind_at, local_datetime, open_at, openings_for
from centres.views import tally_session_key
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, UserRunOpeningFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
ONE_SECOND = datetime.timedelta(seconds=1)
# Days where the rules meet their edges: summer time begins and ends, a holiday, and a
# Monday whose Sunday (a day of its own rules) leaves runs across midnight.
EDGE_DAYS = [
    datetime.date(2026, 3, 29),
    datetime.date(2026, 10, 25),
    datetime.date(2026, 12, 25),
    datetime.date(2026, 11, 23),
]
KINDS = [OpeningKind.STAFFED, OpeningKind.USER_RUN, OpeningKind.MAYBE]


def in_one_second(centre, moment):
    """The opening in progress from the openings of one second alone: the definition the
    day's openings must agree with."""
    window = openings_for([centre], moment, moment + ONE_SECOND)[centre.pk]
    current = [o for o in window if o.contains(moment)]
    current.sort(key=lambda o: o.kind != OpeningKind.STAFFED)
    return current[0] if current else None


def described(opening):
    if opening is None:
        return None
    run = opening.user_run.pk if opening.user_run else None
    return (opening.start, opening.end, opening.kind, opening.label, opening.hours_id, run)


def wall(day, minute):
    """Wall-clock `minute` of `day`; minutes past midnight run on into the next day."""
    day = day + datetime.timedelta(days=minute // (24 * 60))
    minute %= 24 * 60
    return local_datetime(day, datetime.time(minute // 60, minute % 60))


hours_rule = st.tuples(
    st.integers(0, 23 * 60),  # start minute
    st.integers(15, 10 * 60),  # length
    st.sampled_from(KINDS),
)
run = st.one_of(
    # A run over a slot of a rule: it replaces the slot.
    st.tuples(st.just("slot"), st.integers(0, 3), st.integers(-1, 0)),
    # A run from before a rule's opening into it or past it: both are in progress.
    st.tuples(st.just("across"), st.integers(0, 3), st.integers(0, 120)),
    # A run anywhere from the evening before into the night after.
    st.tuples(st.just("free"), st.integers(-6 * 60, 24 * 60), st.integers(30, 14 * 60)),
)


@pytest.mark.clock_free  # every moment is drawn
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.one_of(
        st.sampled_from(EDGE_DAYS), st.dates(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    ),
    rules=st.lists(st.tuples(st.integers(-1, 0), hours_rule), max_size=4),
    runs=st.lists(run, max_size=3),
    closed=st.sampled_from(["", "closure", "closure opened"]),
    minutes=st.lists(st.integers(0, 24 * 60 - 1), max_size=4),
)
def test_the_day_gives_the_opening_of_the_moment(world, day, rules, runs, closed, minutes):
    centre = world.centre_a
    with transaction.atomic():
        slots, spans = [], []
        for offset, (start, length, kind) in rules:
            rule_day = day + datetime.timedelta(days=offset)
            ends = min(start + length, 24 * 60 - 1)
            rule = {
                "centre": centre,
                "weekday": rule_day.weekday(),
                "starts": datetime.time(start // 60, start % 60),
                "ends": datetime.time(ends // 60, ends % 60),
                "kind": kind,
                "label": f"{kind} {start}",
            }
            clash = OpeningHours.objects.filter(
                centre=centre,
                weekday=rule["weekday"],
                starts__lt=rule["ends"],
                ends__gt=rule["starts"],
            )
            if rule["starts"] < rule["ends"] and not clash.exists():
                OpeningHoursFactory(**rule)
                spans.append((rule_day, start, ends))
                if kind != OpeningKind.STAFFED:
                    slots.append((rule_day, start, ends))
        for shape, a, b in runs:
            if shape == "slot":
                if not slots:
                    continue
                slot_day, start, ends = slots[a % len(slots)]
                starts_at, ends_at = wall(slot_day, start), wall(slot_day, ends)
            elif shape == "across":
                if not spans:
                    continue
                span_day, start, ends = spans[a % len(spans)]
                starts_at = wall(span_day, start - b - 1)
                ends_at = wall(span_day, start + (ends - start) * (b % 3) // 2 + 1)
            else:
                starts_at, ends_at = wall(day, a), wall(day, a + b)
            UserRunOpeningFactory(centre=centre, starts=starts_at, ends=ends_at)
        if closed:
            ClosureFactory(centre=centre, starts=day, ends=day)
        if closed == "closure opened":
            OpenDay.objects.create(centre=centre, date=day)

        # Every edge of every opening near the day, a second either side, and the minutes.
        near = openings_for([centre], wall(day, -24 * 60), wall(day, 2 * 24 * 60))[centre.pk]
        moments = {wall(day, m) for m in minutes}
        for opening in near:
            for edge in (opening.start, opening.end):
                moments |= {edge - ONE_SECOND, edge, edge + ONE_SECOND}
        if day.month in (3, 10):  # both passes of the repeated hour, the skipped one
            moments |= {
                local_datetime(day, datetime.time(2, 30)) + d * 1800 * ONE_SECOND
                for d in range(-2, 3)
            }
        for moment in moments:
            expected = in_one_second(centre, moment)
            assert described(open_at(centre, moment)) == described(expected), moment
            assert kind_at(centre, moment) == (expected.kind if expected else None), moment
            kind = VisitKind.USER_RUN if expected and expected.kind != "staffed" else "staffed"
            assert services.visit_kind_at(centre, moment) == kind, moment
        transaction.set_rollback(True)


def test_staffed_hours_come_before_a_user_run_opening_begun_earlier(world):
    centre = world.centre_a
    tuesday = datetime.date(2026, 11, 24)
    OpeningHoursFactory(centre=centre, weekday=1, starts=datetime.time(10), ends=datetime.time(14))
    UserRunOpeningFactory(centre=centre, starts=wall(tuesday, 8 * 60), ends=wall(tuesday, 12 * 60))
    for minute, kind in ((9 * 60, "user_run"), (11 * 60, "staffed"), (13 * 60, "staffed")):
        assert open_at(centre, wall(tuesday, minute)).kind == kind
        assert services.visit_kind_at(centre, wall(tuesday, minute)) == kind


@pytest.fixture
def tuesday_morning(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, 0, tzinfo=CPH), tick=False)


def tap(client, centre):
    """A tap as the counter page sends it: htmx, with a one-time token, so it runs in one
    transaction."""
    url = reverse("centres:tally_tap", args=[centre.pk])
    data = {"new": "0", "submission_token": secrets.token_urlsafe(24)}
    return client.post(url, data, headers={"HX-Request": "true"})


def test_a_tap_after_a_change_of_hours_counts_by_the_new_hours(world, client_for, tuesday_morning):
    centre = world.centre_a
    hours = OpeningHoursFactory(centre=centre, weekday=1, kind=OpeningKind.STAFFED)
    client = client_for(world.staff_a)
    assert tap(client, centre).status_code == 200
    OpeningHours.objects.filter(pk=hours.pk).update(kind=OpeningKind.USER_RUN)
    assert tap(client, centre).status_code == 200
    ClosureFactory(centre=centre, starts=timezone.localdate(), ends=timezone.localdate())
    assert tap(client, centre).status_code == 200
    counts = VisitCount.objects.filter(centre=centre).per_kind()
    assert {row["kind"]: row["total"] for row in counts} == {"staffed": 2, "user_run": 1}


def test_a_planned_user_run_opening_is_seen_by_the_next_tap(world, client_for, tuesday_morning):
    centre = world.centre_a
    client = client_for(world.staff_a)
    tap(client, centre)
    now = timezone.now()
    UserRunOpeningFactory(centre=centre, starts=now - 60 * ONE_SECOND, ends=now + 3600 * ONE_SECOND)
    tap(client, centre)
    counts = VisitCount.objects.filter(centre=centre).per_kind()
    assert {row["kind"]: row["total"] for row in counts} == {"staffed": 1, "user_run": 1}


def test_the_tap_answers_the_days_counts_with_the_new_tap(world, client_for, tuesday_morning):
    centre = world.centre_a
    today = timezone.localdate()
    services.add_visits(centre=centre, date=today, hour=None, kind="user_run", visits=6)
    services.add_visits(centre=centre, date=today, hour=10, kind="staffed", visits=3, new_visits=1)
    services.add_visits(centre=centre, date=today, hour=9, kind="staffed", visits=2)
    services.add_visits(centre=world.centre_b, date=today, hour=10, kind="staffed", visits=50)
    tap, counts = services.tap_and_count(centre=centre, new=True, kind="staffed")
    assert counts == list(VisitCount.objects.filter(centre=centre, date=today).per_kind())
    assert {row["kind"]: (row["total"], row["new"]) for row in counts} == {
        "staffed": (6, 2),
        "user_run": (6, 0),
    }
    assert tap == {"date": today.isoformat(), "hour": 10, "kind": "staffed", "new": True}


def test_the_counter_shows_the_tap_it_answers(world, client_for, tuesday_morning):
    client = client_for(world.staff_a)
    tap(client, world.centre_a)
    response = tap(client, world.centre_a)
    assert '<span class="tally-number">2</span>' in response.content.decode()
    assert len(client.session[tally_session_key(world.centre_a)]) == 2
