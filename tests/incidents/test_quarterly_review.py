"""The quarterly violence review: quarters in Copenhagen time, the figures (equal to a
recount), signing with a snapshot, and what is due for whom."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from centres.models import OpeningHours, OpeningKind
from incidents import review
from incidents.models import (
    Context,
    DaySheet,
    DaySheetEntry,
    Kind,
    PartOfDay,
    QuarterReview,
    ReviewSignature,
    Severity,
    SignatoryRole,
)
from tests.incidents.factories import (
    FollowUpItemFactory,
    IncidentFactory,
    ReviewDecisionFactory,
    RiskAssessmentFactory,
    safety_representative,
)

CPH = ZoneInfo("Europe/Copenhagen")


def cph(*args):
    return datetime.datetime(*args, tzinfo=CPH)


# Quarters ---------------------------------------------------------------------------------


@given(
    st.datetimes(
        min_value=datetime.datetime(2001, 1, 1),
        max_value=datetime.datetime(2098, 12, 31),
        timezones=st.just(datetime.UTC),
    )
)
@example(cph(2028, 2, 29, 23, 59).astimezone(datetime.UTC))  # a leap day, the last minute
@example(cph(2027, 3, 31, 23, 30).astimezone(datetime.UTC))  # 21:30 UTC, Q2 in Copenhagen
@example(cph(2027, 12, 31, 23, 30).astimezone(datetime.UTC))  # still Q4, 22:30 UTC
@example(cph(2027, 10, 1, 0, 0).astimezone(datetime.UTC))  # summer time: 22:00 UTC the day before
@example(datetime.datetime(2027, 3, 28, 1, 0, tzinfo=datetime.UTC))  # the hour that is skipped
def test_a_moment_lies_in_the_span_of_its_quarter(moment):
    year, quarter = review.quarter_of(moment)
    start, end = review.quarter_span(year, quarter)
    assert start <= moment < end
    assert moment.astimezone(CPH).month in range(3 * quarter - 2, 3 * quarter + 1)


@given(st.integers(2000, 2098), st.integers(1, 4))
def test_quarters_follow_each_other_without_gap(year, quarter):
    start, end = review.quarter_span(year, quarter)
    next_quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    assert review.quarter_span(*next_quarter)[0] == end
    assert review.previous_quarter_of(*next_quarter) == (year, quarter)
    # Local midnight at both ends, whatever the summer time.
    assert start.astimezone(CPH).time() == datetime.time(0) == end.astimezone(CPH).time()
    first, last = review.quarter_days(year, quarter)
    assert (end - start).total_seconds() / 86400 == pytest.approx((last - first).days + 1, abs=0.1)


def test_first_quarter_of_a_leap_year_has_91_days():
    first, last = review.quarter_days(2028, 1)
    assert (first, last) == (datetime.date(2028, 1, 1), datetime.date(2028, 3, 31))
    assert (last - first).days + 1 == 91


# Figures ---------------------------------------------------------------------------------


def day_sheet(centre, day, user, counts=(), no_episodes=False):
    sheet = DaySheet.objects.create(
        centre=centre, day=day, filled_in_by=user, no_episodes=no_episodes
    )
    for kind, part, n in counts:
        DaySheetEntry.objects.create(sheet=sheet, kind=kind, part_of_day=part, count=n)
    return sheet


@pytest.fixture
def quarter_data(world):
    """Q1 2027 at centre A: reports at the quarter's edges, day sheets, a follow-up."""
    a = world.centre_a
    # 31 March 23:30 in Copenhagen is 21:30 UTC: still Q1. 1 January 00:10 is in Q1 too.
    IncidentFactory(
        centre=a,
        occurred_at=cph(2027, 3, 31, 23, 30),
        kinds=[Kind.THREAT],
        severity=Severity.MODERATE,
        context=Context.STAFFED_OPENING,
        reported_by=world.staff_a,
    )
    first = IncidentFactory(
        centre=a,
        occurred_at=cph(2027, 1, 1, 0, 10),
        kinds=[Kind.PHYSICAL_VIOLENCE, Kind.THREAT],
        severity=Severity.SERIOUS,
        is_full_report=True,
        context=Context.USER_RUN_OPENING,
        reported_by=world.staff_a,
    )
    # Outside the quarter: 1 April 00:30 local time (31 March 22:30 UTC), and centre B.
    IncidentFactory(centre=a, occurred_at=cph(2027, 4, 1, 0, 30), reported_by=world.staff_a)
    IncidentFactory(
        centre=world.centre_b, occurred_at=cph(2027, 2, 1, 12), reported_by=world.staff_b
    )
    FollowUpItemFactory(incident=first, owner=world.leader, done_on=datetime.date(2027, 1, 5))
    day_sheet(
        a,
        datetime.date(2027, 2, 2),  # a Tuesday
        world.staff_a,
        [(Kind.VERBAL_ABUSE, PartOfDay.FROM_10, 3), (Kind.THREAT, PartOfDay.FROM_14, 1)],
    )
    day_sheet(a, datetime.date(2027, 2, 3), world.staff_a, no_episodes=True)
    day_sheet(
        a, datetime.date(2027, 4, 1), world.staff_a, [(Kind.VERBAL_ABUSE, PartOfDay.FROM_10, 9)]
    )
    RiskAssessmentFactory(
        centre=a,
        written_by=world.leader,
        assessed_on=datetime.date(2027, 2, 10),
        review_on=datetime.date(2028, 2, 10),
    )
    RiskAssessmentFactory(
        centre=a,
        written_by=world.leader,
        assessed_on=datetime.date(2025, 2, 10),
        review_on=datetime.date(2026, 2, 10),
    )
    return world


