"""Weekly recurrence expanded in Copenhagen wall-clock time.

The rule is expanded on naive local datetimes and only then given the time zone, so a
walk at 10:00 stays at 10:00 on both sides of a daylight-saving change. Closed days are
passed in (the centres' closures and public holidays, centres.openings.closed_days), so
this module imports nothing but the standard library, dateutil and
centres.calendar_days (itself free of Django).
"""

from collections.abc import Callable, Container
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

from centres.calendar_days import week_start

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Enough to find N sessions of a course even if every other week were closed.
MAX_SEARCH_YEARS = 5


def expand_weekly(
    *,
    weekdays: list[int],
    start_time: time,
    end_time: time,
    valid_from: date,
    valid_until: date | None = None,
    interval: int = 1,
    count: int | None = None,
    horizon: date,
    closed: Container[date] | Callable[[date], bool] = frozenset(),
) -> list[tuple[datetime, datetime]]:
    """Return (start, end) aware datetimes of a weekly rule up to `horizon`.

    `weekdays` are 0 = Monday .. 6 = Sunday; every `interval` weeks counted from the week
    of `valid_from`; `count` caps the sessions that are held, so a closed day does not
    use up one of a course's sessions; `closed` days are skipped.
    """
    is_closed = closed if callable(closed) else closed.__contains__
    last = valid_until or valid_from + timedelta(days=366 * MAX_SEARCH_YEARS)
    if count is None:
        last = min(last, horizon)
    # rrule counts intervals from dtstart's week: start on that week's Monday so that
    # "every second week" means the same weeks whatever weekday valid_from is.
    first_monday = week_start(valid_from)
    slots = rrule(
        WEEKLY,
        interval=interval,
        byweekday=sorted(set(weekdays)),
        dtstart=datetime.combine(first_monday, start_time),
        until=datetime.combine(last, time(23, 59)),
        wkst=0,
    )
    duration = datetime.combine(date.min, end_time) - datetime.combine(date.min, start_time)
    result = []
    for slot in slots:
        day = slot.date()
        if day < valid_from:
            continue
        if count is not None and len(result) >= count:
            break
        if is_closed(day):
            continue
        if day > horizon:
            if count is None:
                break
            result.append(None)  # counted towards the course, not materialised yet
            continue
        start = slot.replace(tzinfo=COPENHAGEN)
        end = (slot + duration).replace(tzinfo=COPENHAGEN)
        result.append((start, end))
    return [pair for pair in result if pair is not None]


def one_off(day: date, start_time: time, end_time: time) -> tuple[datetime, datetime]:
    """The (start, end) of a single event on `day` in Copenhagen time."""
    return (
        datetime.combine(day, start_time, tzinfo=COPENHAGEN),
        datetime.combine(day, end_time, tzinfo=COPENHAGEN),
    )
