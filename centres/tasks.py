"""The base app's jobs on the task queue (centres.queue): purges, stalled jobs, mail."""

from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app

from centres.access import purge_access_log

# Mail is sent by these tasks (centres.mail); imported so that every worker knows them.
from centres.mail import deliver, deliver_password_reset  # noqa: F401
from centres.models import SubmissionToken, TallyEvent
from centres.queue import RETRY, periodic_at, slot_moment
from centres.stats import keep_opening_months


@periodic_at(3, 45)
def purge_access_log_daily(moment):
    """Delete access-log rows past ACCESS_LOG_RETENTION_DAYS at the slot."""
    purge_access_log(moment)


@periodic_at(4, 0)
def purge_tally_events_daily(moment):
    """Delete the ids of counter taps settled more than a week before the slot."""
    TallyEvent.objects.purge(moment)


@periodic_at(4, 15)
def keep_opening_months_nightly(moment):
    """Keep in the opening-hours summary the month that has just ended (and any month
    it lacks before that): every night, so a night without a worker is made up."""
    keep_opening_months(moment.date())


@app.periodic(cron="5 * * * *")
@app.task(queueing_lock="purge_submission_tokens", retry=RETRY)
def purge_submission_tokens_hourly(timestamp):
    """Delete the one-time form tokens older than a day at the slot."""
    SubmissionToken.objects.purge(slot_moment(timestamp))


@app.periodic(cron="* * * * *")
@app.task(queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp):
    """Run again the jobs of a worker that died mid-job (killed, its server gone)."""
    await retry_stalled(context.app.job_manager)


async def retry_stalled(job_manager):
    """Put back in the queue the jobs of workers without a heartbeat for
    QUEUE_STALLED_SECONDS; returns their ids."""
    stalled = await job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.QUEUE_STALLED_SECONDS
    )
    for job in stalled:
        await job_manager.retry_job(job, retry_at=timezone.now())
    return [job.id for job in stalled]
