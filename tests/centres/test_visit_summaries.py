"""The daily and heat-map summaries of the tallies, kept by triggers in the database, stay
equal to a plain recount of the tallies whatever writes them: taps, undo, a day entered
afterwards, bulk inserts, set-based SQL, deletes and a centre's deletion."""

import contextlib
import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import services, stats
from centres.models import Centre, DayEntry, VisitCount, VisitDay, VisitHeat, VisitKind
from tests.centres.factories import CentreFactory
from tests.summary_support import assert_recounted

pytestmark = pytest.mark.any_day

DAY = datetime.date(2026, 3, 30)  # the last Monday of March: the next day is April


def at(date, hour):
    return datetime.datetime.combine(date, datetime.time(hour, 15), datetime.UTC)


def test_taps_and_undo_keep_the_summaries(world):
    centre = world.centre_a
    taps = [
        services.record_tap(centre=centre, at=at(DAY, 9), kind=VisitKind.STAFFED),
        services.record_tap(centre=centre, at=at(DAY, 9), kind=VisitKind.STAFFED, new=True),
        services.record_tap(centre=centre, at=at(DAY, 10), kind=VisitKind.USER_RUN),
    ]
    assert_recounted(VisitDay, VisitHeat)
    assert VisitDay.objects.get(centre=centre, date=DAY, kind=VisitKind.STAFFED).visits == 2
    assert services.undo_tap(centre=centre, tap=taps[1])
    assert services.undo_tap(centre=centre, tap=taps[2])
    assert not services.undo_tap(centre=centre, tap=taps[2])
    assert_recounted(VisitDay, VisitHeat)
    assert VisitDay.objects.get(centre=centre, date=DAY, kind=VisitKind.STAFFED).new_visits == 0


def test_day_figures_entered_and_corrected_count_in_the_day_not_the_heat_map(world):
    centre = world.centre_a
    services.record_tap(centre=centre, at=at(DAY, 9), kind=VisitKind.STAFFED)
    services.set_day_figures(
        centre=centre, date=DAY, kind=VisitKind.STAFFED, visits=7, new_visits=2, entry="add"
    )
    services.set_day_figures(
        centre=centre, date=DAY, kind=VisitKind.STAFFED, visits=5, new_visits=1, entry="replace"
    )
    assert_recounted(VisitDay, VisitHeat)
    day = VisitDay.objects.get(centre=centre, date=DAY, kind=VisitKind.STAFFED)
    assert (day.visits, day.new_visits) == (5, 1)
    assert sum(VisitHeat.objects.values_list("visits", flat=True)) == 1


def test_bulk_inserts_set_based_sql_updates_and_deletes_keep_the_summaries(world):
    a, b = world.centre_a, world.centre_b
    VisitCount.objects.bulk_create(
        VisitCount(centre=c, date=DAY + datetime.timedelta(days=d), hour=h, kind=k, visits=3)
        for c in (a, b)
        for d in range(3)
        for h in (None, 10, 11)
        for k in VisitKind.values
    )
    assert_recounted(VisitDay, VisitHeat)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits) "
            "SELECT %s, %s::date + d, 14, 'staffed', d + 1, d FROM generate_series(0, 40) d",
            [a.pk, DAY],
        )
        cursor.execute("UPDATE centres_visitcount SET visits = visits + 2 WHERE hour = 10")
        # A row moved to another day, hour and kind at once.
        cursor.execute(
            "UPDATE centres_visitcount SET date = date + 1, hour = 12, kind = 'user_run' "
            "WHERE id = (SELECT min(id) FROM centres_visitcount WHERE hour = 11)"
        )
    assert_recounted(VisitDay, VisitHeat)
    VisitCount.objects.filter(centre=b, hour=11).delete()
    assert_recounted(VisitDay, VisitHeat)
    VisitCount.objects.filter(date=DAY).delete()
    assert_recounted(VisitDay, VisitHeat)


def test_deleting_a_centre_takes_its_summaries_and_leaves_the_rest(world):
    doomed = CentreFactory(organisation=world.org_a)
    for centre in (doomed, world.centre_a):
        services.record_tap(centre=centre, at=at(DAY, 9), kind=VisitKind.STAFFED)
    Centre.objects.filter(pk=doomed.pk).delete()
    assert_recounted(VisitDay, VisitHeat)
    assert not VisitDay.objects.filter(centre_id=doomed.pk).exists()
    assert not VisitHeat.objects.filter(centre_id=doomed.pk).exists()


