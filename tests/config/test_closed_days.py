"""On a day a centre is closed (a public holiday or a closure, unless an open day opens
it), what would happen there is cancelled or left out everywhere: the calendar's list and
month, the week plan and the iCal feed. One definition decides (centres.openings.
closed_days): the activities' occurrences, the outreach hours and the openings consult it.

The reference case: 76F is staffed on Fridays, an addiction consultant holds hours there
on Fridays, surplus food is handed out on Friday afternoons; Christmas Day and New Year's
Day 2027 are Fridays, and Easter 2027 runs from Thursday 25 to Monday 29 March.
"""

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.urls import reverse

from activities.models import Category
from activities.recurrence import COPENHAGEN
from advice.models import OutreachRole
from centres.models import OpenDay
from tests.activities.factories import ActivityFactory, CalendarLinkFactory
from tests.advice.factories import OutreachHoursFactory
from tests.centres.factories import ClosureFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=COPENHAGEN)
CHRISTMAS, NEW_YEAR = dt.date(2026, 12, 25), dt.date(2027, 1, 1)
MAUNDY_THURSDAY, GOOD_FRIDAY = dt.date(2027, 3, 25), dt.date(2027, 3, 26)
EASTER_MONDAY = dt.date(2027, 3, 29)
# (day, the holiday's name, the Friday a week later when everything happens)
FRIDAY_HOLIDAYS = [
    (CHRISTMAS, "Juledag", dt.date(2026, 12, 18)),
    (NEW_YEAR, "Nytårsdag", dt.date(2027, 1, 8)),
    (GOOD_FRIDAY, "Langfredag", dt.date(2027, 4, 2)),
]


@pytest.fixture
def reference(world):
    """76F's Friday: staffed 8-14, the addiction consultant 10-13, surplus food at 13;
    a trip on Easter Monday that goes ahead when the centres are closed."""
    with time_machine.travel(NOW, tick=False):
        OpeningHoursFactory(centre=world.centre_a, weekday=4, ends=dt.time(14))
        OutreachHoursFactory(
            centre=world.centre_a,
            display_name="Kasper",
            role=OutreachRole.ADDICTION,
            service="Misbrugscentret",
            weekday=4,
            start_time=dt.time(10),
            end_time=dt.time(13),
            valid_from=dt.date(2026, 1, 1),
        )
        OutreachHoursFactory(centre=world.centre_a, display_name="Mette", weekday=3)
        ActivityFactory(
            organisation=world.org_a,
            centres=[world.centre_a, world.centre_b],
            title="Overskudsmad fra købmanden",
            category=Category.OTHER,
            runs_when_closed=False,
            schedule__weekdays="4",
            schedule__start_time=dt.time(13),
            schedule__end_time=dt.time(13, 30),
            schedule__valid_from=NOW.date(),
        )
        ActivityFactory(
            organisation=world.org_a,
            centres=[world.centre_a, world.centre_b],
            title="Tur til Bregentved Have",
            category=Category.TRIP,
            runs_when_closed=True,
            schedule__weekdays="",
            schedule__start_time=dt.time(9, 30),
            schedule__end_time=dt.time(15),
            schedule__valid_from=EASTER_MONDAY,
        )
    return world


def events_by_day(html):
    """{day heading: [(the event's classes, its text)]} of a rendered calendar page."""
    days = {}
    for chunk in html.split('<li class="calendar-day')[1:]:
        found = re.search(r"(\w+dag \d+\. \w+)", chunk)
        if found is None:
            continue  # the month's padding before its first day
        days[found.group(1)] = [
            (classes, " ".join(re.sub(r"<[^>]+>", " ", body).split()))
            for classes, body in re.findall(
                r'<li class="calendar-event ([^"]*)">(.*?)</li>', chunk, re.S
            )
        ]
    return days


def calendar(client, view, day, **params):
    response = client.get(
        reverse("activities:calendar"), {"view": view, "date": day.isoformat(), **params}
    )
    assert response.status_code == 200
    return events_by_day(response.content.decode())


WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]
MONTHS = {12: "december", 1: "januar", 3: "marts", 4: "april"}


