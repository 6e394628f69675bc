"""The one way every view decides who may see what.

Scope first, then role: an object outside the user's organisation or centres is a 404
(it might as well not exist); a role that may not use a page gets a 403.
"""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from centres.models import AccessAction, AccessLogEntry, AccessSubject, Centre, KeyHolder, Role

EVERY_ROLE = tuple(Role)
CENTRE_WORKERS = (Role.LEADER, Role.STAFF)


def role_required(*roles, kiosk=False):
    """Let signed-in users with one of `roles` through; others get a 403.

    `kiosk`: a paired tablet (request.kiosk, see centres.kiosk) may use the view too; the
    view then scopes what it shows to the tablet's centre."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            tablet = kiosk and kiosk_of(request) is not None
            if not tablet and not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return (login_or_kiosk_required if kiosk else login_required)(checked)

    return decorator


def kiosk_of(request):
    """The tablet the request comes from (a KioskDevice), or None for a person."""
    return getattr(request, "kiosk", None)


def login_or_kiosk_required(view):
    """login_required, or a paired tablet."""
    signed_in = login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if kiosk_of(request) is not None:
            return view(request, *args, **kwargs)
        return signed_in(request, *args, **kwargs)

    return wrapped


def centres_for(request):
    """The centres the request may act for: the user's (Centre.objects.for_user), or a
    tablet's one centre."""
    kiosk = kiosk_of(request)
    if kiosk is not None:
        return Centre.objects.filter(pk=kiosk.centre_id)
    return Centre.objects.for_user(request.user)


def get_centre_for(request, pk, roles=CENTRE_WORKERS, queryset=None):
    """Return the centre `pk` if the user may see it and has one of `roles`; `queryset`
    (of centres) adds what the view needs to the same query."""
    queryset = Centre.objects.all() if queryset is None else queryset
    centre = get_object_or_404(queryset.for_user(request.user), pk=pk)
    return _with_role(request, roles, centre)


def get_tally_centre(request, pk):
    """get_centre_for(request, pk), read the way each tap can afford
    (Centre.objects.get_for_tally). A tablet gets its own centre only."""
    kiosk = kiosk_of(request)
    if kiosk is not None:
        if str(pk) != str(kiosk.centre_id):
            raise Http404
        return Centre.objects.get(pk=kiosk.centre_id)
    try:
        centre = Centre.objects.get_for_tally(request.user, pk)
    except Centre.DoesNotExist:
        raise Http404 from None
    return _with_role(request, CENTRE_WORKERS, centre)


def no_store(view):
    """Tell browsers and proxies never to keep a copy of the response."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapped


def log_access(request, action, what, *, object_id=None, aliases=(), organisation_id=None):
    """Write one access-log row for the signed-in user (or the tablet): `action` an
    AccessAction, `what` an AccessSubject (anything else raises ValueError, so every row
    has a label to show).

    `organisation_id`: whose data it is, when not the user's own (a superuser in the
    admin). The row keeps the page but never its query string, where a search term
    could travel."""
    user = request.user
    kiosk = kiosk_of(request)
    if kiosk is not None:
        # A tablet reads as itself: the row names the device, and no person.
        AccessLogEntry.objects.create(
            organisation_id=organisation_id or kiosk.centre.organisation_id,
            user=None,
            kiosk=kiosk,
            username=_("Tablet: %(name)s") % {"name": kiosk.name},
            action=AccessAction(action),
            what=AccessSubject(what),
            object_id=object_id,
            aliases=sorted(set(aliases)),
            path=request.path[:300],
        )
        return
    AccessLogEntry.objects.create(
        organisation_id=organisation_id or user.organisation_id,
        user=user,
        username=user.get_username(),
        action=AccessAction(action),
        what=AccessSubject(what),
        object_id=object_id,
        aliases=sorted(set(aliases)),
        path=request.path[:300],
    )


def get_key_holder_for(request, pk, *, action=AccessAction.VIEW):
    """Return key holder `pk` of the user's organisation (else 404) for leaders and
    staff (else 403); the read is logged."""
    holder = get_object_or_404(KeyHolder.objects.for_user(request.user), pk=pk)
    if not request.user.has_role(*CENTRE_WORKERS):
        raise PermissionDenied
    log_access(
        request,
        action,
        AccessSubject.KEY_HOLDER,
        object_id=holder.pk,
        aliases=holder.access_aliases,
    )
    return holder


def _with_role(request, roles, centre):
    if not request.user.has_role(*roles):
        raise PermissionDenied
    return centre


def purge_access_log(now, days=None):
    """Delete access-log rows older than `days` (settings.ACCESS_LOG_RETENTION_DAYS);
    returns how many."""
    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    deleted, _ = AccessLogEntry.objects.filter(at__lt=now - datetime.timedelta(days=days)).delete()
    return deleted
