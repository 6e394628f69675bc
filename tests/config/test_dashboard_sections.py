"""The dashboard's sections are made from figures alone: no database, no callbacks."""

import datetime

import pytest
from django.utils import translation

from centres.models import OpeningKind
from config.dashboard.figures import sections
from config.dashboard.periods import Period, PeriodKind
from incidents.models import Kind, Severity

# March 2026 (31 days) beside March 2025; a week is seven days of it.
MARCH = Period(PeriodKind.MONTH, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
MARCH_BEFORE = MARCH.year_earlier()


def figures(*, visits, staffed_hours, user_run_hours, incidents, contacts, no_show_rate=None):
    return {
        "visits": {
            "visits": visits,
            "staffed": visits - 10,
            "user_run": 10,
            "new_visits": 3,
        },
        "census": {"weekly": 12, "monthly": 7, "occasional": 4, "total": 23},
        "hours": {
            OpeningKind.STAFFED: staffed_hours,
            OpeningKind.USER_RUN: user_run_hours,
            OpeningKind.MAYBE: 0,
        },
        "understaffed": 2,
        "activities": {"held": 9, "cancelled": 1, "average_attendance": 6.25},
        "incidents": {
            "total": incidents,
            "kind": dict.fromkeys(Kind.values, 0) | {Kind.THREAT: incidents},
            "severity": dict.fromkeys(Severity.values, 0) | {Severity.MINOR: incidents},
        },
        "contacts": contacts,
        "no_show_rate": no_show_rate,
        "rate": round(1000 * incidents / visits, 1) if visits else None,
        "advice": None,
    }


CURRENT = figures(
    visits=310, staffed_hours=62, user_run_hours=0, incidents=2, contacts=40, no_show_rate=12.5
)
EARLIER = figures(visits=155, staffed_hours=31, user_run_hours=31, incidents=0, contacts=40)
STATE = {
    "open_follow_ups": 4,
    "overdue_follow_ups": 1,
    "work_injuries_due": 0,
    "active_bans": 2,
    "risk_assessments_overdue": 1,
}
KEYS = {"fobs_out": 3, "holders_without_briefing": 1}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def made():
    return sections(CURRENT, EARLIER, STATE | KEYS, MARCH, MARCH_BEFORE)


def shown(section):
    return {str(figure.label): figure.texts for figure in section.figures}


def section(key):
    return next(s for s in made()["sections"] if s.key == key)


def test_the_sections_come_in_the_pages_order():
    assert [s.key for s in made()["sections"]] == [
        "visits",
        "census",
        "hours",
        "activities",
        "advice",
        "incidents",
    ]
    assert made()["now_section"].key == "now"


def test_visits_are_compared_and_divided_by_the_days_and_weeks_of_each_period():
    visits = shown(section("visits"))
    assert visits["Visits"] == ("310", "155", "+155")
    assert visits["Visits per day"] == ("10.0", "5.0", "+5.0")
    assert visits["Visits per week"] == ("70.0", "35.0", "+35.0")
    # 310 visits in 62 opening hours; 155 in 31 staffed and 31 user-run a year earlier.
    assert visits["Visits per opening hour"] == ("5.0", "2.5", "+2.5")


def test_opening_hours_are_per_week():
    hours = shown(section("hours"))
    assert hours["Staffed"] == ("14.0", "7.0", "+7.0")
    assert hours["User-run"] == ("0.0", "7.0", "-7.0")
    assert hours["Staffed openings with fewer than two staff"] == ("2", "2", "0")


def test_a_missing_figure_shows_a_dash_and_no_change():
    advice = shown(section("advice"))
    assert advice["Advice contacts"] == ("40", "40", "0")
    assert advice["No-shows at outreach meetings (%)"] == ("12.5", "\u2013", "\u2013")
    incidents = shown(section("incidents"))
    assert incidents["Incidents per 1,000 visits"] == ("6.5", "0.0", "+6.5")
    assert incidents["Threat"] == ("2", "0", "+2")


def test_activities_round_the_average_attendance():
    assert shown(section("activities"))["Average attendance"] == ("6.2", "6.2", "0.0")


def test_right_now_is_not_compared():
    now = made()["now_section"]
    assert all(figure.change is None for figure in now.figures)
    assert shown(now)["Bans in force"] == ("2", "\u2013", "\u2013")
    assert shown(now)["Key fobs lent out"] == ("3", "\u2013", "\u2013")


def test_no_database_is_needed():
    # Without the django_db mark any query would fail the test.
    assert len(made()["sections"][0].figures) == 7
