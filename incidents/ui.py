"""What this app adds to the shared pages: navigation entries and home-page panels.

config/ composes these for every app; an app never imports another app's ui.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centres.models import Role
from centres.navigation import NavItem


def nav_items(request):
    """Return [NavItem] for the main navigation of request.user."""
    if not request.user.has_role(Role.LEADER, Role.STAFF):
        return []
    group = _("Incidents")
    items = [
        NavItem(_("Incidents"), reverse("incidents:list"), group),
        NavItem(_("Bans"), reverse("incidents:ban_list"), group),
        NavItem(_("Day sheets"), reverse("incidents:day_sheets"), group),
        NavItem(_("Quarterly reviews"), reverse("incidents:review_list"), group),
    ]
    if request.user.role == Role.LEADER:
        items.append(NavItem(_("Incident figures"), reverse("incidents:figures"), group))
    return items


def home_panels(request):
    """Return [(template name, context dict)] to show on request.user's home page.

    The panel's content loads from its own URL, so the home page itself holds no incident
    data (and stays cacheable and quick); only leaders and staff get it.
    """
    if not request.user.has_role(Role.LEADER, Role.STAFF):
        return []
    return [
        (
            "incidents/_home_panel.html",
            {
                "url": reverse("incidents:overview"),
                "quick_url": reverse("incidents:quick"),
                "is_leader": request.user.role == Role.LEADER,
            },
        )
    ]