def test_figures_count_the_quarter_in_local_time(quarter_data):
    figures = review.quarter_figures(quarter_data.centre_a, 2027, 1)
    assert figures["reports"] == 2
    assert figures["full_reports"] == 1
    assert figures["day_sheet_episodes"] == 4
    assert figures["day_sheets"] == {"filled": 2, "without_episodes": 1}
    assert figures["kind"][Kind.THREAT] == {"reports": 2, "day_sheet": 1}
    assert figures["kind"][Kind.VERBAL_ABUSE] == {"reports": 0, "day_sheet": 3}
    assert figures["severity"] == {"minor": 0, "moderate": 1, "serious": 1}
    # 31 March 2027 is a Wednesday, 1 January 2027 a Friday: weekdays of Copenhagen.
    assert figures["weekday"]["3"]["reports"] == 1
    assert figures["weekday"]["5"]["reports"] == 1
    assert figures["weekday"]["2"]["day_sheet"] == 4
    assert figures["part_of_day"]["16"]["reports"] == 1  # 23:30
    assert figures["part_of_day"]["0"]["reports"] == 1  # 00:10
    assert figures["opening"]["staffed"] == {"reports": 1, "day_sheet": 4}
    assert figures["opening"]["user_run"]["reports"] == 1
    assert figures["follow_ups"] == {"total": 1, "done": 1}
    assert figures["risk_assessments"] == 1
    assert figures["days"] == 90


def test_each_table_of_figures_adds_up_to_the_recount(quarter_data):
    figures = review.quarter_figures(quarter_data.centre_a, 2027, 1)
    for key in ("weekday", "part_of_day", "opening"):
        assert sum(p["reports"] for p in figures[key].values()) == figures["reports"]
        assert sum(p["day_sheet"] for p in figures[key].values()) == figures["day_sheet_episodes"]
    assert sum(figures["severity"].values()) == figures["reports"]


def test_a_registration_without_context_is_placed_by_the_opening(world):
    a = world.centre_a
    OpeningHours.objects.create(
        centre=a,
        weekday=0,  # Monday
        starts=datetime.time(8),
        ends=datetime.time(16),
        kind=OpeningKind.STAFFED,
        valid_from=datetime.date(2026, 1, 1),
    )
    OpeningHours.objects.create(
        centre=a,
        weekday=5,  # Saturday
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.USER_RUN,
        valid_from=datetime.date(2026, 1, 1),
    )
    for moment in (cph(2027, 1, 4, 9), cph(2027, 1, 9, 11), cph(2027, 1, 9, 20)):
        IncidentFactory(centre=a, occurred_at=moment, context="", reported_by=world.staff_a)
    opening = review.quarter_figures(a, 2027, 1)["opening"]
    assert opening["staffed"]["reports"] == 1
    assert opening["user_run"]["reports"] == 1
    assert opening["outside"]["reports"] == 1


# Instants where quarters, days and hours go wrong: quarter ends at local midnight, both
# summer-time switches (one on a quarter's last days), and a leap day.
EDGES = [
    cph(2027, 1, 1, 0, 0),
    cph(2027, 3, 28, 3, 0),  # 02:00 became 03:00
    cph(2027, 4, 1, 0, 0),
    cph(2027, 10, 1, 0, 0),
    datetime.datetime(2027, 10, 31, 1, 0, tzinfo=datetime.UTC),  # 03:00 became 02:00
    cph(2028, 1, 1, 0, 0),
    cph(2028, 2, 29, 0, 0),
    cph(2028, 3, 1, 0, 0),
]
OFFSETS = [-90, -61, -30, -1, 0, 1, 30, 59, 90]


