"""Accounts the leader runs for their own organisation: invitations, changes of role,
centres and qualification, deactivation and the reset of a lost second step.

Every change is one transaction, recorded as an AccountChange. The organisation's row is
locked first, so two leaders demoting each other at once cannot leave it without one.
"""

import datetime
import hashlib
import logging
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from centres import mail
from centres.models import (
    CENTRE_BOUND_ROLES,
    AccountChange,
    AccountChangeKind,
    Invitation,
    Organisation,
    Role,
    User,
)

log = logging.getLogger(__name__)

INVITATION_VALID = datetime.timedelta(days=7)


class AccountRefused(Exception):
    """A change the rules do not allow; its message is for the leader's form."""


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def account_state(person):
    """What the record compares: role, centre names and qualification."""
    return {
        "role": person.role,
        "centres": sorted(centre.name for centre in person.centres.all()),
        "qualification": person.qualification,
    }


def _record(person, by, kind, changes=None):
    return AccountChange.objects.create(
        person=person, changed_by=by, kind=kind, changes=changes or {}
    )


def _lock_organisation(leader):
    Organisation.objects.select_for_update().get(pk=leader.organisation_id)


def _keep_a_leader(person):
    """Refuse a change that would leave the organisation without an active leader."""
    if person.role != Role.LEADER or not person.is_active:
        return
    others = (
        User.objects.filter(organisation_id=person.organisation_id, role=Role.LEADER)
        .filter(is_active=True)
        .exclude(pk=person.pk)
    )
    if not others.exists():
        raise AccountRefused(
            _("%(name)s is the organisation's only leader. Make someone else leader first.")
            % {"name": person}
        )


def invite(
    leader, *, first_name, last_name, username, email, role, centres, qualification, link_for
):
    """Make an account in the leader's organisation, without a password, and mail the
    person a link to choose one. `link_for(token)` gives the link's absolute address."""
    with transaction.atomic():
        person = User(
            organisation_id=leader.organisation_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            email=email,
            role=role,
            qualification=qualification,
            is_staff=False,
            is_superuser=False,
        )
        person.set_unusable_password()
        person.save()
        person.centres.set(centres if role in CENTRE_BOUND_ROLES else [])
        state = account_state(person)
        _record(
            person,
            leader,
            AccountChangeKind.INVITED,
            {field: [[] if field == "centres" else "", value] for field, value in state.items()},
        )
        send_invitation(person, leader, link_for)
    return person


def invite_again(leader, person, link_for):
    """Send a new link to a person who has not chosen a password yet; earlier links stop
    working."""
    if person.has_usable_password():
        raise AccountRefused(_("%(name)s has already chosen a password.") % {"name": person})
    if not person.is_active:
        raise AccountRefused(_("Reactivate %(name)s first.") % {"name": person})
    with transaction.atomic():
        _record(person, leader, AccountChangeKind.INVITED_AGAIN)
        send_invitation(person, leader, link_for)


def send_invitation(person, invited_by, link_for):
    """Make a new invitation for `person` (ending any earlier one) and mail its link.

    The mail is deferred in the transaction that records the invitation (centres.mail):
    it goes when that commits. Its link is only known here, so it is in the job's
    arguments until the worker has sent it (a job that succeeded is deleted)."""
    now = timezone.now()
    person.invitations.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        person=person,
        token_hash=hash_token(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_VALID,
    )
    context = {
        "person": person,
        "invited_by": invited_by,
        "organisation": invited_by.organisation,
        "link": link_for(token),
        "expires_at": invitation.expires_at,
    }
    # The invitee has chosen no language yet: the mail is in the interface's first one.
    subject, body = mail.render("centres/email/invitation", context, settings.LANGUAGE_CODE)
    mail.send_later([person.email], subject, body)
    return invitation


def usable_invitation(token):
    """The invitation `token` opens, or None: unknown, tampered, used and expired links
    are all alike."""
    if not isinstance(token, str) or not 16 <= len(token) <= 100:
        return None
    invitation = (
        Invitation.objects.usable()
        .select_related("person")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.person.is_active:
        return None
    return invitation


def accept_invitation(invitation, form):
    """Save the password chosen on the invitation's SetPasswordForm and use the
    invitation up; False if it was used meanwhile (the same link sent twice at once)."""
    with transaction.atomic():
        locked = Invitation.objects.usable().select_for_update().filter(pk=invitation.pk)
        if not locked.exists():
            return False
        person = form.save()
        Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
        _record(person, person, AccountChangeKind.SIGNED_UP)
    return True


def change_account(leader, person, *, role, centres, qualification):
    """Change a person's role, centres and qualification; return the AccountChange, or
    None if nothing changed."""
    with transaction.atomic():
        _lock_organisation(leader)
        person = User.objects.get(pk=person.pk)
        before = account_state(person)
        if role != Role.LEADER:
            _keep_a_leader(person)
        person.role = role
        person.qualification = qualification
        person.save(update_fields=["role", "qualification"])
        person.centres.set(centres if role in CENTRE_BOUND_ROLES else [])
        after = account_state(person)
        changes = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
        if not changes:
            return None
        return _record(person, leader, AccountChangeKind.CHANGED, changes)


def deactivate(leader, person):
    """Stop a person signing in; their sessions end at once."""
    if person.pk == leader.pk:
        raise AccountRefused(_("You cannot deactivate yourself."))
    with transaction.atomic():
        _lock_organisation(leader)
        person = User.objects.get(pk=person.pk)
        if not person.is_active:
            return
        _keep_a_leader(person)
        person.is_active = False
        person.save(update_fields=["is_active"])
        end_sessions(person)
        _record(person, leader, AccountChangeKind.DEACTIVATED)


def reactivate(leader, person):
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return
        person.is_active = True
        person.save(update_fields=["is_active"])
        _record(person, leader, AccountChangeKind.REACTIVATED)


def has_second_step(person):
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def reset_second_step(leader, person):
    """Remove a person's authenticator app and backup codes and end their sessions: one
    who must use two-factor sign-in sets up a new app at the next sign-in."""
    if person.pk == leader.pk:
        raise AccountRefused(
            _("Change your own app under Two-factor sign-in, in the menu with your name.")
        )
    with transaction.atomic():
        removed, _counts = TOTPDevice.objects.filter(user=person).delete()
        removed += StaticDevice.objects.filter(user=person).delete()[0]
        if not removed:
            raise AccountRefused(_("%(name)s has no two-factor sign-in.") % {"name": person})
        end_sessions(person)
        _record(person, leader, AccountChangeKind.SECOND_STEP_RESET)


def end_sessions(person):
    """Delete every live session of `person`; return how many.

    The session table keeps the user only inside its encoded data, so the live sessions
    (those renewed within SESSION_COOKIE_AGE) are read: a few hundred at most."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    user_id = str(person.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    ended = [
        session.pk
        for session in live.only("session_key", "session_data").iterator(chunk_size=500)
        if str(store.decode(session.session_data).get(SESSION_KEY)) == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
