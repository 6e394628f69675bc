"""The openings Python reads from the SQL opening rules, against ones worked out by hand.

One centre, one day: a few weekly slots of that weekday, perhaps a changed kind, a
closure (perhaps reopened by an open day) and planned user-run openings at the times of
the slots. Days where summer time begins and ends and public holidays come up often.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.calendar_days import danish_holidays
from centres.models import OpenDay, OpeningKind, OpeningKindChange
from centres.openings import closed_days, openings_for
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, UserRunOpeningFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
KINDS = [OpeningKind.STAFFED, OpeningKind.USER_RUN, OpeningKind.MAYBE]
EDGE_DAYS = [
    datetime.date(2026, 3, 29),  # summer time begins: 02:00-03:00 never happens
    datetime.date(2026, 10, 25),  # summer time ends: 02:00-03:00 happens twice
    datetime.date(2026, 12, 25),  # Juledag
    datetime.date(2027, 3, 25),  # Skærtorsdag
    datetime.date(2026, 11, 24),  # an ordinary Tuesday
]


def wall(day, hour):
    """The moment of `hour` o'clock on `day` in Copenhagen. A wall time the clocks skip or
    repeat is read in winter time (UTC+1)."""
    naive = datetime.datetime.combine(day, datetime.time(hour))
    moments = [naive.replace(tzinfo=CPH, fold=fold) for fold in (0, 1)]
    return min(moments, key=lambda m: m.utcoffset()).astimezone(datetime.UTC)


@pytest.mark.clock_free
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.one_of(
        st.sampled_from(EDGE_DAYS), st.dates(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    ),
    slots=st.lists(
        st.tuples(st.integers(0, 21), st.integers(1, 6), st.sampled_from(KINDS)), max_size=3
    ),
    change=st.one_of(st.none(), st.tuples(st.integers(0, 2), st.sampled_from(KINDS))),
    closed=st.sampled_from(["", "closure", "closure opened", "opened"]),
    runs=st.lists(st.integers(0, 2), max_size=3),
)
def test_the_openings_of_a_day_are_those_worked_out_by_hand(
    world, day, slots, change, closed, runs
):
    centre = world.centre_a
    with transaction.atomic():
        rows = []  # (hours row, start hour, end hour, kind that day)
        for start, length, kind in slots:
            end = min(start + length, 23)
            if any(s < end and e > start for _row, s, e, _kind in rows):
                continue
            row = OpeningHoursFactory(
                centre=centre,
                weekday=day.weekday(),
                starts=datetime.time(start),
                ends=datetime.time(end),
                kind=kind,
                label=f"Slot {start}",
                valid_from=day - datetime.timedelta(days=7),
            )
            rows.append((row, start, end, kind))
        if change and rows:
            index, kind = change
            row, start, end, _kind = rows[index % len(rows)]
            OpeningKindChange.objects.create(
                centre=centre, date=day, starts=row.starts, ends=row.ends, kind=kind
            )
            rows[index % len(rows)] = (row, start, end, kind)
        if closed.startswith("closure"):
            ClosureFactory(centre=centre, starts=day, ends=day, reason="Personaledag")
        if closed.endswith("opened"):
            OpenDay.objects.create(centre=centre, date=day)
        planned = {}  # (start hour, end hour): the first user-run opening planned then
        for index in runs:
            if rows:
                _row, start, end, _kind = rows[index % len(rows)]
                run = UserRunOpeningFactory(
                    centre=centre, starts=wall(day, start), ends=wall(day, end)
                )
                planned.setdefault((start, end), run)

        is_closed = (closed == "closure" or day in danish_holidays(day, day)) and (
            not closed.endswith("opened")
        )
        expected = []
        for row, start, end, kind in rows if not is_closed else ():
            run = planned.get((start, end))
            if run is not None and kind != OpeningKind.STAFFED:
                continue  # the planned opening replaces the slot
            expected.append(
                (wall(day, start), wall(day, end), kind, row.label, row.pk, end - start, None)
            )
        open_slots = {
            (start, end): row
            for row, start, end, kind in rows
            if not is_closed and kind != OpeningKind.STAFFED
        }
        for (start, end), run in planned.items():
            slot = open_slots.get((start, end))
            real = (wall(day, end) - wall(day, start)).total_seconds() / 3600
            expected.append(
                (
                    wall(day, start),
                    wall(day, end),
                    OpeningKind.USER_RUN,
                    slot.label if slot else "",
                    slot.pk if slot else None,
                    real,
                    run.pk,
                )
            )
        expected.sort(key=lambda o: (o[0], o[1], o[2]))

        found = openings_for([centre], wall(day, 0), wall(day + datetime.timedelta(days=1), 0))
        assert [
            (
                o.start,
                o.end,
                o.kind,
                o.label,
                o.hours_id,
                o.hours,
                o.user_run.pk if o.user_run else None,
            )
            for o in found[centre.pk]
        ] == expected
        assert all(o.centre_id == centre.pk for o in found[centre.pk])
        assert (day in closed_days([centre], day, day)[centre.pk]) == is_closed
        transaction.set_rollback(True)
