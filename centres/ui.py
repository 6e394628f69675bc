"""What this app adds to the shared pages: navigation entries, home-page panels and
to-do items, as receivers of centres.signals (connected in CentresConfig.ready).

config/ sends the signals and composes the answers; an app never imports another app's ui.
"""

import datetime

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centres import openings, signals
from centres.models import TILBUDSPORTALEN_CHECK_DAYS, Centre, KeyLoan, Role
from centres.navigation import NavItem
from centres.openings import NEXT_OPENING_HORIZON_DAYS, understaffed
from centres.todo import TodoItem

# The leader's home page warns about staffed openings this far ahead.
STAFFING_LOOKAHEAD_DAYS = 14


@receiver(signals.nav_items)
def nav_items(sender, request, **kwargs):
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


@receiver(signals.home_panels)
def home_panels(sender, request, **kwargs):
    """Return [(template name, context dict)] to show on request.user's home page. A
    leader's reminders (Tilbudsportalen, openings at risk) are on the to-do list."""
    if request.user.role == Role.STAFF:
        return today_panels(request)
    return []


def today_panels(request):
    """For staff: each of their centres open now or when next, with the tally button."""
    centres = list(Centre.objects.for_user(request.user))
    if not centres:
        return []
    now = timezone.now()
    horizon = now + datetime.timedelta(days=NEXT_OPENING_HORIZON_DAYS)
    found = openings.openings_for(centres, now, horizon)
    rows = []
    for centre in centres:
        current = next((o for o in found[centre.pk] if o.contains(now)), None)
        upcoming = next((o for o in found[centre.pk] if now < o.start < horizon), None)
        rows.append({"centre": centre, "current": current, "next": upcoming})
    return [("centres/_home_today.html", {"rows": rows})]


# --- To do -------------------------------------------------------------------------------


@receiver(signals.todo_items)
def todo_items(sender, user, today, **kwargs):
    """Return [TodoItem] of this app due for `user` on `today`, by role and centre."""
    if user.role == Role.LEADER:
        centres = list(Centre.objects.for_user(user))
        return [
            *tilbudsportalen_todo(centres, today),
            *key_loan_todo(
                KeyLoan.objects.filter(fob__organisation_id=user.organisation_id), today
            ),
            *staffing_todo(centres, today, reverse("centres:at_risk")),
        ]
    if user.role == Role.STAFF:
        centres = list(Centre.objects.for_user(user))
        return [
            *key_loan_todo(KeyLoan.objects.filter(issued_by=user), today),
            *staffing_todo(centres, today),
        ]
    return []


def tilbudsportalen_todo(centres, today):
    """A centre's profile not checked against Tilbudsportalen within the year."""
    items = []
    for centre in centres:
        if not centre.tilbudsportalen_check_due(today):
            continue
        checked = centre.tilbudsportalen_checked
        items.append(
            TodoItem(
                key=f"centres:tilbudsportalen:{centre.pk}:{checked or ''}",
                title=gettext("Check the profile of %(centre)s on Tilbudsportalen")
                % {"centre": centre.name},
                url=reverse("centres:profile", args=[centre.pk]),
                due_on=checked
                and checked + datetime.timedelta(days=TILBUDSPORTALEN_CHECK_DAYS + 1),
                centre_name=centre.name,
            )
        )
    return items


def key_loan_todo(loans, today):
    """Fobs lent longer ago than KEY_LOAN_REVIEW_DAYS and not returned: still needed?"""
    review = datetime.timedelta(days=settings.KEY_LOAN_REVIEW_DAYS)
    items = []
    for loan in loans.due_for_review(today).select_related("fob").order_by("issued", "pk"):
        items.append(
            TodoItem(
                key=f"centres:key-loan:{loan.pk}",
                title=gettext("Review the loan of key fob %(fob)s, lent %(issued)s")
                % {"fob": loan.fob.number, "issued": formats.date_format(loan.issued)},
                url=reverse("centres:keys"),
                # The first day the loan shows as due for review.
                due_on=loan.issued + review + datetime.timedelta(days=1),
            )
        )
    return items


def staffing_todo(centres, today, url=None):
    """Staffed openings of the next two weeks with fewer than two qualified staff planned;
    for the leader the page that acts on them, for staff the centre's shifts that week."""
    if not centres:
        return []
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    end = start + datetime.timedelta(days=STAFFING_LOOKAHEAD_DAYS)
    items = []
    for flag in understaffed(centres, max(start, timezone.now()), end):
        opening_start = timezone.localtime(flag.opening.start)
        day = opening_start.date()
        items.append(
            TodoItem(
                key=f"centres:at-risk:{flag.centre.pk}:{opening_start:%Y-%m-%dT%H:%M}",
                title=gettext("Fewer than two staff planned: %(centre)s %(when)s")
                % {
                    "centre": flag.centre.name,
                    "when": formats.date_format(opening_start, "DATETIME_FORMAT"),
                },
                url=url
                or f"{reverse('centres:shifts', args=[flag.centre.pk])}?week={day:%Y-%m-%d}",
                due_on=day,
                centre_name=flag.centre.name,
            )
        )
    return items
