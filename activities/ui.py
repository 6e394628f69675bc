"""What this app adds to the shared pages: navigation entries, home-page panels and
to-do items, as receivers of centres.signals (connected in ActivitiesConfig.ready).

config/ sends the signals and composes the answers; an app never imports another app's ui.
"""

import datetime
from datetime import timedelta

from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import AgendaProposal, Meeting, MeetingKind, Occurrence, ProposalStatus
from centres import signals
from centres.models import Role
from centres.navigation import NavItem
from centres.todo import TodoItem


@receiver(signals.nav_items)
def nav_items(sender, request, **kwargs):
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


@receiver(signals.home_panels)
def home_panels(sender, request, **kwargs):
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


# --- To do -------------------------------------------------------------------------------

# House-meeting minutes are due this many days after the meeting.
MINUTES_DUE_DAYS = 7


@receiver(signals.todo_items)
def todo_items(sender, user, today, **kwargs):
    """Return [TodoItem] of this app due for `user` on `today`: for the leader, house
    meetings without published minutes a week on, and proposals awaiting an answer."""
    if user.role != Role.LEADER:
        return []
    return [*minutes_todo(user, today), *proposal_todo(user)]


def _meeting(meeting):
    return gettext("%(kind)s %(centre)s %(day)s") % {
        "kind": meeting.get_kind_display(),
        "centre": meeting.centre.name if meeting.centre_id else "",
        "day": formats.date_format(timezone.localdate(meeting.starts_at)),
    }


def minutes_todo(user, today):
    """House meetings held over MINUTES_DUE_DAYS days ago whose minutes are unpublished."""
    # Meetings that started before the first moment of (today - MINUTES_DUE_DAYS + 1).
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - timedelta(days=MINUTES_DUE_DAYS - 1), datetime.time())
    )
    meetings = (
        Meeting.objects.managed_by(user)
        .filter(kind=MeetingKind.HOUSE, published_at__isnull=True, starts_at__lt=cutoff)
        .select_related("centre")
        .order_by("starts_at", "pk")
    )
    return [
        TodoItem(
            key=f"activities:minutes:{meeting.pk}",
            title=gettext("Publish the minutes of %(meeting)s") % {"meeting": _meeting(meeting)},
            url=reverse("activities:meeting_minutes", args=[meeting.pk]),
            due_on=timezone.localdate(meeting.starts_at) + timedelta(days=MINUTES_DUE_DAYS),
            centre_name=meeting.centre.name,
        )
        for meeting in meetings
    ]


def proposal_todo(user):
    """Agenda proposals not yet answered, taken up or declined; due by their meeting. The
    title names the meeting, not the proposal's words, which may name someone."""
    proposals = (
        AgendaProposal.objects.for_user(user)
        .filter(status=ProposalStatus.PROPOSED)
        .select_related("meeting__centre")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        TodoItem(
            key=f"activities:proposal:{proposal.pk}",
            title=gettext("Answer a proposal for %(meeting)s")
            % {"meeting": _meeting(proposal.meeting)},
            url=reverse("activities:proposal_respond", args=[proposal.pk]),
            due_on=timezone.localdate(proposal.meeting.starts_at),
            centre_name=proposal.meeting.centre.name if proposal.meeting.centre_id else "",
        )
        for proposal in proposals
    ]
