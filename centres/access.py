"""The one way every view decides who may see what.

Scope first, then role: an object outside the user's organisation or centres is a 404
(it might as well not exist); a role that may not use a page gets a 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from centres.models import Centre, Role

EVERY_ROLE = tuple(Role)
CENTRE_WORKERS = (Role.LEADER, Role.STAFF)


def role_required(*roles):
    """Let signed-in users with one of `roles` through; others get a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_centre_for(request, pk, roles=CENTRE_WORKERS, queryset=None):
    """Return the centre `pk` if the user may see it and has one of `roles`; `queryset`
    (of centres) adds what the view needs to the same query."""
    queryset = Centre.objects.all() if queryset is None else queryset
    centre = get_object_or_404(queryset.for_user(request.user), pk=pk)
    return _with_role(request, roles, centre)


def get_tally_centre(request, pk):
    """get_centre_for(request, pk) with the centre's figure version, read the way each
    tap can afford (Centre.objects.get_for_tally)."""
    try:
        centre = Centre.objects.get_for_tally(request.user, pk)
    except Centre.DoesNotExist:
        raise Http404 from None
    return _with_role(request, CENTRE_WORKERS, centre)


def _with_role(request, roles, centre):
    if not request.user.has_role(*roles):
        raise PermissionDenied
    return centre
