"""The calendar shows the visible centres' openings and closed days next to activities and
meetings, filterable by kind, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import calendar
from activities.models import Meeting, Occurrence
from activities.recurrence import COPENHAGEN
from centres.models import OpeningKind
from tests.activities.factories import ActivityFactory, CalendarLinkFactory, MeetingFactory
from tests.centres.factories import ClosureFactory, OpeningHoursFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 7, tzinfo=COPENHAGEN)


def plan(world):
    OpeningHoursFactory(centre=world.centre_a, weekday=1, kind=OpeningKind.STAFFED)
    OpeningHoursFactory(
        centre=world.centre_b,
        weekday=2,
        starts=dt.time(17),
        ends=dt.time(21),
        kind=OpeningKind.USER_RUN,
        label="Aftenåbent",
    )
    ClosureFactory(centre=world.centre_a, starts=MONDAY, ends=MONDAY, reason="Personaledag")
    ClosureFactory(centre=world.centre_z, starts=MONDAY, ends=MONDAY, reason="Andet sted")


def week_events(world, **kwargs):
    return calendar.events(
        occurrences=Occurrence.objects.all(),
        meetings=Meeting.objects.filter(organisation=world.org_a),
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=7),
        open_centres=[world.centre_a, world.centre_b],
        **kwargs,
    )


@time_machine.travel(NOW, tick=False)
def test_openings_and_closures_of_the_visible_centres_are_events(world):
    plan(world)
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    events = week_events(world)
    openings = [e for e in events if e.kind == "opening"]
    closures = [e for e in events if e.kind == "closure"]
    assert [(e.centres, e.title, e.note) for e in openings] == [
        ([world.centre_a.name], "Åben", "Bemandet"),
        ([world.centre_b.name], "Aftenåbent", "Brugeråbent"),
    ]
    assert openings[0].start == dt.datetime(2026, 3, 3, 8, tzinfo=COPENHAGEN)
    assert [(e.centres, e.note, e.all_day) for e in closures] == [
        ([world.centre_a.name], "Personaledag", True)
    ]
    assert {e.kind for e in events} == {"opening", "closure", "activity"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", ["opening", "closure"])
def test_the_kind_filter_shows_only_openings_or_closures(world, kind):
    plan(world)
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    assert {e.kind for e in week_events(world, kind=kind)} == {kind}
    assert {e.kind for e in week_events(world, kind="walking")} == {"activity"}


@time_machine.travel(NOW, tick=False)
def test_the_centre_filter_limits_openings_and_closures(world):
    plan(world)
    events = week_events(world, centre=world.centre_b)
    assert {tuple(e.centres) for e in events} == {(world.centre_b.name,)}


@time_machine.travel(NOW, tick=False)
def test_the_ical_feed_holds_its_centres_closed_days_but_no_openings(world, client):
    # A phone needs to know the centre is closed, not every opening of every week.
    plan(world)
    link = CalendarLinkFactory(organisation=world.org_a, centre=world.centre_a)
    response = client.get(reverse("activities:calendar_feed", args=[link.token]))
    assert b"Personaledag" in response.content
    assert b"Andet sted" not in response.content
    assert b"Bemandet" not in response.content and "Aftenåbent".encode() not in response.content


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("persona", ["staff_a", "association", "outreach"])
def test_the_calendar_page_shows_openings_and_closures(world, client_for, persona):
    plan(world)
    response = client_for(getattr(world, persona)).get(
        reverse("activities:calendar"), {"view": "week", "date": "2026-03-02"}
    )
    page = response.content.decode()
    assert "Personaledag" in page and "Bemandet" in page
    assert "Andet sted" not in page  # another organisation's centre
    closures_only = client_for(getattr(world, persona)).get(
        reverse("activities:calendar"), {"view": "week", "date": "2026-03-02", "kind": "closure"}
    )
    assert "Bemandet" not in closures_only.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_shared_link_shows_its_centres_openings(world, client):
    plan(world)
    link = CalendarLinkFactory(organisation=world.org_a, centre=world.centre_b)
    page = client.get(
        reverse("activities:shared_calendar", args=[link.token]),
        {"view": "week", "date": "2026-03-02"},
    ).content.decode()
    assert "Aftenåbent" in page and "Personaledag" not in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_the_calendar_query_count_is_constant_as_openings_grow(world, client_for, view):
    client = client_for(world.staff_a)
    url = reverse("activities:calendar")
    params = {"view": view, "date": "2026-03-02"}

    def add_rows(n):
        OpeningHoursFactory(centre=world.centre_a, weekday=n % 7, starts=dt.time(8 + n))
        OpeningHoursFactory(centre=world.centre_b, weekday=(n + 3) % 7, kind=OpeningKind.MAYBE)
        day = MONDAY + dt.timedelta(days=n)
        ClosureFactory(centre=world.centre_b, starts=day, ends=day, reason=f"Lukket {n}")
        ActivityFactory(organisation=world.org_a, centres=[world.centre_a, world.centre_b])
        MeetingFactory(organisation=world.org_a, centre=world.centre_a)

    add_rows(0)
    client.get(url, params)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url, params).status_code == 200
    for n in range(1, 6):
        add_rows(n)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url, params)
    assert response.content.decode().count("calendar-opening") > 5
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]
