"""The activities' jobs on the task queue (centres.queue)."""

from activities.services import extend_occurrences
from centres.queue import periodic_at


@periodic_at(3, 15)
def extend_occurrences_nightly(moment):
    """Keep every weekly activity planned 26 weeks ahead, from the slot's day."""
    extend_occurrences(today=moment.date())
