"""The week plan: hours, closures, holidays, and entries other apps add."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from centres import openings, signals
from centres.models import OpeningKind
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, UserRunOpeningFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
EASTER_WEEK = datetime.date(2026, 3, 30)


def test_week_plan_shows_hours_holidays_and_closures(world, client_for):
    for weekday in range(5):
        OpeningHoursFactory(centre=world.centre_a, weekday=weekday)
    OpeningHoursFactory(
        centre=world.centre_a,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
    )
    ClosureFactory(
        centre=world.centre_a, starts=EASTER_WEEK, ends=EASTER_WEEK, reason="Personaledag"
    )
    html = (
        client_for(world.association)
        .get(reverse("centres:week_plan", args=[world.centre_a.pk]) + "?week=2026-04-01")
        .content.decode()
    )
    assert "uge 14" in html
    assert "Personaledag" in html and "Skærtorsdag" in html and "Langfredag" in html
    assert "Chance for åbent" in html
    assert "Timer denne uge: 16 bemandet, 0 brugeråbent, 4 chance for åbent." in html
    assert "week_plan_print.css" in html
    assert "centres/print" in html and "data-print>Udskriv</button>" in html


def test_a_nonsense_week_falls_back_to_this_week(world, client_for):
    url = reverse("centres:week_plan", args=[world.centre_a.pk])
    assert client_for(world.staff_a).get(url + "?week=2026-02-31").status_code == 200


def test_other_apps_add_entries_without_centres_importing_them(world):
    def activities(sender, centre, start, end, **kwargs):
        return [
            (
                start + datetime.timedelta(hours=33),
                start + datetime.timedelta(hours=35),
                "NADA",
                "activity",
            )
        ]

    signals.week_plan_entries.connect(activities)
    try:
        days, _hours = openings.week_plan(
            world.centre_a,
            datetime.date(2026, 11, 23),
            extra_entries=[
                (
                    datetime.datetime(2026, 11, 25, 10, tzinfo=CPH),
                    datetime.datetime(2026, 11, 25, 12, tzinfo=CPH),
                    "Jobcenter",
                    "outreach",
                )
            ],
        )
    finally:
        signals.week_plan_entries.disconnect(activities)
    labels = {day: [e.label for e in entries] for day, _closed, entries in days}
    assert labels[datetime.date(2026, 11, 24)] == ["NADA"]
    assert labels[datetime.date(2026, 11, 25)] == ["Jobcenter"]


def test_week_plan_takes_constant_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    url = reverse("centres:week_plan", args=[world.centre_a.pk]) + "?week=2026-11-23"
    for weekday in range(7):
        OpeningHoursFactory(centre=world.centre_a, weekday=weekday, kind=OpeningKind.MAYBE)
        OpeningHoursFactory(
            centre=world.centre_a, weekday=weekday, starts=datetime.time(17), ends=datetime.time(20)
        )
    for day in range(23, 30):
        UserRunOpeningFactory(
            centre=world.centre_a,
            starts=datetime.datetime(2026, 11, day, 8, tzinfo=CPH),
            ends=datetime.datetime(2026, 11, day, 16, tzinfo=CPH),
            key_holder__organisation=world.org_a,
        )
        ClosureFactory(
            centre=world.centre_a,
            starts=datetime.date(2026, 11, day),
            ends=datetime.date(2026, 11, day),
        )
    # 12 for centres' own entries, plus one for each app that adds its entries to the
    # plan (activities and advice); none of them grows with the rows.
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert html.count("planlagt") == 7


def test_odd_query_strings_never_fail(world, client_for):
    client = client_for(world.staff_a)
    for name in ("week_plan", "shifts"):
        url = reverse(f"centres:{name}", args=[world.centre_a.pk])
        for week in ("9999-12-31", "0001-01-01", "x", "2026-W48"):
            assert client.get(url, {"week": week}).status_code == 200
    url = reverse("centres:user_run_add", args=[world.centre_a.pk])
    for value in ("0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "2026-11-28T10:00", "nope"):
        assert client.get(url, {"starts": value, "ends": value}).status_code == 200
