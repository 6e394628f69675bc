"""What this app adds to the shared pages: navigation entries and home-page panels.

config/ composes these for every app; an app never imports another app's ui.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import TILBUDSPORTALEN_CHECK_DAYS, Centre, Role
from centres.navigation import NavItem
from centres.openings import NEXT_OPENING_HORIZON_DAYS, understaffed
from centres.services import kept_openings

# The leader's home page warns about staffed openings this far ahead.
STAFFING_LOOKAHEAD_DAYS = 14


def nav_items(request):
    """Return [NavItem] for the main navigation of request.user."""
    role = request.user.role
    if role not in tuple(Role):
        return []
    group = _("Centres")
    # Everyone who may see a centre may see its week plan, as on the notice board.
    items = [NavItem(_("Week plan"), reverse("centres:week_plans"), group)]
    if role in (Role.LEADER, Role.STAFF):
        items.append(NavItem(_("Keys"), reverse("centres:keys"), group))
        items.append(NavItem(_("My shifts"), reverse("centres:my_shifts"), group))
    if role == Role.LEADER:
        items.append(NavItem(_("People"), reverse("centres:people"), group))
        items.append(NavItem(_("Staffing at risk"), reverse("centres:at_risk"), group))
        items.append(NavItem(_("Absences"), reverse("centres:absences"), group))
        items.append(NavItem(_("Kiosk tablets"), reverse("centres:kiosks"), group))
    return items


def home_panels(request):
    """Return [(template name, context dict)] to show on request.user's home page."""
    if request.user.role == Role.STAFF:
        return today_panels(request)
    if request.user.role != Role.LEADER:
        return []
    panels = []
    today = timezone.localdate()
    centres = list(Centre.objects.for_user(request.user))
    cutoff = today - datetime.timedelta(days=TILBUDSPORTALEN_CHECK_DAYS)
    overdue = [
        c
        for c in centres
        if c.tilbudsportalen_checked is None or c.tilbudsportalen_checked < cutoff
    ]
    if overdue:
        panels.append(("centres/_home_tilbudsportalen.html", {"centres": overdue}))
    now = timezone.now()
    flags = understaffed(centres, now, now + datetime.timedelta(days=STAFFING_LOOKAHEAD_DAYS))
    if flags:
        by_centre = {}
        for flag in flags:
            by_centre.setdefault(flag.centre, []).append(flag)
        panels.append(("centres/_home_staffing.html", {"centres": list(by_centre.items())}))
    return panels


def today_panels(request):
    """For staff: each of their centres open now or when next, with the tally button."""
    centres = list(Centre.objects.for_user(request.user).with_figure_version())
    if not centres:
        return []
    now = timezone.now()
    horizon = now + datetime.timedelta(days=NEXT_OPENING_HORIZON_DAYS)
    # Whole days, kept: the same openings all day for every staff member of the centres.
    found, _closed = kept_openings(centres, timezone.localdate(now), timezone.localdate(horizon))
    rows = []
    for centre in centres:
        current = next((o for o in found[centre.pk] if o.contains(now)), None)
        upcoming = next((o for o in found[centre.pk] if now < o.start < horizon), None)
        rows.append({"centre": centre, "current": current, "next": upcoming})
    return [("centres/_home_today.html", {"rows": rows})]