def test_figures_equal_a_recount_in_copenhagen_time_around_every_edge(world):
    moments = [edge + datetime.timedelta(minutes=m) for edge in EDGES for m in OFFSETS]
    for moment in moments:
        IncidentFactory(
            centre=world.centre_a,
            occurred_at=moment,
            context=Context.OFF_SITE,
            reported_by=world.staff_a,
        )
    for year, quarter in sorted({review.quarter_of(m) for m in moments}):
        mine = [m.astimezone(CPH) for m in moments if review.quarter_of(m) == (year, quarter)]
        figures = review.quarter_figures(world.centre_a, year, quarter)
        assert figures["reports"] == len(mine)
        for weekday in range(1, 8):
            expected = sum(1 for m in mine if m.isoweekday() == weekday)
            assert figures["weekday"][str(weekday)]["reports"] == expected
        for part in PartOfDay.values:
            expected = sum(1 for m in mine if PartOfDay.of_hour(m.hour) == part)
            assert figures["part_of_day"][str(part)]["reports"] == expected


@pytest.mark.parametrize("count", [3, 30])
def test_figures_take_the_same_queries_for_3_or_30_reports(world, django_assert_num_queries, count):
    a = world.centre_a
    for n in range(count):
        incident = IncidentFactory(
            centre=a,
            occurred_at=cph(2027, 1, 1 + n % 28, 8 + n % 12),
            context="" if n % 2 else Context.STAFFED_OPENING,
            kinds=[Kind.values[n % len(Kind.values)]],
            reported_by=world.staff_a,
        )
        FollowUpItemFactory(incident=incident, owner=world.leader)
        if n < 28:
            day_sheet(a, datetime.date(2027, 2, 1 + n), world.staff_a, [(Kind.THREAT, 10, 1)])
    # incidents, day-sheet entries, day sheets, follow-ups, risk assessments, openings (one
    # from the opening rules, one for the planned user-run openings of those days)
    with django_assert_num_queries(7):
        figures = review.quarter_figures(a, 2027, 1)
    assert figures["reports"] == count


# Day sheets in the database ----------------------------------------------------------------


