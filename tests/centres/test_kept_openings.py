"""A range of days' openings and closed days, kept under the organisation's figure
version for the home page and the calendar (centres.services.kept_openings)."""

import datetime
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres import services
from centres.models import Centre, OpeningHours, OpeningKind
from centres.openings import closed_days, local_datetime, openings_for
from tests.centres.factories import (
    ClosureFactory,
    KeyHolderFactory,
    OpeningHoursFactory,
    UserRunOpeningFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

# Spans Christmas, a closure and a planned user-run opening.
FIRST, LAST = datetime.date(2026, 12, 21), datetime.date(2026, 12, 31)


@pytest.fixture
def rules(world):
    for centre in (world.centre_a, world.centre_b):
        for weekday in range(5):
            OpeningHoursFactory(centre=centre, weekday=weekday)
        OpeningHoursFactory(centre=centre, weekday=5, kind=OpeningKind.MAYBE)
    ClosureFactory(centre=world.centre_b, starts=FIRST, ends=FIRST, reason="Maling")
    UserRunOpeningFactory(
        centre=world.centre_a,
        key_holder=KeyHolderFactory(organisation=world.org_a),
        starts=local_datetime(datetime.date(2026, 12, 26), datetime.time(8)),
        ends=local_datetime(datetime.date(2026, 12, 26), datetime.time(16)),
    )


def centres(world):
    return list(
        Centre.objects.filter(pk__in=[world.centre_a.pk, world.centre_b.pk]).with_figure_version()
    )


def worked_out(centres):
    start = local_datetime(FIRST, datetime.time())
    end = local_datetime(LAST + datetime.timedelta(days=1), datetime.time())
    found = openings_for(centres, start, end)
    return (
        {pk: [replace(o, user_run=None) for o in found[pk]] for pk in found},
        closed_days(centres, FIRST, LAST),
    )


def test_the_kept_openings_are_those_worked_out(world, rules):
    kept = services.kept_openings(centres(world), FIRST, LAST)
    assert kept == worked_out(centres(world))
    found, closed = kept
    assert closed[world.centre_b.pk][FIRST] == "Maling"
    assert closed[world.centre_a.pk][datetime.date(2026, 12, 25)] == "Juledag"
    assert any(o.kind == OpeningKind.USER_RUN for o in found[world.centre_a.pk])


def test_they_are_read_once_then_kept_in_the_process_and_the_table(world, rules, forget_kept):
    forget_kept()
    with CaptureQueriesContext(connection) as first:
        services.kept_openings(centres(world), FIRST, LAST)
    rules_read = ("centres_openinghours", "centres_closure", "centres_userrunopening")
    assert any(t in q["sql"] for q in first.captured_queries for t in rules_read)
    scoped = centres(world)
    with CaptureQueriesContext(connection) as again:
        services.kept_openings(scoped, FIRST, LAST)
    assert len(again) == 0
    services.caches[services.OPENINGS_CACHE].clear()  # as in another process
    with CaptureQueriesContext(connection) as other:
        found = services.kept_openings(scoped, FIRST, LAST)
    assert found == worked_out(scoped)
    assert [q["sql"] for q in other.captured_queries if "vaerested_openings_cache" in q["sql"]]
    assert not any(t in q["sql"] for q in other.captured_queries for t in rules_read)


def test_a_change_of_hours_is_seen_at_once(world, rules):
    before = services.kept_openings(centres(world), FIRST, LAST)
    OpeningHours.objects.filter(centre=world.centre_a).update(kind=OpeningKind.USER_RUN)
    after = services.kept_openings(centres(world), FIRST, LAST)
    assert after != before
    assert after == worked_out(centres(world))


def test_centres_without_their_version_are_worked_out_each_time(world, rules):
    plain = list(Centre.objects.filter(pk=world.centre_a.pk))
    services.kept_openings(plain, FIRST, LAST)
    with CaptureQueriesContext(connection) as again:
        services.kept_openings(plain, FIRST, LAST)
    assert any("centres_openinghours" in q["sql"] for q in again.captured_queries)
