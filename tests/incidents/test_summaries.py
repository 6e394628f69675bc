"""The monthly summary of incidents stays equal to a recount of the incidents whatever
writes them, and the dashboard's figures read from it agree with the incidents."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import stats
from incidents.models import FollowUpItem, Incident, Kind, Severity
from incidents.summaries import IncidentMonth
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory
from tests.summary_support import assert_recounted

pytestmark = pytest.mark.any_day

# Midnight between March and April in Copenhagen, 22:00 UTC: hours either side of it fall
# in different local months, and a few in the same UTC day.
MONTH_EDGE = datetime.datetime(2026, 3, 31, 22, tzinfo=datetime.UTC)


kinds = st.lists(st.sampled_from(Kind.values), min_size=1, max_size=3)
moment = st.integers(-60, 60).map(lambda h: MONTH_EDGE + datetime.timedelta(hours=h, minutes=7))
write = st.one_of(
    st.tuples(
        st.just("create"), st.integers(0, 1), moment, st.sampled_from(Severity.values), kinds
    ),
    st.tuples(st.just("bulk"), st.integers(0, 1), st.lists(moment, min_size=1, max_size=4)),
    st.tuples(st.just("move"), st.integers(0, 9), moment),
    st.tuples(st.just("recentre"), st.integers(0, 9), st.integers(0, 1)),
    st.tuples(st.just("kinds"), st.integers(0, 9), kinds),
    st.tuples(st.just("severity"), st.sampled_from(Severity.values)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(write, max_size=20))
def test_any_mix_of_writes_keeps_the_summary_equal_to_a_recount(world, writes):
    Incident.objects.all().delete()
    centres = [world.centre_a, world.centre_b]

    def pick(index):
        ids = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
        return ids[index % len(ids)] if ids else None

    for op, *args in writes:
        if op == "create":
            centre, at, severity, chosen = args
            IncidentFactory(centre=centres[centre], occurred_at=at, severity=severity, kinds=chosen)
        elif op == "bulk":
            centre, moments = args
            Incident.objects.bulk_create(
                IncidentFactory.build(
                    centre=centres[centre], occurred_at=at, reported_by=world.staff_a
                )
                for at in moments
            )
        elif op == "severity":
            Incident.objects.filter(centre=world.centre_a).update(severity=args[0])
        elif (pk := pick(args[0])) is None:
            continue
        elif op == "move":
            Incident.objects.filter(pk=pk).update(occurred_at=args[1])
        elif op == "recentre":
            incident = Incident.objects.get(pk=pk)
            incident.centre = centres[args[1]]
            incident.save()
        elif op == "kinds":
            Incident.objects.filter(pk=pk).update(kinds=args[1])
        else:
            Incident.objects.get(pk=pk).delete()
        assert_recounted(IncidentMonth)


def raw_totals(centre_ids, first, last):
    """incident_totals counted from the incidents alone."""
    incidents = Incident.objects.filter(centre_id__in=centre_ids).in_period(first, last)
    return {
        "total": incidents.count(),
        "kind": {k: incidents.filter(kinds__contains=[k]).count() for k in Kind.values},
        "severity": {s: incidents.filter(severity=s).count() for s in Severity.values},
    }


def raw_per_centre(centre_ids, first, last):
    result = {}
    for incident in Incident.objects.filter(centre_id__in=centre_ids).in_period(first, last):
        row = result.setdefault(
            incident.centre_id,
            {"total": 0, "kind": dict.fromkeys(Kind.values, 0), "follow_ups": 0},
        )
        row["total"] += 1
        for kind in set(incident.kinds):
            row["kind"][kind] += 1
        items = FollowUpItem.objects.filter(incident=incident)
        row["follow_ups"] += items.count()
        row["follow_ups_done"] = (
            row.get("follow_ups_done", 0) + items.filter(done_on__isnull=False).count()
        )
    for row in result.values():
        row.setdefault("follow_ups_done", 0)
    return result


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.lists(st.tuples(st.integers(-70, 70), st.integers(0, 23), kinds), max_size=25),
    start=st.integers(-75, 40),
    length=st.integers(0, 110),
)
def test_figures_of_any_period_agree_with_the_incidents(world, days, start, length):
    """Periods that start or end inside a month take those days from the incidents."""
    FollowUpItem.objects.all().delete()
    Incident.objects.all().delete()
    centres = [world.centre_a.pk, world.centre_b.pk]
    for i, (day, hour, chosen) in enumerate(days):
        incident = IncidentFactory(
            centre_id=centres[i % 2],
            reported_by=world.staff_a,
            occurred_at=MONTH_EDGE + datetime.timedelta(days=day, hours=hour),
            kinds=chosen,
            severity=Severity.values[i % len(Severity.values)],
        )
        if i % 3 == 0:
            FollowUpItemFactory(
                incident=incident, owner=world.staff_a, done_on=datetime.date(2026, 4, 2)
            )
    first = datetime.date(2026, 4, 1) + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    assert stats.incident_totals(centres, first, last) == raw_totals(centres, first, last)
    # Several periods in one query, overlapping ones too.
    wider = (first - datetime.timedelta(days=40), last + datetime.timedelta(days=20))
    assert stats.incident_totals_per_period(centres, [(first, last), wider]) == [
        raw_totals(centres, first, last),
        raw_totals(centres, *wider),
    ]
    assert stats.incidents_per_centre(centres, first, last) == raw_per_centre(centres, first, last)


def test_a_year_of_whole_and_part_months_in_one_query_each(world):
    centres = [world.centre_a.pk]
    IncidentFactory(centre=world.centre_a, occurred_at=MONTH_EDGE, kinds=[Kind.THREAT])
    first, last = datetime.date(2025, 12, 15), datetime.date(2026, 12, 14)
    with CaptureQueriesContext(connection) as totals:
        assert stats.incident_totals(centres, first, last)["kind"][Kind.THREAT] == 1
    with CaptureQueriesContext(connection) as per_centre:
        assert stats.incidents_per_centre(centres, first, last)[world.centre_a.pk]["total"] == 1
    assert (len(totals), len(per_centre)) == (1, 2)
