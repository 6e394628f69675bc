"""The monthly summary of occurrences stays equal to a recount of the occurrences whatever
writes them, and the dashboard's activity figures read from it agree with the figures
counted from the occurrences alone, whatever the moment."""

import datetime
import itertools

import pytest
import time_machine
from django.db import connection
from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import stats
from activities.models import Activity, Occurrence, _aware
from activities.summaries import OccurrenceMonth
from tests.activities.factories import ActivityFactory
from tests.summary_support import assert_recounted

pytestmark = pytest.mark.any_day

# Midnight between March and April in Copenhagen.
MONTH_EDGE = datetime.datetime(2026, 3, 31, 22, tzinfo=datetime.UTC)


def occurrence(activity, start, cancelled=False, attendance=None):
    return Occurrence(
        activity=activity,
        original_start=start,
        start=start,
        end=start + datetime.timedelta(hours=2),
        cancelled=cancelled,
        cancel_reason="Regn" if cancelled else "",
        attendance=None if cancelled else attendance,
    )


hour = st.integers(-60, 60).map(lambda h: MONTH_EDGE + datetime.timedelta(hours=h, minutes=1))
write = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), hour, st.booleans(), st.integers(0, 12)),
    st.tuples(st.just("bulk"), st.integers(0, 1), st.lists(hour, min_size=1, max_size=4)),
    st.tuples(st.just("move"), st.integers(0, 9), hour),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("uncancel"), st.integers(0, 9)),
    st.tuples(st.just("attendance"), st.integers(0, 9), st.none() | st.integers(0, 20)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(write, max_size=20))
def test_any_mix_of_writes_keeps_the_summary_equal_to_a_recount(world, writes):
    Occurrence.objects.all().delete()
    activities = [
        ActivityFactory(organisation=world.org_a, centres=[world.centre_a], schedule=False)
        for _ in range(2)
    ]
    slots = itertools.count(1)

    def pick(index):
        ids = list(Occurrence.objects.order_by("pk").values_list("pk", flat=True))
        return ids[index % len(ids)] if ids else None

    for op, *args in writes:
        if op == "create":
            a, start, cancelled, attendance = args
            made = occurrence(activities[a], start, cancelled, attendance)
            # Seconds the bulk loads never use: the slot stays unique.
            made.original_start = start + datetime.timedelta(seconds=next(slots))
            made.save()
        elif op == "bulk":
            a, starts = args
            Occurrence.objects.bulk_create(
                [occurrence(activities[a], start) for start in set(starts)],
                ignore_conflicts=True,
            )
        elif (pk := pick(args[0])) is None:
            continue
        elif op == "move":
            Occurrence.objects.filter(pk=pk).update(
                start=args[1], end=args[1] + datetime.timedelta(hours=1)
            )
        elif op == "cancel":
            Occurrence.objects.filter(pk=pk).update(
                cancelled=True, cancel_reason="Syg", attendance=None
            )
        elif op == "uncancel":
            Occurrence.objects.filter(pk=pk).update(cancelled=False, cancel_reason="")
        elif op == "attendance":
            Occurrence.objects.filter(pk=pk, cancelled=False).update(attendance=args[1])
        else:
            Occurrence.objects.get(pk=pk).delete()
        assert_recounted(OccurrenceMonth)
    activities[0].delete()
    assert_recounted(OccurrenceMonth)


# The figures as they were counted before the summary: from the occurrences alone.


def raw_occurrences(centre_ids, first, last):
    at_centres = Exists(
        Activity.centres.through.objects.filter(
            activity_id=OuterRef("activity_id"), centre_id__in=centre_ids
        )
    )
    return Occurrence.objects.filter(at_centres).between(first, last + datetime.timedelta(days=1))


def raw_totals(centre_ids, first, last, now):
    held = Q(cancelled=False, start__lt=now)
    counts = raw_occurrences(centre_ids, first, last).aggregate(
        n_planned=Count("pk"),
        n_held=Count("pk", filter=held),
        n_cancelled=Count("pk", filter=Q(cancelled=True)),
        mean_attendance=Avg("attendance", filter=held & Q(attendance__isnull=False)),
        n_activities=Count("activity_id", distinct=True),
    )
    mean = counts["mean_attendance"]
    return {
        "planned": counts["n_planned"],
        "held": counts["n_held"],
        "cancelled": counts["n_cancelled"],
        "average_attendance": None if mean is None else float(mean),
        "activities": counts["n_activities"],
    }


