"""Outreach hours: the concrete sessions other pages show, and the pages to plan them."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advice.models import OutreachAbsence, OutreachHours
from centres.calendar_days import danish_holidays
from centres.models import OpenDay
from centres.openings import closed_days
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory
from tests.centres.factories import ClosureFactory

pytestmark = pytest.mark.any_day

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
D = datetime.date


def test_sessions_are_the_weekly_hours_minus_absences(world):
    hours = OutreachHoursFactory(
        centre=world.centre_a,
        weekday=0,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        valid_from=D(2026, 3, 1),
        valid_until=D(2026, 4, 30),
    )
    OutreachAbsenceFactory(hours=hours, start_date=D(2026, 3, 16), end_date=D(2026, 3, 22))
    sessions = OutreachHours.objects.for_centre(world.centre_a).between(
        D(2026, 3, 1), D(2026, 3, 31)
    )
    assert [s.date for s in sessions] == [
        D(2026, 3, 2),
        D(2026, 3, 9),
        D(2026, 3, 23),
        D(2026, 3, 30),
    ]
    assert sessions[0].start == datetime.datetime(2026, 3, 2, 9, tzinfo=CPH)
    assert sessions[0].centre == world.centre_a


def test_sessions_keep_wall_clock_times_across_daylight_saving(world):
    # Summer time starts on Sunday 29 March 2026.
    OutreachHoursFactory(
        centre=world.centre_a, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    before, after = OutreachHours.objects.between(D(2026, 3, 23), D(2026, 3, 30))
    assert before.start.astimezone(datetime.UTC).hour == 8
    assert after.start.astimezone(datetime.UTC).hour == 7
    assert after.end - after.start == datetime.timedelta(hours=3)


def test_sessions_of_other_centres_are_left_out(world):
    OutreachHoursFactory(centre=world.centre_b)
    assert (
        OutreachHours.objects.for_centre(world.centre_a).between(D(2026, 1, 1), D(2026, 12, 31))
        == []
    )


def test_sessions_take_three_queries_however_many(world, django_assert_num_queries):
    """Hours, absences, and the centres' closed days; the last not when the caller has
    the closed days already."""
    for weekday in range(5):
        hours = OutreachHoursFactory(centre=world.centre_a, weekday=weekday)
        OutreachAbsenceFactory(hours=hours)
        day = D(2026, 6, 1 + weekday)
        ClosureFactory(centre=world.centre_a, starts=day, ends=day)
    OpenDay.objects.create(centre=world.centre_a, date=D(2026, 12, 25))
    with django_assert_num_queries(3):
        sessions = OutreachHours.objects.for_centre(world.centre_a).between(
            D(2026, 1, 1), D(2026, 12, 31)
        )
    assert len(sessions) > 200
    closed = closed_days([world.centre_a], D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(2):
        given = OutreachHours.objects.for_centre(world.centre_a).between(
            D(2026, 1, 1), D(2026, 12, 31), closed
        )
    assert given == sessions


# The days a centre is closed by a public holiday on which outreach hours fall: Christmas
# Day and New Year's Day 2027 are Fridays, Easter 2027 runs from Maundy Thursday 25 March
# to Easter Monday 29 March.
HOLIDAYS = {
    D(2026, 12, 25): "Juledag",
    D(2027, 1, 1): "Nytårsdag",
    D(2027, 3, 25): "Skærtorsdag",
    D(2027, 3, 26): "Langfredag",
    D(2027, 3, 29): "Anden påskedag",
}


@pytest.mark.clock_free
@pytest.mark.parametrize("day", HOLIDAYS, ids=str)
def test_a_session_on_a_public_holiday_is_closed_unless_the_centre_opens(world, day):
    OutreachHoursFactory(centre=world.centre_a, display_name="Kasper", weekday=day.weekday())
    OutreachHoursFactory(centre=world.centre_b, display_name="Mette", weekday=day.weekday())
    (kasper, mette) = sorted(
        OutreachHours.objects.between(day, day), key=lambda s: s.hours.display_name
    )
    assert kasper.closed == mette.closed == HOLIDAYS[day]
    OpenDay.objects.create(centre=world.centre_a, date=day)
    opened = {s.hours.display_name: s.closed for s in OutreachHours.objects.between(day, day)}
    assert opened == {"Kasper": "", "Mette": HOLIDAYS[day]}


@pytest.mark.clock_free
def test_a_session_on_a_closure_is_closed_with_its_reason_and_the_week_around_is_not(world):
    OutreachHoursFactory(centre=world.centre_a, weekday=2)
    ClosureFactory(
        centre=world.centre_a, starts=D(2026, 9, 9), ends=D(2026, 9, 9), reason="Personaledag"
    )
    sessions = OutreachHours.objects.between(D(2026, 9, 1), D(2026, 9, 30))
    assert [(s.date.day, s.closed) for s in sessions] == [
        (2, ""),
        (9, "Personaledag"),
        (16, ""),
        (23, ""),
        (30, ""),
    ]


days = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weekday=st.integers(0, 6),
    valid_from=days,
    length=st.one_of(st.none(), st.integers(0, 400)),
    absences=st.lists(st.tuples(days, st.integers(0, 30)), max_size=4),
    start=days,
    span=st.integers(0, 120),
)
def test_sessions_agree_with_a_day_by_day_count(
    world, weekday, valid_from, length, absences, start, span
):
    OutreachHours.objects.all().delete()
    valid_until = None if length is None else valid_from + datetime.timedelta(days=length)
    hours = OutreachHoursFactory(
        centre=world.centre_a, weekday=weekday, valid_from=valid_from, valid_until=valid_until
    )
    kept = []
    for first, extra in absences:
        last = first + datetime.timedelta(days=extra)
        if any(a <= last and first <= b for a, b in kept):
            continue  # overlapping absences are refused by the database
        OutreachAbsence.objects.create(
            hours=hours, start_date=first, end_date=last, reason="holiday"
        )
        kept.append((first, last))
    end = start + datetime.timedelta(days=span)
    holidays = danish_holidays(start, end)
    expected = [
        (day, holidays.get(day, ""))
        for day in (start + datetime.timedelta(days=i) for i in range(span + 1))
        if day.weekday() == weekday
        and hours.is_valid_on(day)
        and not any(a <= day <= b for a, b in kept)
    ]
    assert [(s.date, s.closed) for s in OutreachHours.objects.between(start, end)] == expected


# --- Pages ----------------------------------------------------------------------------


def hours_data(centre, **overrides):
    data = {
        "centre": centre.pk,
        "display_name": "Mette",
        "role": "job_centre",
        "service": "Jobcenter Faxe",
        "weekday": "1",
        "start_time": "09:00",
        "end_time": "12:00",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
    }
    data.update(overrides)
    return data


def test_staff_adds_hours_at_their_centre(world, client_for):
    client = client_for(world.staff_a)
    response = client.post("/advice/outreach-hours/new/", hours_data(world.centre_a))
    assert response.status_code == 302
    assert OutreachHours.objects.get().centre == world.centre_a
    page = client.get("/advice/outreach-hours/").content.decode()
    assert "Mette" in page and "Sagsbehandler fra jobcentret" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "08:00"}, "end_time", "Tiden skal slutte, efter den begynder."),
        ({"valid_until": "2025-12-01"}, "valid_until", "Sidste dag kan ikke ligge før første dag."),
        ({"display_name": "Kim 010190-1234"}, "display_name", "CPR-nummer"),
        ({"weekday": "9"}, "weekday", "gyldig valgmulighed"),
        ({"start_time": "nine"}, "start_time", "gyldig tid"),
    ],
)
def test_bad_hours_get_a_danish_message_and_save_nothing(
    world, client_for, overrides, field, message
):
    response = client_for(world.staff_a).post(
        "/advice/outreach-hours/new/", hours_data(world.centre_a, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not OutreachHours.objects.exists()


def test_staff_cannot_put_hours_at_another_centre(world, client_for):
    response = client_for(world.staff_b).post(
        "/advice/outreach-hours/new/", hours_data(world.centre_a)
    )
    assert response.status_code == 200
    assert not OutreachHours.objects.exists()


def test_overlapping_absence_is_refused_in_danish(world, client_for):
    hours = OutreachHoursFactory(centre=world.centre_a)
    OutreachAbsenceFactory(hours=hours, start_date=D(2026, 7, 1), end_date=D(2026, 7, 21))
    response = client_for(world.staff_a).post(
        f"/advice/outreach-hours/{hours.pk}/absences/new/",
        {"start_date": "2026-07-20", "end_date": "2026-07-30", "reason": "holiday"},
    )
    assert "Der er allerede registreret fravær" in response.content.decode()
    assert OutreachAbsence.objects.count() == 1


def test_staff_adds_and_removes_an_absence(world, client_for):
    hours = OutreachHoursFactory(centre=world.centre_a)
    client = client_for(world.staff_a)
    first = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        f"/advice/outreach-hours/{hours.pk}/absences/new/",
        {
            "start_date": first.isoformat(),
            "end_date": (first + datetime.timedelta(days=2)).isoformat(),
            "reason": "illness",
        },
    )
    assert response.status_code == 302
    absence = OutreachAbsence.objects.get()
    url = f"/advice/absences/{absence.pk}/delete/"
    assert "Er du sikker?" in client.get(url).content.decode()
    assert OutreachAbsence.objects.exists()
    assert client.post(url).status_code == 302
    assert not OutreachAbsence.objects.exists()


def test_an_absence_of_earlier_days_is_part_of_the_record(world, client_for):
    today = timezone.localdate()
    hours = OutreachHoursFactory(centre=world.centre_a, valid_from=today - datetime.timedelta(60))
    client = client_for(world.staff_a)
    data = {
        "start_date": (today - datetime.timedelta(days=7)).isoformat(),
        "end_date": (today + datetime.timedelta(days=7)).isoformat(),
        "reason": "illness",
    }
    url = f"/advice/outreach-hours/{hours.pk}/absences/new/"
    assert "hører til historikken" in client.post(url, data).content.decode()
    client.post(url, {**data, "correction": "on", "correction_reason": "Syg, ikke skrevet"})
    absence = OutreachAbsence.objects.get()
    assert absence.history.get().history_change_reason == "Syg, ikke skrevet"
    # Back early: removing it ends it yesterday, the days before stay absent.
    client.post(f"/advice/absences/{absence.pk}/delete/", {"end": "1"})
    absence.refresh_from_db()
    assert absence.end_date == today - datetime.timedelta(days=1)


def test_outreach_worker_sees_hours_but_cannot_remove_an_absence(world, client_for):
    absence = OutreachAbsenceFactory(hours=OutreachHoursFactory(centre=world.centre_a))
    client = client_for(world.outreach)
    assert "Tilføj fravær" not in client.get("/advice/outreach-hours/").content.decode()
    assert client.post(f"/advice/absences/{absence.pk}/delete/").status_code == 403
    assert (
        client_for(world.staff_b).post(f"/advice/absences/{absence.pk}/delete/").status_code == 404
    )
    assert OutreachAbsence.objects.exists()


def test_hours_page_query_count_is_constant(world, client_for, django_assert_num_queries):
    client = client_for(world.staff_a)
    OutreachAbsenceFactory(hours=OutreachHoursFactory(centre=world.centre_a))
    client.get("/advice/outreach-hours/")
    with CaptureQueriesContext(connection) as few:
        client.get("/advice/outreach-hours/")
    for weekday in range(5):
        OutreachAbsenceFactory(hours=OutreachHoursFactory(centre=world.centre_a, weekday=weekday))
    with django_assert_num_queries(len(few)):
        client.get("/advice/outreach-hours/")


@time_machine.travel(datetime.datetime(2026, 12, 20, 10, tzinfo=CPH), tick=False)
def test_the_outreach_list_shows_hours_on_closed_days_as_cancelled(world, client_for):
    OutreachHoursFactory(centre=world.centre_a, display_name="Kasper", weekday=4)
    html = client_for(world.staff_a).get("/advice/outreach-hours/").content.decode()
    items = html.split('<li class="list-group-item')[1:]
    fridays = {item.split("</strong>")[0].split(">")[-1].strip(): item for item in items}
    assert list(fridays) == [
        "Fredag 25. december, 09.00\u201312.00",
        "Fredag 1. januar, 09.00\u201312.00",
        "Fredag 8. januar, 09.00\u201312.00",
        "Fredag 15. januar, 09.00\u201312.00",
    ]
    assert "Aflyst" in fridays["Fredag 25. december, 09.00\u201312.00"]
    assert "Stedet er lukket: Juledag" in fridays["Fredag 25. december, 09.00\u201312.00"]
    assert "Stedet er lukket: Nytårsdag" in fridays["Fredag 1. januar, 09.00\u201312.00"]
    assert "Aflyst" not in fridays["Fredag 8. januar, 09.00\u201312.00"]


def test_changing_outreach_hours_from_a_date_keeps_the_sessions_before(world, client_for):
    today = timezone.localdate()
    hours = OutreachHoursFactory(centre=world.centre_a, valid_from=today - datetime.timedelta(60))
    before = [
        (s.start, s.end)
        for s in OutreachHours.objects.between(today - datetime.timedelta(60), today)
    ]
    start = today + datetime.timedelta(days=7)
    client = client_for(world.staff_a)
    url = f"/advice/outreach-hours/{hours.pk}/edit/"
    refused = client.post(
        url, hours_data(world.centre_a, end_time="11:00", valid_from=hours.valid_from.isoformat())
    )
    assert "Ændringen kan ikke gælde fra før i dag." in refused.content.decode()
    response = client.post(
        url, hours_data(world.centre_a, end_time="11:00", valid_from=start.isoformat()), follow=True
    )
    assert "De nye tider gælder fra" in response.content.decode()
    old, new = OutreachHours.objects.order_by("valid_from")
    assert old.pk == hours.pk and old.valid_until == start - datetime.timedelta(days=1)
    assert (new.valid_from, new.end_time) == (start, datetime.time(11))
    after = [
        (s.start, s.end)
        for s in OutreachHours.objects.between(today - datetime.timedelta(60), today)
    ]
    assert after == before
    later = OutreachHours.objects.between(start, start + datetime.timedelta(days=6))
    assert [s.end.time() for s in later] == [datetime.time(11)]
