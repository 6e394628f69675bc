"""What this app adds to the shared pages: navigation entries and home-page panels.

config/ composes these for every app; an app never imports another app's ui.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centres.models import Role
from centres.navigation import NavItem


def _items(request):
    role = request.user.role
    items = []
    if role in (Role.LEADER, Role.STAFF, Role.OUTREACH):
        items.append((_("Record advice"), "advice:record"))
    if role in (Role.LEADER, Role.STAFF, Role.ASSOCIATION):
        items.append((_("Advice figures"), "advice:figures"))
    if role == Role.OUTREACH:
        items.append((_("My hours"), "advice:my_hours"))
    if role in (Role.LEADER, Role.STAFF):
        items.append((_("Outreach hours"), "advice:outreach_hours"))
    if role in (Role.LEADER, Role.STAFF):
        items.append((_("Meetings"), "advice:meetings"))
    if role == Role.LEADER:
        items.append((_("Advice topics"), "advice:topics"))
    return [(label, name, reverse(name)) for label, name in items]


# The navigation carries the daily actions; the rest is reached from the home panel.
IN_NAVIGATION = {"advice:record", "advice:figures", "advice:my_hours"}


def nav_items(request):
    """Return [NavItem] for the main navigation of request.user."""
    return [
        NavItem(label, url, _("Advice"))
        for label, name, url in _items(request)
        if name in IN_NAVIGATION
    ]


def home_panels(request):
    """Return [(template name, context dict)] to show on request.user's home page."""
    links = [(label, url) for label, _name, url in _items(request)]
    if not links:
        return []
    return [("advice/_home_panel.html", {"links": links})]


def todo_items(user, today):
    """Return [TodoItem] of this app due for `user`: none. Outreach hours are a standing
    plan with no deadline, and meeting tallies are counted per centre and month by staff
    and the leader (outreach workers do not enter them); a month without a tally may be a
    month without meetings, so nothing here is genuinely due for anyone."""
    return []
