"""The task queue's shared rules: retries, and the schedule in Copenhagen's time.

Jobs live in the app's own PostgreSQL (procrastinate). Each app's tasks.py defines its
tasks; a worker (`manage.py procrastinate worker`) runs them and defers the periodic ones.
Several workers on several app servers may run: the database lets one job through per
periodic slot, and a job is handed to one worker at a time.
"""

import datetime
import itertools

import croniter
from asgiref.sync import sync_to_async
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from centres.models import JobFailure

# A job that fails is tried again after 3, 9, 27 ... seconds; the eighth try, some
# three hours after the first, is the last: then the job stays failed, with its error.
RETRY = RetryStrategy(max_attempts=8, exponential_wait=3)


def local_cron(minute, hour, day_of_month="*"):
    """A cron line for hour:minute in Copenhagen, winter and summer alike.

    procrastinate reads cron lines in UTC. Copenhagen is UTC+1 in winter and UTC+2 in
    summer, so the line fires at both UTC hours, and the task keeps the one that is
    `hour` here (`local_slot`). `hour` is 3 or later: the day is the same in UTC, and
    the hour is there every day (02:00-02:59 is not, the night summer time begins)."""
    if not 3 <= hour <= 23:
        raise ValueError("A local hour from 3 to 23 is there every day, and in UTC too.")
    line = f"{minute} {hour - 2},{hour - 1} {day_of_month} * *"
    LOCAL_HOURS[line] = hour
    return line


# The local hour of each cron line made by local_cron.
LOCAL_HOURS = {}


def slot_moment(timestamp):
    """The moment of a periodic slot (the timestamp procrastinate passes), local time."""
    return timezone.localtime(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))


def local_slot(timestamp, hour):
    """The slot's moment if it is `hour` o'clock in Copenhagen, else None (the other of
    the two UTC hours of `local_cron`)."""
    moment = slot_moment(timestamp)
    return moment if moment.hour == hour else None


async def remember_failures(call_next, context, worker):
    """A worker middleware: keep why a job failed (centres.JobFailure), as the queue
    keeps only that it did; forget it once the job succeeds."""
    job = context.job
    try:
        result = await call_next()
    except Exception as error:
        await sync_to_async(record_failure)(job, f"{type(error).__name__}: {error}")
        raise
    await sync_to_async(JobFailure.objects.filter(job_id=job.id).delete)()
    return result


def record_failure(job, error):
    JobFailure.objects.create(
        job_id=job.id,
        task_name=job.task_name,
        attempt=job.attempts + 1,
        at=timezone.now(),
        error=error[:1000],
    )


def periodic_at(hour, minute, day_of_month="*"):
    """Make `job(moment)` a periodic task run at hour:minute in Copenhagen (every day,
    or on `day_of_month`), retried on failure, never two of it waiting. `moment` is the
    slot's, in local time: the app's clock, not the database's.

        @periodic_at(7, 0)
        def send_digest_daily(moment): ...
    """

    def decorate(job):
        def run(timestamp):
            moment = local_slot(timestamp, hour)
            if moment is not None:
                job(moment)

        run.__module__, run.__name__, run.__qualname__ = job.__module__, job.__name__, job.__name__
        run.__doc__ = job.__doc__
        name = f"{job.__module__}.{job.__name__}"
        task = app.task(name=name, queueing_lock=name, retry=RETRY)(run)
        return app.periodic(cron=local_cron(minute, hour, day_of_month))(task)

    return decorate


def next_runs(cron, after, count):
    """The next `count` moments (local time) after `after` at which a periodic task of
    `cron` does its work: procrastinate's reading of the line, less the slots its task
    skips (local_slot)."""
    hour = LOCAL_HOURS.get(cron)
    slots = croniter.croniter(cron)
    slots.set_current(start_time=after.timestamp())
    moments = (slot_moment(round(slots.get_next(ret_type=float))) for _ in itertools.count())
    return list(itertools.islice((m for m in moments if hour in (None, m.hour)), count))


def on_app_ready(app):
    """PROCRASTINATE_ON_APP_READY: the app's own worker middleware."""
    app.worker_defaults["worker_middleware"] = [
        *app.worker_defaults.get("worker_middleware", []),
        remember_failures,
    ]
