"""The cross-app jobs on the task queue (centres.queue)."""

from centres.queue import periodic_at
from config.digest import send_digests


@periodic_at(7, 0)
def send_digest_daily(moment):
    """Each person's to-do e-mail, when something on it is new or has become due; a
    second run the same day sends nothing."""
    send_digests(moment)
