"""Who may see incident, ban and risk data, the no-store header, and the access log."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from centres.models import Centre, Role
from incidents.models import AccessAction, AccessLogEntry, AccessSubject, Ban, Incident

INCIDENT_ROLES = (Role.LEADER, Role.STAFF)


def no_store(view):
    """Tell browsers and proxies never to keep a copy of the response."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapped


def get_incident_for(request, pk, *, write=False, leader_only=False):
    """Return incident `pk` if the user may read it (scope first: 404, then role: 403).

    `write`: the user must work at the incident's centre (or lead the organisation);
    the safety representative reads other centres' reports but cannot change them.
    """
    user = request.user
    incident = get_object_or_404(Incident.objects.in_scope_of(user).select_related("centre"), pk=pk)
    if not user.has_role(*INCIDENT_ROLES):
        raise PermissionDenied
    if leader_only and user.role != Role.LEADER:
        raise PermissionDenied
    if write and not Centre.objects.for_user(user).filter(pk=incident.centre_id).exists():
        raise PermissionDenied
    return incident


def get_ban_for(request, pk):
    user = request.user
    ban = get_object_or_404(
        Ban.objects.in_scope_of(user).select_related("centre", "key_holder"), pk=pk
    )
    if not user.has_role(*INCIDENT_ROLES):
        raise PermissionDenied
    return ban


def log_access(request, action, what, *, object_id=None, aliases=()):
    """Write one access-log row for the signed-in user: `action` an AccessAction, `what` an
    AccessSubject (anything else raises ValueError, so every row has a label to show)."""
    user = request.user
    AccessLogEntry.objects.create(
        organisation_id=user.organisation_id,
        user=user,
        username=user.get_username(),
        action=AccessAction(action),
        what=AccessSubject(what),
        object_id=object_id,
        aliases=sorted(set(aliases)),
        path=request.get_full_path()[:300],
    )
