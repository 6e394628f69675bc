"""Writes that span several rows or must turn a database refusal into a form error."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import BAN_NO_OVERLAP, Status, normalise_alias


def _save_one_alias_at_a_time(form):
    """Save the form while holding a lock on its alias in its organisation.

    Two bans for one alias saved at once would each check the exclusion constraint
    against the other's uncommitted row and deadlock. Under the lock the second waits
    for the first to commit, then meets its row: a plain refusal, every time."""
    ban = form.instance
    key = f"ban|{ban.organisation_id}|{normalise_alias(' '.join(ban.alias.split()))}"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
        return form.save()


def ban_create(*, form):
    """Save a valid BanForm (a new ban or a change); return the ban, or None with a form
    error when the database refuses it because a ban for the same alias and scope
    overlaps the period."""
    try:
        return _save_one_alias_at_a_time(form)
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
