"""The weekly rota, absences and the two-staff rule over qualified people."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import staffing
from centres.models import (
    OpenDay,
    OpeningKind,
    OpeningKindChange,
    RotaShift,
    Shift,
    ShiftFeed,
    StaffAbsence,
)
from centres.openings import local_datetime, openings_for, understaffed, week_plan
from tests.centres.factories import (
    ClosureFactory,
    OpeningHoursFactory,
    RotaShiftFactory,
    ShiftFactory,
    StaffAbsenceFactory,
)
from tests.factories import UserFactory

CPH = ZoneInfo("Europe/Copenhagen")
# A plain week, no holidays: Monday 1 March 2027 to Sunday 7 March.
MONDAY = datetime.date(2027, 3, 1)
SUNDAY = MONDAY + datetime.timedelta(days=6)
# Thursday 25 February 2027, 9 o'clock: the leader plans next month.
NOW = datetime.datetime(2027, 2, 25, 9, tzinfo=CPH)


@pytest.fixture(autouse=True)
def leader_plans_next_month():
    with time_machine.travel(NOW, tick=False):
        yield


def weekday_hours(centre, kind=OpeningKind.STAFFED):
    """Monday to Friday 10-16."""
    for weekday in range(5):
        OpeningHoursFactory(
            centre=centre,
            weekday=weekday,
            starts=datetime.time(10),
            ends=datetime.time(16),
            kind=kind,
            valid_from=datetime.date(2026, 1, 1),
        )


def rota(centre, worker, weekday=0, starts=10, ends=16, **kwargs):
    return RotaShiftFactory(
        centre=centre,
        worker=worker,
        weekday=weekday,
        starts=datetime.time(starts),
        ends=datetime.time(ends),
        valid_from=kwargs.pop("valid_from", datetime.date(2026, 1, 1)),
        **kwargs,
    )


# --- Who is planned, who counts ----------------------------------------------------------


def test_rota_less_absences_plus_one_offs(world):
    centre, org = world.centre_a, world.org_a
    weekday_hours(centre)
    anna = UserFactory(organisation=org)
    ben = UserFactory(organisation=org)
    rota(centre, anna, 0)
    rota(centre, ben, 0)
    StaffAbsenceFactory(worker=ben, first_day=MONDAY, last_day=MONDAY, reason="sick")
    carl = UserFactory(organisation=org)
    ShiftFactory(
        centre=centre,
        worker=carl,
        starts=local_datetime(MONDAY, datetime.time(10)),
        ends=local_datetime(MONDAY, datetime.time(16)),
    )
    found = staffing.planned_shifts([centre], MONDAY, MONDAY)[centre.pk]
    assert {s.worker_id for s in found} == {anna.pk, carl.pk}
    monday = list(staffing.staffing_at([centre], MONDAY, MONDAY))
    assert [s.qualified for s in monday] == [2]


def test_nobody_is_on_the_rota_on_a_closed_day(world, client_for):
    """A holiday or a closure takes the rota's shifts off, in "my shifts" and the feed
    too; a one-off shift put on such a day stays."""
    centre = world.centre_a
    weekday_hours(centre)
    rota(centre, world.staff_a, 0)
    ClosureFactory(centre=centre, starts=MONDAY, ends=MONDAY)
    easter_monday = datetime.date(2027, 3, 29)
    OpenDay.objects.create(centre=world.centre_b, date=easter_monday)  # another centre
    ShiftFactory(
        centre=centre,
        worker=world.staff_b,
        starts=local_datetime(MONDAY, datetime.time(10)),
        ends=local_datetime(MONDAY, datetime.time(12)),
    )
    found = staffing.planned_shifts([centre], MONDAY, easter_monday)[centre.pk]
    mondays = [(timezone_day(s.starts), s.worker_id) for s in found]
    assert mondays == [
        (MONDAY, world.staff_b.pk),
        *[(MONDAY + datetime.timedelta(days=7 * n), world.staff_a.pk) for n in (1, 2, 3)],
    ]
    page = client_for(world.staff_a).get(reverse("centres:my_shifts")).content.decode()
    assert "Mandag 01.03." not in page and "Mandag 08.03." in page


def timezone_day(moment):
    return moment.astimezone(CPH).date()


def test_a_student_does_not_make_the_second_person_unless_the_organisation_says_so(world):
    centre, org = world.centre_a, world.org_a
    weekday_hours(centre)
    rota(centre, UserFactory(organisation=org), 0)
    rota(centre, UserFactory(organisation=org, qualification="student"), 0)
    [flag] = staffing.at_risk([centre], MONDAY, MONDAY)
    assert flag.qualified == 1 and len(flag.shifts) == 2
    org.qualifications_for_two_staff = ["trained", "student"]
    org.save()
    assert staffing.at_risk([centre], MONDAY, MONDAY) == []


def test_the_dashboard_figure_counts_the_rota_and_qualifications(world):
    from centres.stats import understaffed_count

    centre, org = world.centre_a, world.org_a
    weekday_hours(centre)
    for weekday in range(5):
        rota(centre, UserFactory(organisation=org), weekday)
    student = UserFactory(organisation=org, qualification="student")
    trained = UserFactory(organisation=org)
    for weekday in range(5):
        rota(centre, student if weekday == 0 else trained, weekday)
    StaffAbsenceFactory(
        worker=trained,
        first_day=MONDAY + datetime.timedelta(days=1),
        last_day=MONDAY + datetime.timedelta(days=2),
    )
    start, end = local_datetime(MONDAY, datetime.time()), local_datetime(SUNDAY, datetime.time())
    expected = len(understaffed([centre], start, end))
    assert expected == 3  # Monday's student, Tuesday and Wednesday's absence
    assert understaffed_count([centre.pk], MONDAY, SUNDAY - datetime.timedelta(days=1)) == 3


def test_a_changed_rota_leaves_last_month_alone(world, client_for):
    centre, org = world.centre_a, world.org_a
    weekday_hours(centre)
    anna = UserFactory(organisation=org, first_name="Anna")
    row = rota(centre, anna, 0, valid_from=datetime.date(2027, 1, 4))
    client = client_for(world.leader)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("centres:rota_edit", args=[centre.pk, row.pk]),
            {
                "worker": anna.pk,
                "weekday": 0,
                "starts": "12:00",
                "ends": "16:00",
                "valid_from": "2027-03-01",
                "valid_until": "",
            },
        )
    assert response.status_code == 302
    old, new = RotaShift.objects.order_by("valid_from")
    assert (old.starts, old.valid_until) == (datetime.time(10), datetime.date(2027, 2, 28))
    assert (new.starts, new.valid_from) == (datetime.time(12), datetime.date(2027, 3, 1))


# --- A plain recount ---------------------------------------------------------------------

QUARTER = datetime.timedelta(minutes=15)
quarters = st.integers(min_value=32, max_value=68)  # 8:00 to 17:00
rota_rows = st.lists(
    st.tuples(
        st.integers(0, 3), st.integers(0, 4), quarters, st.integers(1, 24), st.integers(-3, 3)
    ),
    max_size=14,
)
absences = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 6), st.integers(0, 3)), max_size=3)
one_offs = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), quarters, st.integers(1, 16)))


def clock(quarter):
    return datetime.time(min(quarter, 95) // 4, min(quarter, 95) % 4 * 15)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    qualifications=st.lists(
        st.sampled_from(["trained", "student", "volunteer"]), min_size=4, max_size=4
    ),
    counting=st.sets(st.sampled_from(["trained", "student", "volunteer"])),
    rows=rota_rows,
    away=absences,
    extra=one_offs.map(lambda rows: rows[:4]),
)
def test_the_at_risk_list_equals_a_plain_recount(
    world, qualifications, counting, rows, away, extra
):
    with transaction.atomic():
        centre, org = world.centre_a, world.org_a
        org.qualifications_for_two_staff = sorted(counting)
        org.save()
        weekday_hours(centre)
        people = [UserFactory(organisation=org, qualification=q) for q in qualifications]
        taken = []  # (person, day, start, end) in minutes of the week, never overlapping

        def free(person, day, start, end):
            return not any(
                p == person and d == day and s < end and e > start for p, d, s, e in taken
            )

        planned = []
        for person, weekday, start, length, since in rows:
            end = min(start + length, 95)
            if not free(person, weekday, start, end):
                continue
            valid_from = MONDAY + datetime.timedelta(days=since)
            taken.append((person, weekday, start, end))
            RotaShift.objects.create(
                centre=centre,
                worker=people[person],
                weekday=weekday,
                starts=clock(start),
                ends=clock(end),
                valid_from=valid_from,
            )
            planned.extend(
                (person, day, start, end)
                for day in range(7)
                if day == weekday and MONDAY + datetime.timedelta(days=day) >= valid_from
            )
        for person, weekday, start, length in extra:
            end = min(start + length, 95)
            if not free(person, weekday, start, end):
                continue
            taken.append((person, weekday, start, end))
            day = MONDAY + datetime.timedelta(days=weekday)
            Shift.objects.create(
                centre=centre,
                worker=people[person],
                starts=local_datetime(day, clock(start)),
                ends=local_datetime(day, clock(end)),
            )
            planned.append((person, weekday, start, end))
        off = set()
        for person, first, length in away:
            first_day = MONDAY + datetime.timedelta(days=first)
            StaffAbsence.objects.create(
                worker=people[person],
                first_day=first_day,
                last_day=first_day + datetime.timedelta(days=length),
                reason="sick",
            )
            off |= {(person, first + n) for n in range(length + 1)}

        flagged = {s.opening.start for s in staffing.at_risk([centre], MONDAY, SUNDAY)}

        recount = set()
        for weekday in range(5):
            for quarter in range(40, 64):  # 10:00 to 16:00
                present = {
                    p
                    for p, d, s, e in planned
                    if d == weekday
                    and s <= quarter < e
                    and (p, d) not in off
                    and qualifications[p] in counting
                }
                if len(present) < 2:
                    day = MONDAY + datetime.timedelta(days=weekday)
                    recount.add(local_datetime(day, datetime.time(10)))
        assert flagged == recount
        transaction.set_rollback(True)


# --- Bad input: a Danish error on the form, nothing saved ------------------------------------


def rota_post(client, centre, **changes):
    data = {
        "worker": "",
        "weekday": 0,
        "starts": "10:00",
        "ends": "16:00",
        "valid_from": "2027-03-01",
        "valid_until": "",
        **changes,
    }
    with time_machine.travel(NOW, tick=False):
        return client.post(reverse("centres:rota_add", args=[centre.pk]), data)


def test_rota_refuses_overlapping_shifts_for_one_person(world, client_for):
    weekday_hours(world.centre_a)
    weekday_hours(world.centre_b)
    rota(world.centre_b, world.staff_a, 0, 9, 13)
    response = rota_post(client_for(world.leader), world.centre_a, worker=world.staff_a.pk)
    assert response.status_code == 200
    assert "har allerede en fast vagt" in response.content.decode()
    assert RotaShift.objects.count() == 1


def test_rota_refuses_a_shift_outside_any_opening(world, client_for):
    weekday_hours(world.centre_a)
    response = rota_post(
        client_for(world.leader), world.centre_a, worker=world.staff_a.pk, weekday=5
    )
    assert "uden for stedets åbningstid" in response.content.decode()
    assert not RotaShift.objects.exists()


def test_rota_refuses_an_end_before_the_start(world, client_for):
    weekday_hours(world.centre_a)
    response = rota_post(
        client_for(world.leader), world.centre_a, worker=world.staff_a.pk, ends="09:00"
    )
    assert "Slut skal ligge efter start." in response.content.decode()
    assert not RotaShift.objects.exists()


def test_a_one_off_shift_outside_any_opening_is_refused(world, client_for):
    weekday_hours(world.centre_a)
    data = {"worker": world.staff_a.pk, "starts": "2027-03-06T10:00", "ends": "2027-03-06T14:00"}
    with time_machine.travel(NOW, tick=False):
        response = client_for(world.leader).post(
            reverse("centres:shifts", args=[world.centre_a.pk]), data
        )
    assert "uden for stedets åbningstid" in response.content.decode()
    assert not Shift.objects.exists()


def test_a_one_off_shift_on_a_public_holiday_says_the_centre_is_closed(world, client_for):
    weekday_hours(world.centre_a)
    # Maundy Thursday, 25 March 2027: a weekday with hours, but a public holiday.
    data = {"worker": world.staff_a.pk, "starts": "2027-03-25T10:00", "ends": "2027-03-25T14:00"}
    with time_machine.travel(NOW, tick=False):
        response = client_for(world.leader).post(
            reverse("centres:shifts", args=[world.centre_a.pk]), data
        )
    assert "Stedet har lukket 25.03.2027 (Skærtorsdag)" in response.content.decode()
    assert not Shift.objects.exists()


def test_an_absence_ending_before_it_starts_is_refused(world, client_for):
    data = {
        "worker": world.staff_a.pk,
        "first_day": "2027-03-02",
        "last_day": "2027-03-01",
        "reason": "sick",
    }
    response = client_for(world.leader).post(reverse("centres:absences"), data)
    assert response.status_code == 400
    assert "Fraværet kan ikke slutte, før det begynder." in response.content.decode()
    assert not StaffAbsence.objects.exists()


def test_another_organisations_people_cannot_be_put_on_the_rota(world, client_for):
    weekday_hours(world.centre_a)
    stranger = UserFactory(organisation=world.org_z)
    response = rota_post(client_for(world.leader), world.centre_a, worker=stranger.pk)
    assert response.status_code == 200
    assert not RotaShift.objects.exists()


def test_another_organisations_absence_is_a_404(world, client_for):
    absence = StaffAbsenceFactory(worker=world.staff_a)
    response = client_for(world.other_leader).get(
        reverse("centres:absence_delete", args=[absence.pk])
    )
    assert response.status_code == 404


# --- Openings at risk and what the leader does about them -----------------------------------


def flagged_opening(world):
    weekday_hours(world.centre_a)
    rota(world.centre_a, world.staff_a, 0)
    rota(world.centre_a, world.staff_b, 0)
    StaffAbsenceFactory(worker=world.staff_b, first_day=MONDAY, last_day=MONDAY)
    return local_datetime(MONDAY, datetime.time(10))


def act(client, world, start, **data):
    prefix = "x"
    payload = {"prefix": prefix, f"{prefix}-start": start.isoformat()}
    payload |= {f"{prefix}-{name}": value for name, value in data.items()}
    with time_machine.travel(NOW, tick=False):
        return client.post(reverse("centres:at_risk_act", args=[world.centre_a.pk]), payload)


def test_the_list_shows_the_opening_an_absence_leaves_short(
    world, client_for, django_assert_max_num_queries
):
    flagged_opening(world)
    client = client_for(world.leader)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(40):
        response = client.get(reverse("centres:at_risk"))
    page = response.content.decode()
    assert "Mandag 01.03. 10:00" in page
    assert "Mandag 08.03. 10:00" not in page  # both are there that Monday


def test_the_list_reads_the_same_whatever_the_number_of_openings_at_risk(
    world, client_for, django_assert_num_queries
):
    weekday_hours(world.centre_a)
    for weekday in range(5):
        rota(world.centre_a, world.staff_a, weekday)
        rota(world.centre_a, world.staff_b, weekday)
    StaffAbsenceFactory(worker=world.staff_a, first_day=MONDAY, last_day=MONDAY)
    client = client_for(world.leader)
    url = reverse("centres:at_risk")
    with time_machine.travel(NOW, tick=False):
        client.get(url)  # the session and the menu's first reads
        with CaptureQueriesContext(connection) as one:
            page = client.get(url).content.decode()
        assert page.count('name="prefix"') == 1
        # Away for the next two weeks too: ten more openings at risk.
        StaffAbsenceFactory(
            worker=world.staff_a,
            first_day=MONDAY + datetime.timedelta(days=7),
            last_day=MONDAY + datetime.timedelta(days=20),
        )
        with django_assert_num_queries(len(one)):
            page = client.get(url).content.decode()
    assert page.count('name="prefix"') == 11
    assert page.count(f'<option value="{world.staff_b.pk}">') == 11


def test_maybe_open_shows_at_once_in_the_week_plan(world, client_for):
    start = flagged_opening(world)
    response = act(client_for(world.leader), world, start, action="maybe")
    assert response.status_code == 302
    change = OpeningKindChange.objects.get()
    assert (change.date, change.kind) == (MONDAY, OpeningKind.MAYBE)
    days, _hours = week_plan(world.centre_a, MONDAY)
    assert [e.kind for e in days[0][2]] == [OpeningKind.MAYBE]
    with time_machine.travel(NOW, tick=False):
        assert staffing.at_risk([world.centre_a], MONDAY, SUNDAY) != []  # Tuesday etc.
        assert all(s.opening.start != start for s in staffing.upcoming_at_risk([world.centre_a]))


def test_the_calendar_sees_the_change_at_once(world):
    from centres.openings import day_openings

    start = flagged_opening(world)
    assert day_openings(world.centre_a, MONDAY)[0].kind == OpeningKind.STAFFED
    opening = openings_for([world.centre_a], start, start + datetime.timedelta(hours=1))
    staffing.act_on_risk(world.centre_a, opening[world.centre_a.pk][0], "user_run")
    assert day_openings(world.centre_a, MONDAY)[0].kind == OpeningKind.USER_RUN


def test_staff_it_needs_someone_free(world, client_for):
    start = flagged_opening(world)
    client = client_for(world.leader)
    response = act(client, world, start, action="staff", worker=world.staff_b.pk)
    assert response.status_code == 400
    assert "er fraværende den dag" in response.content.decode()
    response = act(client, world, start, action="staff", worker="")
    assert "Vælg, hvem der tager vagten." in response.content.decode()
    assert not Shift.objects.exists()
    response = act(client, world, start, action="staff", worker=world.leader.pk)
    assert response.status_code == 302
    assert Shift.objects.get().worker == world.leader


def test_close_closes_that_day(world, client_for):
    start = flagged_opening(world)
    assert act(client_for(world.leader), world, start, action="close").status_code == 302
    assert world.centre_a.is_closed_on(MONDAY)


def test_an_opening_that_is_not_staffed_is_refused(world, client_for):
    start = flagged_opening(world) + datetime.timedelta(hours=1)
    response = act(client_for(world.leader), world, start, action="close")
    assert response.status_code == 400
    assert not world.centre_a.is_closed_on(MONDAY)


# --- My shifts and the feed -------------------------------------------------------------------


def test_my_shifts_and_the_feed(world, client_for):
    weekday_hours(world.centre_a)
    rota(world.centre_a, world.staff_a, 0, valid_from=MONDAY)
    rota(world.centre_a, world.staff_b, 1, valid_from=MONDAY)
    StaffAbsenceFactory(
        worker=world.staff_a,
        first_day=MONDAY + datetime.timedelta(days=7),
        last_day=MONDAY + datetime.timedelta(days=7),
    )
    client = client_for(world.staff_a)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("centres:my_shifts")).content.decode()
        assert page.count("Værestedet 76F</li>") == 3  # 1, 15 and 22 March; away 8 March
        client.post(reverse("centres:my_shifts_feed"))
        token = ShiftFeed.objects.get(worker=world.staff_a).token
        client.logout()
        first = client.get(reverse("centres:shift_feed", args=[token]))
        second = client.get(reverse("centres:shift_feed", args=[token]))
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    events = icalendar.Calendar.from_ical(first.content).walk("VEVENT")
    uids = [str(e["uid"]) for e in events]
    # The Mondays 1 March to 19 April, less 8 March (away) and Easter Monday, 29 March.
    assert len(uids) == 6
    assert uids == [
        str(e["uid"]) for e in icalendar.Calendar.from_ical(second.content).walk("VEVENT")
    ]
    # A new link revokes the old one.
    client = client_for(world.staff_a)
    client.post(reverse("centres:my_shifts_feed"))
    assert client.get(reverse("centres:shift_feed", args=[token])).status_code == 404
    client.post(reverse("centres:my_shifts_feed"), {"remove": "1"})
    assert not ShiftFeed.objects.exists()
