"""The calendar's plain facts, defined once: where a week starts and which days are Danish
public holidays.

Nothing here reads the database or the clock, and only the standard library and the
`holidays` package are imported, so pure modules (activities.recurrence) can use it too.
"""

import datetime
import functools

import holidays


def week_start(day):
    """The Monday of `day`'s week (weeks run Monday to Sunday, as in Denmark)."""
    return day - datetime.timedelta(days=day.weekday())


@functools.cache
def _holidays_of_year(year):
    # The `holidays` package knows the rules' history, e.g. Store bededag (the fourth
    # Friday after Easter) was abolished from 2024 and is a holiday only until 2023.
    return tuple(holidays.country_holidays("DK", years=year).items())


def uid_stamp(moment):
    """`moment` as a calendar's UIDs write it: 20261203T093000Z for a datetime (its own
    fields: a UTC one), 20261203 for a date. What strftime("%Y%m%dT%H%M%SZ") and
    strftime("%Y%m%d") give, at a third of the cost: a month's calendar stamps a thousand."""
    if isinstance(moment, datetime.datetime):
        fields = (moment.year, moment.month, moment.day, moment.hour, moment.minute)
        return "%04d%02d%02dT%02d%02d%02dZ" % (*fields, moment.second)  # noqa: UP031
    return "%04d%02d%02d" % (moment.year, moment.month, moment.day)  # noqa: UP031


def danish_holidays(first, last):
    """Return {date: name} of Danish public holidays from `first` to `last` (inclusive)."""
    return {
        day: name
        for year in range(first.year, last.year + 1)
        for day, name in _holidays_of_year(year)
        if first <= day <= last
    }


def is_holiday(day):
    """True if `day` is a Danish public holiday."""
    return bool(danish_holidays(day, day))
