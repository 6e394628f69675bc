"""What the activities app's pages share: who may read meetings, objects looked up within
the user's scope, and dates read from the query string."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from activities.models import Activity, Meeting, Occurrence
from centres.access import CENTRE_WORKERS
from centres.models import Centre, Role

MEETING_READERS = (Role.LEADER, Role.STAFF, Role.ASSOCIATION)


def form_page(request, template, context):
    """A page with `context["form"]`: 400 when it was sent with errors, so a client (or a
    test) sees that nothing was saved."""
    return render(request, template, context, status=400 if context["form"].errors else 200)


def get_scoped(request, queryset, pk, roles):
    """Object `pk` of a queryset already scoped to what the user may see; 403 if the
    user's role may not use the page."""
    obj = get_object_or_404(queryset, pk=pk)
    if not request.user.has_role(*roles):
        raise PermissionDenied
    return obj


def managed_activity(request, pk):
    activity = get_scoped(request, Activity.objects.for_user(request.user), pk, CENTRE_WORKERS)
    if not Activity.objects.managed_by(request.user).filter(pk=activity.pk).exists():
        raise Http404
    return activity


def managed_occurrence(request, pk):
    occurrence = get_scoped(
        request,
        Occurrence.objects.for_user(request.user).select_related("activity"),
        pk,
        CENTRE_WORKERS,
    )
    if not Activity.objects.managed_by(request.user).filter(pk=occurrence.activity_id).exists():
        raise Http404
    return occurrence


def meetings_in_scope(user):
    """Meetings of the user's organisation at centres the user may see (any role)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(organisation_id=user.organisation_id).filter(
        Q(centre__isnull=True) | Q(centre__in=Centre.objects.for_user(user))
    )


# Dates from the query string outside these years fall back to the default, so paging
# around them can never overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def parse_day(value, default):
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if EARLIEST <= day <= LATEST else default
