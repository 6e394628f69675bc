"""What this app adds to the shared pages: navigation entries, home-page panels and
to-do items, as receivers of centres.signals (connected in AdviceConfig.ready).

config/ sends the signals and composes the answers; an app never imports another app's ui.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centres import signals
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


@receiver(signals.nav_items)
def nav_items(sender, request, **kwargs):
    """Return [NavItem] for the main navigation of request.user."""
    return [
        NavItem(label, url, _("Advice"))
        for label, name, url in _items(request)
        if name in IN_NAVIGATION
    ]


@receiver(signals.home_panels)
def home_panels(sender, request, **kwargs):
    """Return [(template name, context dict)] to show on request.user's home page."""
    links = [(label, url) for label, _name, url in _items(request)]
    if not links:
        return []
    return [("advice/_home_panel.html", {"links": links})]


@receiver(signals.todo_items)
def todo_items(sender, user, today, **kwargs):
    """Return [TodoItem] of this app due for `user`: none. Outreach hours are a standing
    plan with no deadline, and meeting tallies are counted per centre and month by staff
    and the leader (outreach workers do not enter them); a month without a tally may be a
    month without meetings, so nothing here is genuinely due for anyone."""
    return []
