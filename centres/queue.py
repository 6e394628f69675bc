"""The task queue's shared rules: retries, and the schedule in Copenhagen's time.

Jobs live in the app's own PostgreSQL (procrastinate). Each app's tasks.py defines its
tasks; a worker (`manage.py procrastinate worker`) runs them and defers the periodic ones.
Several workers on several app servers may run: the database lets one job through per
periodic slot, and a job is handed to one worker at a time.
"""

import datetime

from django.utils import timezone
from procrastinate import RetryStrategy

# A job that fails is tried again after 3, 9, 27 ... seconds; the eighth try, some
# three hours after the first, is the last: then the job stays failed, with its error.
RETRY = RetryStrategy(max_attempts=8, exponential_wait=3)


def local_cron(minute, hour, day_of_month="*"):
    """A cron line for hour:minute in Copenhagen, winter and summer alike.

    procrastinate reads cron lines in UTC. Copenhagen is UTC+1 in winter and UTC+2 in
    summer, so the line fires at both UTC hours, and the task keeps the one that is
    `hour` here (`local_slot`). `hour` is 2 or later, so the day is the same in UTC."""
    if not 2 <= hour <= 23:
        raise ValueError("A local hour from 2 to 23 keeps the day the same in UTC.")
    return f"{minute} {hour - 2},{hour - 1} {day_of_month} * *"


def slot_moment(timestamp):
    """The moment of a periodic slot (the timestamp procrastinate passes), local time."""
    return timezone.localtime(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))


def local_slot(timestamp, hour):
    """The slot's moment if it is `hour` o'clock in Copenhagen, else None (the other of
    the two UTC hours of `local_cron`)."""
    moment = slot_moment(timestamp)
    return moment if moment.hour == hour else None