def test_emptying_the_tallies_empties_the_summaries(world):
    services.record_tap(centre=world.centre_a, at=at(DAY, 9), kind=VisitKind.STAFFED)
    with connection.cursor() as cursor:
        # The tap's foreign-key checks wait for the commit, and TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE centres_visitcount")
    assert not VisitDay.objects.exists() and not VisitHeat.objects.exists()


write = st.one_of(
    st.tuples(
        st.just("tap"),
        st.integers(0, 1),
        st.integers(0, 40),
        st.integers(0, 23),
        st.sampled_from(VisitKind.values),
        st.booleans(),
    ),
    st.tuples(st.just("undo"), st.integers(0, 10)),
    st.tuples(
        st.just("day"),
        st.integers(0, 1),
        st.integers(0, 40),
        st.sampled_from(VisitKind.values),
        st.integers(0, 9),
        st.sampled_from(DayEntry.values),
    ),
    st.tuples(st.just("delete"), st.integers(0, 40)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(write, max_size=25))
def test_any_mix_of_writes_keeps_the_summaries_equal_to_a_recount(world, writes):
    VisitCount.objects.all().delete()
    centres = [world.centre_a, world.centre_b]
    taps = []
    for op, *args in writes:
        if op == "tap":
            c, d, hour, kind, new = args
            date = DAY - datetime.timedelta(days=20) + datetime.timedelta(days=d)
            taps.append(
                (c, services.record_tap(centre=centres[c], at=at(date, hour), kind=kind, new=new))
            )
        elif op == "undo" and taps:
            c, tap = taps[args[0] % len(taps)]
            services.undo_tap(centre=centres[c], tap=tap)
        elif op == "day":
            c, d, kind, visits, entry = args
            date = DAY - datetime.timedelta(days=20) + datetime.timedelta(days=d)
            # A replace below the day's taps is refused and changes nothing.
            with contextlib.suppress(ValidationError):
                services.set_day_figures(
                    centre=centres[c],
                    date=date,
                    kind=kind,
                    visits=visits,
                    new_visits=visits // 2,
                    entry=entry,
                )
        elif op == "delete":
            date = DAY - datetime.timedelta(days=20) + datetime.timedelta(days=args[0])
            VisitCount.objects.filter(date=date).delete()
    assert_recounted(VisitDay, VisitHeat)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tallies=st.lists(
        st.tuples(st.integers(0, 120), st.one_of(st.none(), st.integers(0, 23)), st.integers(1, 9)),
        max_size=30,
        unique_by=lambda t: t[:2],
    ),
    start=st.integers(0, 120),
    length=st.integers(0, 100),
)
def test_heat_map_and_day_figures_of_any_period_agree_with_the_tallies(
    world, tallies, start, length
):
    """Periods that start or end inside a month take those days from the tallies."""
    VisitCount.objects.all().delete()
    base = datetime.date(2026, 1, 20)
    VisitCount.objects.bulk_create(
        VisitCount(
            centre=world.centre_a,
            date=base + datetime.timedelta(days=d),
            hour=h,
            kind=VisitKind.STAFFED,
            visits=n,
        )
        for d, h, n in tallies
    )
    first = base + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    inside = [
        (base + datetime.timedelta(days=d), h, n)
        for d, h, n in tallies
        if first <= base + datetime.timedelta(days=d) <= last
    ]
    heat = Counter()
    for date, hour, n in inside:
        if hour is not None:
            heat[(date.weekday(), hour)] += n
    shown = stats.heat_map([world.centre_a.pk], first, last)
    assert {cell: n for cell, n in shown.items() if n} == +heat
    totals = stats.visit_totals([world.centre_a.pk], first, last)
    assert totals["staffed"] == sum(n for _d, _h, n in inside)
    # Several periods in one query, overlapping ones too.
    wider = (first - datetime.timedelta(days=40), last + datetime.timedelta(days=20))
    assert stats.visit_totals_per_period([world.centre_a.pk], [(first, last), wider]) == [
        totals,
        stats.visit_totals([world.centre_a.pk], *wider),
    ]
