"""The incident reports' jobs on the task queue (centres.queue)."""

from centres.queue import periodic_at
from incidents.retention import pseudonymise_due


@periodic_at(4, 30, day_of_month="1")
def pseudonymise_incidents_monthly(moment):
    """Pseudonymise the closed reports past INCIDENT_RETENTION_DAYS at the slot."""
    pseudonymise_due(now=moment)
