"""What incidents adds to centres' pages (receivers of centres.signals,
connected in IncidentsConfig.ready)."""

from urllib.parse import urlencode

from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from centres import signals
from centres.access import log_access
from centres.models import AccessAction, AccessSubject
from incidents.models import Ban
from incidents.stats import fobs_to_suspend


@receiver(signals.fob_flags)
def fob_flags(sender, request, **kwargs):
    """Return {fob id: reason} for the fobs of key holders under a ban in force that
    request.user may read; showing them is logged like any other read of ban data."""
    user = request.user
    loans = list(fobs_to_suspend(user.organisation_id, bans=Ban.objects.for_user(user)))
    if loans:
        log_access(
            request,
            AccessAction.VIEW,
            AccessSubject.BAN,
            aliases=[loan.banned_alias for loan in loans],
        )
    return {
        loan.fob_id: _("Suspend: the key holder is banned until %(date)s")
        % {"date": formats.date_format(loan.banned_until, "DATE_FORMAT")}
        for loan in loans
    }


@receiver(signals.unsafe_report_url)
def unsafe_report_url(sender, opening, **kwargs):
    """The quick incident form for the opening's centre and the user-run context, when
    something unsafe happened there; otherwise None."""
    if not opening.unsafe_event:
        return None
    query = urlencode({"centre": opening.centre_id, "context": "user_run"})
    return f"{reverse('incidents:quick')}?{query}"
