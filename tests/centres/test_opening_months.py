"""The monthly summary of opening hours: kept exact by triggers in the same transaction as
every change to the rules behind it, months added only by keep_opening_months."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.apps import sync_public_holidays
from centres.models import (
    Closure,
    OpenDay,
    OpeningHours,
    OpeningKind,
    OpeningKindChange,
    OpeningMonth,
    PublicHoliday,
    RotaShift,
    Shift,
    StaffAbsence,
    UserRunOpening,
)
from centres.openings import hours_per_kind, local_datetime, openings_for
from centres.stats import _opening_figures_direct, keep_opening_months, opening_figures
from tests.centres.factories import (
    ClosureFactory,
    KeyHolderFactory,
    OpeningHoursFactory,
    RotaShiftFactory,
    ShiftFactory,
    UserRunOpeningFactory,
)
from tests.factories import CentreFactory, UserFactory
from tests.summary_support import assert_recounted

# Nothing here reads the clock: the months kept are those before UNTIL.
pytestmark = [pytest.mark.django_db]

FIRST, LAST = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)
# The months kept: those before July 2025, from the first weekly hours (January).
UNTIL = datetime.date(2025, 7, 1)
MONTHS = {datetime.date(2025, m, 1) for m in range(1, 7)}


def make_centre():
    centre = CentreFactory()
    for weekday in range(5):
        OpeningHoursFactory(centre=centre, weekday=weekday, valid_from=FIRST)
    OpeningHoursFactory(
        centre=centre,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
        valid_from=FIRST,
    )
    keep_opening_months(UNTIL)
    return centre


@pytest.fixture
def centre():
    return make_centre()


def at(day, hour):
    return local_datetime(day, datetime.time(hour))


def worker(centre, qualification="trained"):
    return UserFactory(
        organisation=centre.organisation, centres=[centre], qualification=qualification
    )


def months_kept(centre):
    return set(OpeningMonth.objects.filter(centre=centre).values_list("month", flat=True))


def assert_agrees(centre, first=FIRST, last=LAST, python=True):
    """The figures from the summary equal those worked out directly, and the hours those
    of the openings Python works out (centres.openings, which knows the holidays of
    centres.calendar_days, not of the table)."""
    kept = opening_figures([centre.pk], first, last)
    direct = _opening_figures_direct([centre.pk], first, last)
    start, end = local_datetime(first, datetime.time()), at(last + datetime.timedelta(days=1), 0)
    openings = openings_for([centre], start, end)[centre.pk]
    for kind, hours in hours_per_kind(openings).items():
        assert kept[0][kind] == pytest.approx(direct[0][kind]), kind
        assert not python or kept[0][kind] == pytest.approx(hours), kind
    assert kept[1] == direct[1]
    return kept


def test_keep_adds_the_months_that_have_ended_once(centre):
    assert months_kept(centre) == MONTHS
    assert keep_opening_months(UNTIL) == 0
    assert keep_opening_months(datetime.date(2025, 8, 15)) == 1
    assert months_kept(centre) == MONTHS | {datetime.date(2025, 7, 1)}
    assert_recounted(OpeningMonth)


def test_kept_months_are_read_in_one_query(centre):
    assert_agrees(centre)
    with CaptureQueriesContext(connection) as queries:
        opening_figures([centre.pk], FIRST, LAST)
    assert len(queries) == 1


def test_months_not_kept_are_worked_out_and_not_stored(centre):
    later = (datetime.date(2025, 6, 1), datetime.date(2025, 9, 30))
    assert_agrees(centre, *later)
    assert_agrees(centre, datetime.date(2025, 1, 15), datetime.date(2025, 4, 10))
    assert_agrees(centre, datetime.date(2025, 3, 3), datetime.date(2025, 3, 9))
    assert months_kept(centre) == MONTHS


def test_open_ended_hours_from_long_ago_add_no_months(centre):
    OpeningHoursFactory(centre=centre, weekday=6, valid_from=datetime.date(2020, 1, 1))
    assert months_kept(centre) == MONTHS
    assert_recounted(OpeningMonth)
    assert_agrees(centre)


CHANGES = {
    "new weekly hours": lambda c: OpeningHoursFactory(
        centre=c, weekday=6, valid_from=datetime.date(2025, 3, 1)
    ),
    "hours ended": lambda c: OpeningHours.objects.filter(centre=c, weekday=0).update(
        valid_until=datetime.date(2025, 4, 20)
    ),
    "closure": lambda c: ClosureFactory(
        centre=c, starts=datetime.date(2025, 3, 10), ends=datetime.date(2025, 3, 14)
    ),
    "open day on a holiday": lambda c: OpenDay.objects.create(
        centre=c, date=datetime.date(2025, 4, 21)
    ),
    "changed kind of a day": lambda c: OpeningKindChange.objects.create(
        centre=c,
        date=datetime.date(2025, 3, 12),
        starts=datetime.time(8),
        ends=datetime.time(16),
        kind=OpeningKind.USER_RUN,
    ),
    "user-run opening in a maybe slot": lambda c: UserRunOpeningFactory(
        centre=c,
        starts=at(datetime.date(2025, 3, 15), 10),
        ends=at(datetime.date(2025, 3, 15), 14),
        key_holder=KeyHolderFactory(organisation=c.organisation),
    ),
    "two staff on a day": lambda c: Shift.objects.bulk_create(
        Shift(
            centre=c,
            worker=worker(c),
            starts=at(datetime.date(2025, 3, 12), 7),
            ends=at(datetime.date(2025, 3, 12), 17),
        )
        for _ in range(2)
    ),
    "a holiday more": lambda c: PublicHoliday.objects.create(
        date=datetime.date(2025, 3, 12), name="Ny helligdag"
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_to_the_rules_is_counted_at_once(centre, change):
    before = assert_agrees(centre)
    change(centre)
    assert_recounted(OpeningMonth)
    after = assert_agrees(centre, python=change is not CHANGES["a holiday more"])
    assert after != before
    assert months_kept(centre) == MONTHS


def on_the_rota_with_a_trained_person(centre):
    """A student and a trained person on Mondays' staffed opening; returns the student."""
    student = worker(centre, "student")
    for person in (student, worker(centre)):
        RotaShiftFactory(
            centre=centre,
            worker=person,
            weekday=0,
            starts=datetime.time(8),
            ends=datetime.time(16),
            valid_from=FIRST,
        )
    return student