def test_one_day_sheet_per_centre_and_day(world):
    day_sheet(world.centre_a, datetime.date(2027, 2, 2), world.staff_a)
    day_sheet(world.centre_b, datetime.date(2027, 2, 2), world.staff_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        day_sheet(world.centre_a, datetime.date(2027, 2, 2), world.leader)


def test_a_day_sheet_entry_counts_at_least_one(world):
    sheet = day_sheet(world.centre_a, datetime.date(2027, 2, 2), world.staff_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        DaySheetEntry.objects.create(sheet=sheet, kind=Kind.THREAT, part_of_day=10, count=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        DaySheetEntry.objects.create(sheet=sheet, kind=Kind.THREAT, part_of_day=11, count=1)


# Signing ----------------------------------------------------------------------------------


@time_machine.travel(cph(2027, 4, 10, 12), tick=False)
def test_both_sign_then_the_review_is_locked_with_the_figures_signed(quarter_data):
    world = quarter_data
    sara = safety_representative(world, world.centre_a)
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    first = review.review_sign(review=found, user=sara)
    assert first.role == SignatoryRole.SAFETY_REPRESENTATIVE
    found.refresh_from_db()
    assert not found.is_locked
    with pytest.raises(review.SigningRefused):
        review.review_sign(review=found, user=sara)
    second = review.review_sign(review=found, user=world.leader)
    assert second.role == SignatoryRole.LEADER
    found.refresh_from_db()
    assert found.is_locked
    assert second.figures == review.as_stored(review.quarter_figures(world.centre_a, 2027, 1))
    assert found.history.count() == 2  # created, locked
    assert ReviewSignature.history.count() == 2


@time_machine.travel(cph(2027, 3, 31, 12), tick=False)
def test_a_quarter_still_running_cannot_be_signed(world):
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    with pytest.raises(review.SigningRefused):
        review.review_sign(review=found, user=world.leader)


@time_machine.travel(cph(2027, 4, 10, 12), tick=False)
def test_staff_who_are_not_safety_representatives_cannot_sign(world):
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    with pytest.raises(review.SigningRefused):
        review.review_sign(review=found, user=world.staff_a)
    assert not review.may_take_part(world.staff_a, world.centre_a)
    assert not review.may_take_part(world.other_leader, world.centre_a)
    assert review.may_take_part(world.leader, world.centre_a)


# To-do items -------------------------------------------------------------------------------


@time_machine.travel(cph(2027, 4, 10, 12), tick=False)
def test_todo_items_of_the_leader_the_safety_representative_and_an_owner(world):
    sara = safety_representative(world, world.centre_a)
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    decision = ReviewDecisionFactory(
        review=found, owner=world.staff_a, due_on=datetime.date(2027, 5, 1)
    )
    ReviewDecisionFactory(
        review=found,
        owner=world.staff_a,
        due_on=datetime.date(2027, 5, 1),
        done_on=datetime.date(2027, 4, 2),
    )
    today = datetime.date(2027, 4, 10)

    bob = review.review_todo_items(world.staff_a, today)
    assert [i.key for i in bob] == [f"incidents:review-decision:{decision.pk}"]
    assert bob[0].due_on == datetime.date(2027, 5, 1)
    assert bob[0].url == found.get_absolute_url()
    assert bob[0].centre_name == "Værestedet 76F"

    leader = review.review_todo_items(world.leader, today)
    assert {i.key for i in leader} == {
        f"incidents:review-sign:{world.centre_a.pk}:2027-1",
        f"incidents:review-sign:{world.centre_b.pk}:2027-1",
    }
    assert {i.due_on for i in leader} == {datetime.date(2027, 5, 1)}

    review.review_sign(review=found, user=sara)
    assert [i.centre_name for i in review.review_todo_items(sara, today)] == [
        "Værestedet Frederiksgade"
    ]
    # The leader still has to sign centre A: the safety representative's signature is not theirs.
    assert len(review.review_todo_items(world.leader, today)) == 2
    assert review.review_todo_items(world.outreach, today) == []
    assert {i.centre_name for i in review.review_todo_items(world.other_leader, today)} == {
        "Zentrum"
    }


def test_an_unsigned_quarter_stays_on_the_list_when_the_next_has_ended(world):
    """Q3 2026 unsigned at centre A (Q2 signed) is still asked for in January, beside Q4;
    at centre B, where nothing was ever signed, only the last quarter is asked for."""
    with time_machine.travel(cph(2026, 7, 20, 12), tick=False):
        second = QuarterReview.objects.create(centre=world.centre_a, year=2026, quarter=2)
        review.review_sign(review=second, user=world.leader)
    keys = [i.key for i in review.review_todo_items(world.leader, datetime.date(2027, 1, 5))]
    assert keys == [
        f"incidents:review-sign:{world.centre_a.pk}:2026-4",
        f"incidents:review-sign:{world.centre_a.pk}:2026-3",
        f"incidents:review-sign:{world.centre_b.pk}:2026-4",
    ]
    # Signing Q4 does not let Q3 off: it stays until it is signed.
    with time_machine.travel(cph(2027, 1, 6, 12), tick=False):
        fourth = QuarterReview.objects.create(centre=world.centre_a, year=2026, quarter=4)
        review.review_sign(review=fourth, user=world.leader)
    keys = [i.key for i in review.review_todo_items(world.leader, datetime.date(2027, 1, 6))]
    assert keys == [
        f"incidents:review-sign:{world.centre_a.pk}:2026-3",
        f"incidents:review-sign:{world.centre_b.pk}:2026-4",
    ]


def test_todo_asks_for_the_day_sheet_after_the_staffed_opening_has_closed(world):
    a = world.centre_a
    OpeningHours.objects.create(
        centre=a,
        weekday=2,  # Wednesday
        starts=datetime.time(8),
        ends=datetime.time(15, 30),
        kind=OpeningKind.STAFFED,
        valid_from=datetime.date(2026, 1, 1),
    )
    wednesday = datetime.date(2027, 3, 3)
    with time_machine.travel(cph(2027, 3, 3, 15), tick=False):
        assert review.day_sheet_todo_items(world.staff_a, wednesday) == []
    with time_machine.travel(cph(2027, 3, 3, 16), tick=False):
        items = review.review_todo_items(world.staff_a, wednesday)
        assert [i.key for i in items] == [f"incidents:day-sheet:{a.pk}:2027-03-03"]
        assert items[0].due_on == wednesday
        day_sheet(a, wednesday, world.staff_a, no_episodes=True)
        assert review.review_todo_items(world.staff_a, wednesday) == []
    # Carol's centre has no opening that day: nothing to fill in.
    with time_machine.travel(cph(2027, 3, 3, 16), tick=False):
        assert review.day_sheet_todo_items(world.staff_b, wednesday) == []


def test_the_leader_gets_no_day_sheet_item(world):
    items = review.review_todo_items(world.leader, timezone.localdate())
    assert all("day-sheet" not in i.key for i in items)


def test_a_leader_who_is_also_safety_representative_signs_once(world):
    assert review.signing_roles(world.leader) == [SignatoryRole.LEADER]
    world.leader.is_safety_representative = True
    assert review.signing_roles(world.leader) == [
        SignatoryRole.LEADER,
        SignatoryRole.SAFETY_REPRESENTATIVE,
    ]
