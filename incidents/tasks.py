"""The incident reports' jobs on the task queue (centres.queue)."""

from procrastinate.contrib.django import app

from centres.queue import RETRY, local_cron, local_slot
from incidents.retention import pseudonymise_due

# Monthly, on the 1st at 04:30, Copenhagen time.
PSEUDONYMISE_HOUR = 4


@app.periodic(cron=local_cron(30, PSEUDONYMISE_HOUR, day_of_month="1"))
@app.task(queueing_lock="pseudonymise_incidents", retry=RETRY)
def pseudonymise_incidents_monthly(timestamp):
    """Pseudonymise the closed reports past INCIDENT_RETENTION_DAYS at the slot."""
    moment = local_slot(timestamp, PSEUDONYMISE_HOUR)
    if moment is not None:
        pseudonymise_due(now=moment)