def test_who_counts_for_two_staff_is_counted_at_once(centre):
    """The understaffed figure counts qualified people only; a changed qualification or
    a changed list of those that count recounts the kept months, past ones included."""
    student = on_the_rota_with_a_trained_person(centre)
    before = assert_agrees(centre)
    student.qualification = "trained"
    student.save()
    assert_recounted(OpeningMonth)
    trained = assert_agrees(centre)
    assert trained[1] < before[1]
    centre.organisation.qualifications_for_two_staff = ["student"]
    centre.organisation.save()
    assert_recounted(OpeningMonth)
    assert assert_agrees(centre)[1] > trained[1]


def test_a_centre_moved_to_another_organisation_is_counted_at_once(centre):
    """Whose qualifications count is the organisation's choice."""
    on_the_rota_with_a_trained_person(centre)
    before = assert_agrees(centre)
    other = CentreFactory().organisation
    other.qualifications_for_two_staff = ["trained", "student"]
    other.save()
    centre.organisation = other
    centre.save()
    assert_recounted(OpeningMonth)
    assert assert_agrees(centre)[1] < before[1]


def test_a_sign_in_recounts_nothing(centre):
    person = worker(centre)
    OpeningMonth.objects.filter(centre=centre).update(staffed=-1)
    person.last_login = at(FIRST, 9)
    person.save()
    assert set(OpeningMonth.objects.filter(centre=centre).values_list("staffed", flat=True)) == {-1}


