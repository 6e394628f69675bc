"""Who may see incident and ban data; loading it for a request logs the read."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from centres.access import log_access, no_store
from centres.models import AccessAction, AccessSubject, Centre, Role
from incidents.models import Ban, Incident

__all__ = ["INCIDENT_ROLES", "get_ban_for", "get_incident_for", "log_access", "no_store"]

INCIDENT_ROLES = (Role.LEADER, Role.STAFF)


def get_incident_for(request, pk, *, write=False, leader_only=False, action=AccessAction.VIEW):
    """Return incident `pk` if the user may read it (scope first: 404, then role: 403),
    and log the read as `action` with the report's aliases.

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
    log_access(
        request,
        action,
        AccessSubject.INCIDENT,
        object_id=incident.pk,
        aliases=incident.access_aliases,
        organisation_id=incident.centre.organisation_id,
    )
    return incident


def get_ban_for(request, pk, *, leader_only=False):
    """Return ban `pk` if the user may read it (404, then 403), and log the read."""
    user = request.user
    ban = get_object_or_404(
        Ban.objects.in_scope_of(user).select_related("centre", "key_holder"), pk=pk
    )
    if not user.has_role(*INCIDENT_ROLES):
        raise PermissionDenied
    if leader_only and user.role != Role.LEADER:
        raise PermissionDenied
    log_access(
        request,
        AccessAction.VIEW,
        AccessSubject.BAN,
        object_id=ban.pk,
        aliases=ban.access_aliases,
        organisation_id=ban.organisation_id,
    )
    return ban
