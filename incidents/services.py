"""Writes that span several rows or must turn a database refusal into a form error."""

import psycopg
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import BAN_NO_OVERLAP, Status

# Concurrent inserts checked by the bans' exclusion constraint can deadlock; PostgreSQL
# then rolls one transaction back, which is safe to run again from the start.
DEADLOCK_RETRIES = 3


def _save_retrying_deadlocks(form):
    adding = form.instance._state.adding
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                return form.save()
        except OperationalError as error:
            deadlock = isinstance(error.__cause__, psycopg.errors.DeadlockDetected)
            in_outer_transaction = transaction.get_connection().in_atomic_block
            if not deadlock or in_outer_transaction or attempt == DEADLOCK_RETRIES:
                raise
            if adding:
                form.instance.pk = None
                form.instance._state.adding = True
    raise AssertionError("unreachable")


def ban_create(*, form):
    """Save a valid BanForm (a new ban or a change); return the ban, or None with a form
    error when the database refuses it because a ban for the same alias and scope
    overlaps the period."""
    try:
        return _save_retrying_deadlocks(form)
    except IntegrityError as error:
        if BAN_NO_OVERLAP not in str(error):
            raise
        if form.instance._state.adding:
            form.instance.pk = None
        form.add_error(
            None,
            _(
                "%(alias)s already has a ban with the same scope in this period. "
                "Change the dates or the existing ban."
            )
            % {"alias": form.cleaned_data["alias"]},
        )
        return None


class TransitionRefused(Exception):
    pass


def incident_advance(*, incident):
    """Move the report one step: reported → reviewed → follow-up done → closed."""
    with transaction.atomic():
        incident = type(incident).objects.select_for_update().get(pk=incident.pk)
        target = incident.next_status
        if target is None:
            raise TransitionRefused(_("The report is already closed."))
        if target == Status.FOLLOW_UP_DONE and incident.follow_ups.open().exists():
            raise TransitionRefused(_("Mark every follow-up item done first."))
        now = timezone.now()
        incident.status = target
        if target == Status.REVIEWED:
            incident.reviewed_at = now
        if target == Status.CLOSED:
            incident.closed_at = now
        incident.save()
        return incident


def procedure_publish(*, form):
    """Save a new procedure version; two leaders publishing at once get a form error
    instead of a clash of version numbers."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.instance.pk = None
        form.add_error(None, _("Someone published a version at the same time. Try again."))
        return None
