"""The monthly summary of opening hours: worked out when first asked for, forgotten by
every change to the rules behind it, never kept from a half-saved change."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.models import OpenDay, OpeningKind, OpeningMonth, Shift
from centres.openings import local_datetime
from centres.stats import OPENING_MONTH_LOCK, _opening_figures_direct, opening_figures
from tests.centres.factories import (
    ClosureFactory,
    KeyHolderFactory,
    OpeningHoursFactory,
    RotaShiftFactory,
    ShiftFactory,
    UserRunOpeningFactory,
)
from tests.factories import CentreFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

FIRST, LAST = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)


@pytest.fixture
def centre():
    centre = CentreFactory()
    for weekday in range(5):
        OpeningHoursFactory(centre=centre, weekday=weekday, valid_from=datetime.date(2024, 1, 1))
    OpeningHoursFactory(
        centre=centre,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
        valid_from=datetime.date(2024, 1, 1),
    )
    return centre


def at(day, hour):
    return local_datetime(day, datetime.time(hour))


def assert_agrees(centre, first=FIRST, last=LAST):
    kept = opening_figures([centre.pk], first, last)
    direct = _opening_figures_direct([centre.pk], first, last)
    for kind in OpeningKind.values:
        assert kept[0][kind] == pytest.approx(direct[0][kind]), kind
    assert kept[1] == direct[1]
    return kept


def months_kept(centre):
    return set(OpeningMonth.objects.filter(centre=centre).values_list("month", flat=True))


def test_months_are_worked_out_once_and_read_after(centre):
    with CaptureQueriesContext(connection) as first:
        assert_agrees(centre)
    assert len(months_kept(centre)) == 6
    with CaptureQueriesContext(connection) as second:
        opening_figures([centre.pk], FIRST, LAST)
    assert len(second) == 1 < len(first)


def test_part_months_at_either_end_are_worked_out_directly(centre):
    assert_agrees(centre, datetime.date(2025, 1, 15), datetime.date(2025, 4, 10))
    assert months_kept(centre) == {datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)}
    assert_agrees(centre, datetime.date(2025, 3, 3), datetime.date(2025, 3, 9))


def worker(centre):
    return UserFactory(organisation=centre.organisation, centres=[centre])


CHANGES = {
    "new weekly hours": lambda c: OpeningHoursFactory(
        centre=c, weekday=6, valid_from=datetime.date(2025, 3, 1)
    ),
    "hours ended": lambda c: (
        type(c.opening_hours.first())
        .objects.filter(centre=c, weekday=0)
        .update(valid_until=datetime.date(2025, 4, 20))
    ),
    "closure": lambda c: ClosureFactory(
        centre=c, starts=datetime.date(2025, 3, 10), ends=datetime.date(2025, 3, 14)
    ),
    "open day on a holiday": lambda c: OpenDay.objects.create(
        centre=c, date=datetime.date(2025, 4, 21)
    ),
    "user-run opening in a maybe slot": lambda c: UserRunOpeningFactory(
        centre=c,
        starts=at(datetime.date(2025, 3, 15), 10),
        ends=at(datetime.date(2025, 3, 15), 14),
        key_holder=KeyHolderFactory(organisation=c.organisation),
    ),
    "two staff on a day": lambda c: [
        ShiftFactory(
            centre=c,
            worker=worker(c),
            starts=at(datetime.date(2025, 3, 12), 7),
            ends=at(datetime.date(2025, 3, 12), 17),
        )
        for _ in range(2)
    ],
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_to_the_rules_is_seen_at_once(centre, change):
    before = assert_agrees(centre)
    change(centre)
    after = assert_agrees(centre)
    assert after != before


def test_who_counts_for_two_staff_is_seen_at_once(centre):
    """The understaffed figure counts qualified people only; a changed qualification or
    a changed list of those that count forgets the kept months, past ones included."""
    student = UserFactory(
        organisation=centre.organisation, centres=[centre], qualification="student"
    )
    for person in (student, worker(centre)):
        RotaShiftFactory(
            centre=centre,
            worker=person,
            weekday=0,
            starts=datetime.time(8),
            ends=datetime.time(16),
            valid_from=datetime.date(2024, 1, 1),
        )
    before = assert_agrees(centre)
    student.qualification = "trained"
    student.save()
    assert not months_kept(centre)
    trained = assert_agrees(centre)
    assert trained[1] < before[1]
    centre.organisation.qualifications_for_two_staff = ["student"]
    centre.organisation.save()
    assert not months_kept(centre)
    assert assert_agrees(centre)[1] > trained[1]


def test_a_change_forgets_only_the_months_it_touches(centre):
    assert_agrees(centre)
    ClosureFactory(centre=centre, starts=datetime.date(2025, 3, 10), ends=datetime.date(2025, 4, 2))
    assert months_kept(centre) == {datetime.date(2025, m, 1) for m in (1, 2, 5, 6)}
    shift = ShiftFactory(
        centre=centre,
        worker=worker(centre),
        starts=at(datetime.date(2025, 5, 31), 20),
        ends=at(datetime.date(2025, 6, 1), 2),
    )
    assert months_kept(centre) == {datetime.date(2025, m, 1) for m in (1, 2)}
    assert_agrees(centre)
    Shift.objects.filter(pk=shift.pk).delete()
    assert months_kept(centre) == {datetime.date(2025, m, 1) for m in (1, 2, 3, 4)}
    assert_agrees(centre)


def test_months_are_not_kept_while_a_change_is_being_saved(centre):
    other = psycopg.connect(**connection.get_connection_params())
    try:
        # Another transaction changed this centre's rules and has not committed yet.
        other.execute("BEGIN")
        other.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, %s)", [OPENING_MONTH_LOCK, centre.pk]
        )
        assert_agrees(centre)
        assert months_kept(centre) == set()
        other.execute("COMMIT")
        assert_agrees(centre)
        assert len(months_kept(centre)) == 6
    finally:
        other.close()