def raw_best_attended(centre_ids, first, last, limit, now):
    return list(
        raw_occurrences(centre_ids, first, last)
        .filter(cancelled=False, start__lt=now, attendance__isnull=False)
        .values("activity_id", "activity__title")
        .annotate(attendance=Sum("attendance"), held=Count("pk"))
        .order_by("-attendance", "activity__title", "activity_id")[:limit]
    )


def raw_per_centre(centre_ids, first, last, now):
    through = Activity.centres.through.objects.filter(
        centre_id__in=centre_ids,
        activity__occurrences__start__gte=_aware(first),
        activity__occurrences__start__lt=_aware(last + datetime.timedelta(days=1)),
    )
    held = Q(activity__occurrences__cancelled=False, activity__occurrences__start__lt=now)
    rows = (
        through.values("centre_id")
        .annotate(
            activities=Count("activity_id", distinct=True),
            planned=Count("activity__occurrences"),
            held=Count("activity__occurrences", filter=held),
        )
        .order_by()
    )
    return {r["centre_id"]: r for r in rows}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(-70, 70),
            st.integers(0, 23),
            st.booleans(),
            st.none() | st.integers(0, 15),
        ),
        max_size=30,
    ),
    start=st.integers(-75, 40),
    length=st.integers(0, 110),
    now=st.integers(-80, 80),
)
def test_figures_of_any_period_and_moment_agree_with_the_occurrences(
    world, rows, start, length, now
):
    """Months not yet over when `now` is, and part months, come from the occurrences."""
    Occurrence.objects.all().delete()
    # One activity at both centres: it counts once in the totals, once per centre.
    activities = [
        ActivityFactory(organisation=world.org_a, centres=centres, schedule=False)
        for centres in (
            [world.centre_a],
            [world.centre_b],
            [world.centre_a, world.centre_b],
        )
    ]
    Occurrence.objects.bulk_create(
        [
            occurrence(
                activities[a],
                MONTH_EDGE + datetime.timedelta(days=day, hours=hour, seconds=i),
                cancelled,
                attendance,
            )
            for i, (a, day, hour, cancelled, attendance) in enumerate(rows)
        ]
    )
    ids = [world.centre_a.pk, world.centre_b.pk]
    first = datetime.date(2026, 4, 1) + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    moment = MONTH_EDGE + datetime.timedelta(days=now, minutes=30)
    for centre_ids in (ids, ids[:1]):
        totals = stats.occurrence_totals(centre_ids, first, last, now=moment)
        assert totals == raw_totals(centre_ids, first, last, moment)
        assert stats.best_attended(centre_ids, first, last, 2, now=moment) == raw_best_attended(
            centre_ids, first, last, 2, moment
        )
        assert stats.per_centre(centre_ids, first, last, now=moment) == raw_per_centre(
            centre_ids, first, last, moment
        )
    with time_machine.travel(moment, tick=False):
        assert stats.occurrence_totals(ids, first, last) == raw_totals(ids, first, last, moment)
    # Several periods in one query, overlapping ones too.
    wider = (first - datetime.timedelta(days=40), last + datetime.timedelta(days=20))
    assert stats.occurrence_totals_per_period(ids, [(first, last), wider], now=moment) == [
        raw_totals(ids, first, last, moment),
        raw_totals(ids, *wider, moment),
    ]


def test_a_year_of_whole_and_part_months_in_one_query_each(world):
    activity = ActivityFactory(organisation=world.org_a, centres=[world.centre_a], schedule=False)
    occurrence(activity, MONTH_EDGE, attendance=4).save()
    ids = [world.centre_a.pk]
    first, last = datetime.date(2025, 12, 15), datetime.date(2026, 12, 14)
    now = datetime.datetime(2026, 12, 15, 12, tzinfo=datetime.UTC)
    for read in (stats.occurrence_totals, stats.best_attended, stats.per_centre):
        with CaptureQueriesContext(connection) as queries:
            assert read(ids, first, last, now=now)
        assert len(queries) == 1
