"""Pseudonymising closed incident reports once they are no longer needed in full."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.models import FollowUpItem, Incident, Status

# Closed reports are kept in full this long, then pseudonymised; a setting may override.
DEFAULT_RETENTION_DAYS = 5 * 365

# What is removed: the people and the descriptions. Centre, time, kinds, severity,
# context, affected role, actions and dates stay for the statistics.
SCRUBBED = {
    "involved_aliases": [],
    "alias_keys": [],
    "summary": "-",
    "what_happened": "",
    "preceded": "",
    "escalated": "",
    "calmed": "",
    "injury_description": "",
    "affected_user": None,
    "work_injury_reference": "",
    "police_reference": "",
}


def retention_days():
    return getattr(settings, "INCIDENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def due_for_pseudonymising(days=None, now=None):
    """Closed reports closed more than `days` ago and not yet pseudonymised."""
    days = retention_days() if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return Incident.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, pseudonymised_at__isnull=True
    )


def pseudonymise(incidents):
    """Scrub the reports, their follow-up items and every stored version of them (the
    history would otherwise keep what was removed). Returns the number of reports."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(incidents.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Incident.objects.filter(pk__in=ids).update(**SCRUBBED, pseudonymised_at=now)
        Incident.history.filter(id__in=ids).update(**SCRUBBED)
        FollowUpItem.objects.filter(incident_id__in=ids).update(description="")
        FollowUpItem.history.filter(incident_id__in=ids).update(description="")
    return len(ids)


def pseudonymise_due(now=None):
    """Pseudonymise the closed reports past the retention period at `now`; returns how
    many."""
    return pseudonymise(due_for_pseudonymising(now=now))