def test_summer_time_and_holidays(centre):
    """March and October change the clocks; April 2025 has Easter. A shift over the night
    the clocks change, weekly hours on that Sunday and a holiday synced anew."""
    OpeningHoursFactory(
        centre=centre,
        weekday=6,
        starts=datetime.time(1),
        ends=datetime.time(5),
        kind=OpeningKind.USER_RUN,
        valid_from=FIRST,
    )
    for day in (datetime.date(2025, 3, 29), datetime.date(2024, 10, 26)):
        ShiftFactory(
            centre=centre,
            worker=worker(centre),
            starts=at(day, 22),
            ends=at(day + datetime.timedelta(days=1), 6),
        )
    keep_opening_months(datetime.date(2025, 11, 1))
    assert_recounted(OpeningMonth)
    # The SQL rules count a weekly slot's wall-clock hours (1 to 5 is four hours on the
    # nights the clocks change too), Python the real ones: these months differ by an hour.
    for month in (datetime.date(2025, 3, 1), datetime.date(2025, 10, 1)):
        last = (month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        hours = assert_agrees(centre, month, last, python=False)[0]
        sundays = sum(
            1
            for d in range((last - month).days + 1)
            if (month + datetime.timedelta(d)).weekday() == 6
        )
        assert hours[OpeningKind.USER_RUN] == 4 * sundays
    april = OpeningMonth.objects.get(centre=centre, month=datetime.date(2025, 4, 1))
    # Easter Monday (21 April) is a holiday: taken away, the month counts its 8 hours.
    PublicHoliday.objects.filter(date=datetime.date(2025, 4, 21)).delete()
    assert OpeningMonth.objects.get(pk=april.pk).staffed == april.staffed + 8
    assert_recounted(OpeningMonth)
    added, gone = sync_public_holidays()
    assert (added, gone) == ([datetime.date(2025, 4, 21)], [])
    assert OpeningMonth.objects.get(pk=april.pk).staffed == april.staffed
    assert_recounted(OpeningMonth)


# --- Random changes to every table behind the figures ------------------------------------

DAYS = st.dates(datetime.date(2024, 12, 20), datetime.date(2025, 7, 10))
HOURS = st.integers(6, 20)


@st.composite
def moments(draw):
    starts = at(draw(DAYS), draw(HOURS))
    return starts, starts + datetime.timedelta(hours=draw(st.sampled_from([2, 4, 8])))


OPERATIONS = st.one_of(
    st.tuples(
        st.just("hours"),
        st.integers(0, 6),
        HOURS,
        st.sampled_from(OpeningKind.values),
        DAYS,
        st.none() | DAYS,
    ),
    st.tuples(st.just("end hours"), st.integers(0, 6), DAYS),
    st.tuples(st.just("delete hours"), st.integers(0, 6)),
    st.tuples(st.just("closure"), DAYS, st.integers(0, 20)),
    st.tuples(st.just("move closures"), st.integers(-20, 20)),
    st.tuples(st.just("open day"), DAYS),
    st.tuples(st.just("kind"), DAYS, st.sampled_from(OpeningKind.values)),
    st.tuples(st.just("user-run"), moments()),
    st.tuples(st.just("shifts"), st.lists(st.tuples(st.integers(0, 2), moments()), max_size=4)),
    st.tuples(st.just("move shifts"), st.integers(-30, 30)),
    st.tuples(st.just("delete shifts"), DAYS),
    st.tuples(st.just("rota"), st.integers(0, 2), st.integers(0, 6), DAYS, st.none() | DAYS),
    st.tuples(st.just("absence"), st.integers(0, 2), DAYS, st.integers(0, 10)),
    st.tuples(st.just("qualification"), st.integers(0, 2), st.sampled_from(["trained", "student"])),
    st.tuples(st.just("counts"), st.sampled_from([["trained"], ["trained", "student"]])),
    st.tuples(st.just("holiday"), DAYS),
    st.tuples(st.just("no holiday"), DAYS),
)


def apply(operation, centre, people):
    name, *args = operation
    match name:
        case "hours":
            weekday, hour, kind, first, last = args
            OpeningHours.objects.create(
                centre=centre,
                weekday=weekday,
                starts=datetime.time(hour),
                ends=datetime.time(hour + 2),
                kind=kind,
                valid_from=min(first, last or first),
                valid_until=last and max(first, last),
            )
        case "end hours":
            weekday, day = args
            OpeningHours.objects.filter(centre=centre, weekday=weekday, valid_from__lte=day).update(
                valid_until=day
            )
        case "delete hours":
            OpeningHours.objects.filter(centre=centre, weekday=args[0]).delete()
        case "closure":
            day, length = args
            Closure.objects.create(
                centre=centre, starts=day, ends=day + datetime.timedelta(days=length), reason="x"
            )
        case "move closures":
            shift = datetime.timedelta(days=args[0])
            for closure in Closure.objects.filter(centre=centre):
                closure.starts += shift
                closure.ends += shift
                closure.save()
        case "open day":
            OpenDay.objects.create(centre=centre, date=args[0])
        case "kind":
            day, kind = args
            OpeningKindChange.objects.create(
                centre=centre, date=day, starts=datetime.time(8), ends=datetime.time(16), kind=kind
            )
        case "user-run":
            (starts, ends) = args[0]
            UserRunOpening.objects.create(
                centre=centre, starts=starts, ends=ends, key_holder=people["key holder"]
            )
        case "shifts":
            Shift.objects.bulk_create(
                Shift(centre=centre, worker=people[i], starts=starts, ends=ends)
                for i, (starts, ends) in args[0]
            )
        case "move shifts":
            shift = datetime.timedelta(hours=args[0])
            Shift.objects.filter(centre=centre).update(starts=F("starts") + shift)
        case "delete shifts":
            Shift.objects.filter(centre=centre, starts__date__lte=args[0]).delete()
        case "rota":
            i, weekday, first, last = args
            RotaShift.objects.create(
                centre=centre,
                worker=people[i],
                weekday=weekday,
                starts=datetime.time(7),
                ends=datetime.time(17),
                valid_from=min(first, last or first),
                valid_until=last and max(first, last),
            )
        case "absence":
            i, day, length = args
            StaffAbsence.objects.create(
                worker=people[i],
                first_day=day,
                last_day=day + datetime.timedelta(days=length),
                reason="sick",
            )
        case "qualification":
            i, qualification = args
            people[i].qualification = qualification
            people[i].save()
        case "counts":
            centre.organisation.qualifications_for_two_staff = args[0]
            centre.organisation.save()
        case "holiday":
            PublicHoliday.objects.get_or_create(date=args[0], defaults={"name": "x"})
        case "no holiday":
            PublicHoliday.objects.filter(date__gte=args[0]).filter(
                date__lte=args[0] + datetime.timedelta(days=30)
            ).delete()


def centre_after(operations):
    """A new centre with three staff and a key holder, after the operations."""
    centre = make_centre()
    people = {i: worker(centre, ("trained", "student")[i % 2]) for i in range(3)}
    people["key holder"] = KeyHolderFactory(organisation=centre.organisation)
    for operation in operations:
        try:
            with transaction.atomic():
                apply(operation, centre, people)
        except IntegrityError:
            pass  # refused by a constraint (overlapping hours or shifts, say)
    return centre


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=10))
def test_kept_months_equal_a_recount_after_any_changes(db, operations):
    with transaction.atomic():
        centre = centre_after(operations)
        assert_recounted(OpeningMonth)
        assert months_kept(centre) == MONTHS
        kept = opening_figures([centre.pk], FIRST, LAST)
        direct = _opening_figures_direct([centre.pk], FIRST, LAST)
        assert kept[0] == pytest.approx(direct[0]) and kept[1] == direct[1]
        transaction.set_rollback(True)


# --- Two changes to one centre at once -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_changes_to_one_centre_at_once_are_both_counted():
    """Each change recounts under a lock on the centre held to its commit: the later one
    waits and then counts the earlier one too, so the month is right after both."""
    centre = make_centre()
    day = datetime.date(2025, 3, 12)
    people = [worker(centre), worker(centre)]
    started = threading.Barrier(2)
    errors = []

    def first():
        try:
            with transaction.atomic():
                Shift.objects.create(
                    centre=centre, worker=people[0], starts=at(day, 7), ends=at(day, 17)
                )
                started.wait()
                time.sleep(0.5)  # the other change is waiting on the lock by now
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            started.wait()
            with transaction.atomic():
                Shift.objects.create(
                    centre=centre, worker=people[1], starts=at(day, 7), ends=at(day, 17)
                )
                OpeningHours.objects.filter(centre=centre, weekday=4).update(ends=datetime.time(17))
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    before = OpeningMonth.objects.get(centre=centre, month=datetime.date(2025, 3, 1))
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_recounted(OpeningMonth)
    after = OpeningMonth.objects.get(centre=centre, month=datetime.date(2025, 3, 1))
    assert after.understaffed == before.understaffed - 1
    assert after.staffed > before.staffed