def heading(day):
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month]}"


def texts(events, kind):
    return [text for classes, text in events if f"calendar-{kind}" in classes.split()]


def cancelled(events, kind):
    return [
        text
        for classes, text in events
        if f"calendar-{kind}" in classes.split() and "calendar-cancelled" in classes.split()
    ]


@pytest.mark.parametrize("view", ["agenda", "week", "month"])
@pytest.mark.parametrize(("day", "name", "week_later"), FRIDAY_HOLIDAYS, ids=str)
def test_the_calendar_shows_the_closed_day_and_nothing_happening_there(
    reference, client_for, view, day, name, week_later
):
    with time_machine.travel(NOW, tick=False):
        client = client_for(reference.association)
        events = calendar(client, view, day)[heading(day)]
        closures = texts(events, "closure")
        assert len(closures) == 2 and all(text.startswith("Hele dagen Lukket") for text in closures)
        if view != "month":
            assert closures == [
                f"Hele dagen Lukket Værestedet 76F {name}",
                f"Hele dagen Lukket Værestedet Frederiksgade {name}",
            ]
        assert texts(events, "opening") == []
        assert "Overskudsmad" not in " ".join(text for _classes, text in events)
        assert cancelled(events, "outreach") == texts(events, "outreach")
        assert texts(events, "outreach")[0].startswith("10.00")
        assert "Kasper (Misbrugskonsulent)" in texts(events, "outreach")[0]
        if view != "month":
            assert f"Aflyst {name}" in texts(events, "outreach")[0]
        # A week later everything happens.
        later = calendar(client, view, week_later)[heading(week_later)]
        assert texts(later, "closure") == [] and len(texts(later, "opening")) == 1
        assert cancelled(later, "outreach") == [] and len(texts(later, "outreach")) == 1
        assert any("Overskudsmad" in text for text in texts(later, "activity"))


def test_easter_thursday_and_monday_are_closed_and_the_trip_still_goes(reference, client_for):
    with time_machine.travel(NOW, tick=False):
        client = client_for(reference.staff_a)
        week = calendar(client, "agenda", MAUNDY_THURSDAY)
        thursday = week[heading(MAUNDY_THURSDAY)]
        assert cancelled(thursday, "outreach") == texts(thursday, "outreach") != []
        assert "Skærtorsdag" in texts(thursday, "outreach")[0]
        monday = week[heading(EASTER_MONDAY)]
        assert texts(monday, "activity")[0].startswith("09.30\u201315.00 Tur til Bregentved Have")
        assert cancelled(monday, "activity") == []


def test_an_open_day_on_christmas_opens_the_centre_and_what_happens_there(reference, client_for):
    with time_machine.travel(NOW, tick=False):
        OpenDay.objects.create(centre=reference.centre_a, date=CHRISTMAS)
        client = client_for(reference.association)
        events = calendar(client, "agenda", CHRISTMAS)[heading(CHRISTMAS)]
        # Frederiksgade is still closed; 76F opens, with its hours and activities.
        assert texts(events, "closure") == ["Hele dagen Lukket Værestedet Frederiksgade Juledag"]
        assert len(texts(events, "opening")) == 1
        assert cancelled(events, "outreach") == [] and len(texts(events, "outreach")) == 1
        assert any("Overskudsmad" in text for text in texts(events, "activity"))
        assert cancelled(events, "activity") == []


def test_a_closure_added_after_the_calendar_was_kept_is_seen_on_the_next_view(
    reference, client_for
):
    friday = dt.date(2026, 12, 11)
    with time_machine.travel(NOW, tick=False):
        client = client_for(reference.staff_a)
        before = calendar(client, "agenda", friday)[heading(friday)]
        assert cancelled(before, "outreach") == [] and cancelled(before, "activity") == []
        closures = [
            ClosureFactory(centre=centre, starts=friday, ends=friday, reason="Vandskade")
            for centre in (reference.centre_a, reference.centre_b)
        ]
        after = calendar(client, "agenda", friday)[heading(friday)]
        assert "Vandskade" in cancelled(after, "outreach")[0]
        assert "Overskudsmad" in cancelled(after, "activity")[0]
        assert "Vandskade" in cancelled(after, "activity")[0]
        for closure in closures:
            closure.delete()
        again = calendar(client, "agenda", friday)[heading(friday)]
        assert again == before


