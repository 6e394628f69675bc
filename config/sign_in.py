"""Sign-in throttling on django-axes: the user name it records, and a limit per address."""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

log = logging.getLogger(__name__)


def attempted_username(request, credentials=None):
    """The user name typed, cut to what axes' tables hold (None if none was typed).

    axes stores it uncut, so a longer name turned a refused sign-in into a database
    error (a 500) instead of "wrong user name or password".
    """
    from axes.models import AccessAttempt

    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]


class AddressThrottlingHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus a limit per address across user names.

    Axes pauses one user name from one address after AXES_FAILURE_LIMIT wrong passwords.
    Password spraying tries one or two passwords at many user names, which that never
    catches; so an address whose wrong passwords across all user names reach
    SIGN_IN_ADDRESS_FAILURE_LIMIT within AXES_COOLOFF_TIME is paused too, for every user
    name. The count is read from axes' own table, so every app server shares it. The
    limit is higher than the per-user one: a municipality's staff may share one address.
    """

    def get_failures(self, request, credentials=None):
        """The failures axes counts for this user name and address, or the limit if the
        address is over its own: both the check before a sign-in and the lock after a
        failure read this."""
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address and address_failures(address) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            limit = get_failure_limit(request, credentials)
            if failures < limit:
                log.warning("Sign-in paused for an address after failures across user names")
            return max(failures, limit)
        return failures


def address_failures(address):
    """Wrong passwords from `address` within the cool-off time, across user names."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )
    return found["failures"] or 0
