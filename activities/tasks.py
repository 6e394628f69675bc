"""The activities' jobs on the task queue (centres.queue)."""

from procrastinate.contrib.django import app

from activities.services import extend_occurrences
from centres.queue import RETRY, local_cron, local_slot

# Nightly at 03:15, Copenhagen time.
EXTEND_HOUR = 3


@app.periodic(cron=local_cron(15, EXTEND_HOUR))
@app.task(queueing_lock="extend_occurrences", retry=RETRY)
def extend_occurrences_nightly(timestamp):
    """Keep every weekly activity planned 26 weeks ahead, from the slot's day."""
    moment = local_slot(timestamp, EXTEND_HOUR)
    if moment is not None:
        extend_occurrences(today=moment.date())
