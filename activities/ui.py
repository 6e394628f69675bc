"""What this app adds to the shared pages: navigation entries and home-page panels.

config/ composes these for every app; an app never imports another app's ui.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Meeting, Occurrence
from centres.models import Role
from centres.navigation import NavItem


def nav_items(request):
    """Return [NavItem] for the main navigation of request.user."""
    role = request.user.role
    if role not in tuple(Role):
        return []
    group = _("Activities")
    items = [NavItem(_("Calendar"), reverse("activities:calendar"), group)]
    if role in (Role.LEADER, Role.STAFF):
        items.append(NavItem(_("Activities"), reverse("activities:activity_list"), group))
    if role in (Role.LEADER, Role.STAFF, Role.ASSOCIATION):
        items.append(NavItem(_("Meetings"), reverse("activities:meeting_list"), group))
        items.append(NavItem(_("Proposals"), reverse("activities:proposal_list"), group))
    return items


def home_panels(request):
    """Return [(template name, context dict)] to show on request.user's home page."""
    user = request.user
    # The leader's home is the organisation overview; the calendar is one tap away in
    # the navigation.
    if user.role not in (Role.STAFF, Role.OUTREACH, Role.ASSOCIATION):
        return []
    today = timezone.localdate()
    occurrences = (
        Occurrence.objects.for_user(user)
        .between(today, today + timedelta(days=1))
        .select_related("activity")
    )
    meetings = []
    if user.role in (Role.LEADER, Role.STAFF, Role.ASSOCIATION):
        meetings = Meeting.objects.for_user(user).upcoming().select_related("centre")[:3]
    return [
        (
            "activities/_home_panel.html",
            {
                "today": occurrences,
                "meetings": meetings,
                "can_manage": user.role in (Role.LEADER, Role.STAFF),
            },
        )
    ]