def week_plan(client, centre, day):
    response = client.get(reverse("centres:week_plan", args=[centre.pk]), {"week": day.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    days = {}
    for chunk in html.split('<li class="week-day">')[1:]:
        title = re.search(r"<h2[^>]*>(.*?)</h2>", chunk, re.S).group(1).strip()
        days[title] = " ".join(re.sub(r"<[^>]+>", " ", chunk).split())
    return days


@pytest.mark.parametrize(("day", "name", "week_later"), FRIDAY_HOLIDAYS, ids=str)
def test_the_week_plan_says_closed_and_lists_nothing_for_the_day(
    reference, client_for, day, name, week_later
):
    with time_machine.travel(NOW, tick=False):
        client = client_for(reference.staff_a)
        closed = week_plan(client, reference.centre_a, day)[heading(day)]
        assert f"Lukket : {name}" in closed
        assert "Kasper" not in closed and "Overskudsmad" not in closed and "08:00" not in closed
        usual = week_plan(client, reference.centre_a, week_later)[heading(week_later)]
        assert "Kasper (Misbrugskonsulent)" in usual and "Overskudsmad" in usual
        assert "08:00\u201314:00" in usual


def test_the_week_plan_on_an_open_day_shows_the_day_as_usual(reference, client_for):
    with time_machine.travel(NOW, tick=False):
        OpenDay.objects.create(centre=reference.centre_a, date=CHRISTMAS)
        client = client_for(reference.staff_a)
        day = week_plan(client, reference.centre_a, CHRISTMAS)[heading(CHRISTMAS)]
        assert "Lukket" not in day
        assert "Kasper (Misbrugskonsulent)" in day and "Overskudsmad" in day


def feed(client, link):
    response = client.get(reverse("activities:calendar_feed", args=[link.token]))
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def on(events, day):
    """What is planned on `day`: the timed events (a closed day is a whole-day event)."""
    return [
        e
        for e in events
        if isinstance(e.decoded("DTSTART"), dt.datetime) and e.decoded("DTSTART").date() == day
    ]


def closed_on(events, day):
    return [str(e["DESCRIPTION"]) for e in events if e.decoded("DTSTART") == day]


def test_the_ical_feed_has_nothing_planned_on_holidays_and_cancels_what_a_closing_day_had(
    reference, client
):
    link = CalendarLinkFactory(organisation=reference.org_a, centre=reference.centre_a)
    with time_machine.travel(NOW, tick=False):
        events = feed(client, link)
        for day, name, week_later in FRIDAY_HOLIDAYS:
            assert on(events, day) == []
            assert closed_on(events, day) == [name]
            assert [str(e["STATUS"]) for e in on(events, week_later)] == ["CONFIRMED"]
        (trip,) = on(events, EASTER_MONDAY)
        assert str(trip["SUMMARY"]) == "Tur til Bregentved Have"
        assert str(trip["STATUS"]) == "CONFIRMED"

        # Christmas Day was opened, and phones took the food handout; the day closes
        # again, and they are told it is cancelled, by the same UID.
        open_day = OpenDay.objects.create(centre=reference.centre_a, date=CHRISTMAS)
        OpenDay.objects.create(centre=reference.centre_b, date=CHRISTMAS)
        (opened,) = on(feed(client, link), CHRISTMAS)
        assert str(opened["STATUS"]) == "CONFIRMED"
        open_day.delete()
        OpenDay.objects.filter(date=CHRISTMAS).delete()
        (closed,) = on(feed(client, link), CHRISTMAS)
        assert str(closed["UID"]) == str(opened["UID"])
        assert str(closed["STATUS"]) == "CANCELLED"
        assert str(closed["SUMMARY"]) == "Aflyst: Overskudsmad fra købmanden"
        assert str(closed["DESCRIPTION"]) == "Juledag"
        assert closed_on(feed(client, link), CHRISTMAS) == ["Juledag"]
