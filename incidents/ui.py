"""What this app adds to the shared pages: navigation entries, home-page panels and
to-do items, as receivers of centres.signals (connected in IncidentsConfig.ready).

config/ sends the signals and composes the answers; an app never imports another app's ui.
"""

import datetime

from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centres import signals
from centres.models import Centre, Role
from centres.navigation import NavItem
from centres.todo import TodoItem
from incidents import stats
from incidents.models import Ban, Incident, Kind, WorkInjuryRule
from incidents.review import review_todo_items


@receiver(signals.nav_items)
def nav_items(sender, request, **kwargs):
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


@receiver(signals.home_panels)
def home_panels(sender, request, **kwargs):
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


# --- To do -------------------------------------------------------------------------------
# todo_items concatenates one small function per rule; a new rule is one more line.

# Follow-up items show this many days before they are due; bans this many before they end.
FOLLOW_UP_NOTICE_DAYS = 7
BAN_NOTICE_DAYS = 7
# Risk assessments show this long before their review date, as on the incident overview.
RISK_REVIEW_NOTICE_DAYS = 14
VIOLENCE_KINDS = [Kind.PHYSICAL_VIOLENCE, Kind.THREAT, Kind.SEXUAL_HARASSMENT]


@receiver(signals.todo_items)
def todo_items(sender, user, today, **kwargs):
    """Return [TodoItem] of this app due for `user` on `today`, by role and centre."""
    return [*report_todo_items(user, today), *review_todo_items(user, today)]


def report_todo_items(user, today):
    """What the reports ask of `user`: work-injury reports, follow-ups, risk
    assessments and bans ending."""
    if user.role == Role.LEADER:
        return [
            *work_injury_todo(user, today),
            *follow_up_todo(stats.follow_ups_for(user), today),
            *risk_assessment_todo(user, today),
            *ban_ending_todo(user, today),
        ]
    if user.role == Role.STAFF:
        follow_ups = stats.follow_ups_for(user)
        mine = follow_up_todo(follow_ups.filter(owner=user), today)
        if not user.is_safety_representative:
            return mine
        violence = Q()
        for kind in VIOLENCE_KINDS:
            violence |= Q(incident__kinds__contains=[kind])
        at_my_centres = (
            follow_ups.filter(incident__centre__in=Centre.objects.for_user(user))
            .filter(violence)
            .exclude(owner=user)
        )
        return [
            *mine,
            *follow_up_todo(at_my_centres, today),
            *risk_assessment_todo(user, today),
        ]
    return []


def _episode(incident):
    return gettext("episode at %(centre)s %(day)s") % {
        "centre": incident.centre.name,
        "day": formats.date_format(timezone.localdate(incident.occurred_at)),
    }


def work_injury_todo(user, today):
    """Work injuries not yet reported to the Working Environment Authority, with the rule's
    deadline and legal source."""
    pending = Incident.objects.for_user(user).work_injury_pending().select_related("centre")
    items = []
    for incident in WorkInjuryRule.objects.attach_to(pending):
        rule, deadline = incident.work_injury_rule, incident.work_injury_deadline
        if rule is None:
            continue
        if isinstance(deadline, datetime.datetime):
            # A moment (a death): the time is part of the title, the local day its due day.
            moment = timezone.localtime(deadline)
            title = gettext("Report the work injury (%(episode)s) by %(when)s, %(source)s")
            when, due_on = formats.date_format(moment, "DATETIME_FORMAT"), moment.date()
        else:
            title = gettext("Report the work injury (%(episode)s), %(source)s")
            when, due_on = "", deadline
        items.append(
            TodoItem(
                key=f"incidents:work-injury:{incident.pk}",
                title=title
                % {"episode": _episode(incident), "when": when, "source": rule.legal_source},
                url=reverse("incidents:reporting", args=[incident.pk]),
                due_on=due_on,
                centre_name=incident.centre.name,
            )
        )
    return items


def follow_up_todo(follow_ups, today):
    """Open follow-up items overdue or due within FOLLOW_UP_NOTICE_DAYS."""
    soon = today + datetime.timedelta(days=FOLLOW_UP_NOTICE_DAYS)
    items = []
    for item in follow_ups.open().filter(due_on__lte=soon).select_related("incident__centre"):
        items.append(
            TodoItem(
                key=f"incidents:follow-up:{item.pk}",
                title=gettext("Follow up: %(kind)s (%(episode)s)")
                % {"kind": item.get_kind_display(), "episode": _episode(item.incident)},
                url=reverse("incidents:detail", args=[item.incident_id]),
                due_on=item.due_on,
                centre_name=item.incident.centre.name,
            )
        )
    return items


def risk_assessment_todo(user, today):
    """Centres whose risk assessment is due for review, or which have none."""
    until = today + datetime.timedelta(days=RISK_REVIEW_NOTICE_DAYS)
    return [
        TodoItem(
            key=f"incidents:risk:{centre.pk}:{centre.review_on or ''}",
            title=(
                gettext("Review the risk assessment of %(centre)s")
                if centre.review_on
                else gettext("Write a risk assessment for %(centre)s")
            )
            % {"centre": centre.name},
            url=reverse("incidents:risk_create", args=[centre.pk]),
            due_on=centre.review_on,
            centre_name=centre.name,
        )
        for centre in stats.risk_assessments_due(user, until)
    ]


def ban_ending_todo(user, today):
    """Bans ending within BAN_NOTICE_DAYS: extend them or let them end. The title names
    where and when, never whom."""
    soon = today + datetime.timedelta(days=BAN_NOTICE_DAYS)
    bans = (
        Ban.objects.for_user(user)
        .filter(ends_on__gte=today, ends_on__lte=soon)
        .select_related("centre")
        .order_by("ends_on", "pk")
    )
    return [
        TodoItem(
            key=f"incidents:ban-ends:{ban.pk}:{ban.ends_on}",
            title=gettext("Ban at %(where)s ends %(day)s")
            % {
                "where": ban.where,
                "day": formats.date_format(ban.ends_on),
            },
            url=reverse("incidents:ban_detail", args=[ban.pk]),
            due_on=ban.ends_on,
            centre_name=ban.centre.name if ban.centre_id else "",
        )
        for ban in bans
    ]
