"""The one definition of a week's start and of Danish public holidays."""

import datetime as dt
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from centres.calendar_days import danish_holidays, is_holiday, week_start


@given(st.dates())
def test_week_start_is_the_monday_on_or_before_the_day(day):
    monday = week_start(day)
    assert monday.weekday() == 0
    assert monday <= day
    assert (day - monday).days <= 6


@given(st.dates(max_value=dt.date(9999, 12, 1)))
def test_every_day_of_a_week_has_the_same_start(day):
    assert week_start(week_start(day) + dt.timedelta(days=6)) == week_start(day)


def test_store_bededag_is_a_holiday_until_2023_only():
    """The fourth Friday after Easter was abolished as a public holiday from 2024."""
    assert danish_holidays(dt.date(2023, 5, 5), dt.date(2023, 5, 5)) == {
        dt.date(2023, 5, 5): "Store bededag"
    }
    assert is_holiday(dt.date(2023, 5, 5))
    assert not is_holiday(dt.date(2024, 4, 26))
    assert not is_holiday(dt.date(2025, 5, 16))
    names = danish_holidays(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).values()
    assert "Store bededag" not in names


def test_holidays_of_a_year_across_new_year():
    days = danish_holidays(dt.date(2026, 12, 20), dt.date(2027, 4, 1))
    assert days == {
        dt.date(2026, 12, 25): "Juledag",
        dt.date(2026, 12, 26): "Anden juledag",
        dt.date(2027, 1, 1): "Nytårsdag",
        dt.date(2027, 3, 25): "Skærtorsdag",
        dt.date(2027, 3, 26): "Langfredag",
        dt.date(2027, 3, 28): "Påskedag",
        dt.date(2027, 3, 29): "Anden påskedag",
    }
    assert not is_holiday(dt.date(2026, 12, 24))


# Still its own Monday: to use week_start with the next change to the report pack.
OTHER_MONDAYS_ALLOWED = {"config/dashboard/pack.py"}


def test_no_other_module_works_out_a_monday_or_the_holidays():
    root = Path(__file__).resolve().parents[2]
    monday = re.compile(r"timedelta\(days=[\w.]+\.weekday\(\)\)")
    holidays = re.compile(
        r"^\s*import holidays|country_holidays|def (week_start|danish_holidays)\b", re.M
    )
    found = set()
    for package in ("centres", "activities", "advice", "incidents", "config"):
        for path in (root / package).rglob("*.py"):
            name = path.relative_to(root).as_posix()
            if name == "centres/calendar_days.py":
                continue
            text = path.read_text()
            if monday.search(text) and name not in OTHER_MONDAYS_ALLOWED:
                found.add(name)
            if holidays.search(text):
                found.add(name)
    assert found == set()
