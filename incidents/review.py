"""The quarterly review of violence and threats: quarters in local time, the figures of a
centre's quarter (counted in SQL, one query per table), signing, and what is due."""

import datetime
import json

from django.db import transaction
from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import openings
from centres.models import Centre, OpeningKind, Role
from centres.todo import TodoItem
from incidents.forms import quarter_bounds
from incidents.models import (
    Context,
    DaySheet,
    DaySheetEntry,
    FollowUpItem,
    Incident,
    Kind,
    PartOfDay,
    QuarterReview,
    ReviewDecision,
    ReviewSignature,
    RiskAssessment,
    Severity,
    SignatoryRole,
)

# How long after a quarter ends its review is due.
REVIEW_DUE_AFTER_DAYS = 31

# Where an episode happened, as the review counts it: a report's own context, or for a
# registration without one the centre's opening at the moment (as centres.services.
# visit_kind_at decides: an opening that is not staffed is user-run).
OPENING_STAFFED = "staffed"
OPENING_USER_RUN = "user_run"
OPENING_ACTIVITY = "activity"
OPENING_OFF_SITE = "off_site"
OPENING_NONE = "outside"
FROM_CONTEXT = {
    Context.STAFFED_OPENING: OPENING_STAFFED,
    Context.USER_RUN_OPENING: OPENING_USER_RUN,
    Context.ACTIVITY: OPENING_ACTIVITY,
    Context.OFF_SITE: OPENING_OFF_SITE,
}


def opening_labels():
    """[(opening, label)] in the order the review shows them."""
    return [
        *((FROM_CONTEXT[context], context.label) for context in Context),
        (OPENING_NONE, _("Outside opening hours")),
    ]


# Quarters -------------------------------------------------------------------------------


def quarter_of_day(day):
    """(year, quarter) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_of(moment):
    """(year, quarter) of an aware moment, in the local time zone (Europe/Copenhagen)."""
    return quarter_of_day(timezone.localdate(moment))


def quarter_days(year, quarter):
    """The first and last day of the quarter."""
    return quarter_bounds(year, quarter)


def quarter_span(year, quarter):
    """The quarter as aware moments [start, end): local midnight to local midnight."""
    first, last = quarter_days(year, quarter)
    return (
        openings.local_datetime(first, datetime.time()),
        openings.local_datetime(last + datetime.timedelta(days=1), datetime.time()),
    )


def previous_quarter_of(year, quarter):
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def recent_quarters(today, count=4):
    """The quarter of `today` and the `count` - 1 before it, newest first."""
    quarters = [quarter_of_day(today)]
    while len(quarters) < count:
        quarters.append(previous_quarter_of(*quarters[-1]))
    return quarters


def review_due_on(year, quarter):
    return quarter_days(year, quarter)[1] + datetime.timedelta(days=REVIEW_DUE_AFTER_DAYS)


# Figures ---------------------------------------------------------------------------------


def _pair():
    return {"reports": 0, "day_sheet": 0}


def quarter_figures(centre, year, quarter):
    """The figures of a centre's quarter as a dict of plain values (so a signature can
    keep them as JSON): episodes from reports and day sheets by kind, weekday, part of the
    day and opening, severities of the reports, day sheets filled in, follow-up items of
    the quarter's reports and risk assessments touched. Nine queries whatever the numbers:
    one per table, and the five of the centre's openings in the quarter."""
    start, end = quarter_span(year, quarter)
    first, last = quarter_days(year, quarter)
    incidents = Incident.objects.filter(centre=centre, occurred_at__gte=start, occurred_at__lt=end)
    figures = {
        "reports": 0,
        "full_reports": 0,
        "day_sheet_episodes": 0,
        "severity": dict.fromkeys(Severity.values, 0),
        "kind": {k: _pair() for k in Kind.values},
        "weekday": {str(d): _pair() for d in range(1, 8)},
        "part_of_day": {str(p): _pair() for p in PartOfDay.values},
        "opening": {key: _pair() for key, _label in opening_labels()},
    }
    # A registration without a context is placed by the opening at its moment, so only
    # those keep their moment in the grouping.
    rows = (
        incidents.annotate(
            weekday=ExtractIsoWeekDay("occurred_at"),
            hour=ExtractHour("occurred_at"),
            unplaced=Case(When(context="", then=F("occurred_at")), default=None),
        )
        .values_list(
            "weekday", "hour", "severity", "is_full_report", "context", "kinds", "unplaced"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    day_openings = []
    if any(row[6] is not None for row in rows):
        day_openings = openings.openings_for([centre], start, end)[centre.pk]
    for weekday, hour, severity, full, context, kinds, unplaced, n in rows:
        figures["reports"] += n
        figures["full_reports"] += n if full else 0
        if severity in figures["severity"]:
            figures["severity"][severity] += n
        for kind in set(kinds or ()):
            if kind in figures["kind"]:
                figures["kind"][kind]["reports"] += n
        figures["weekday"][str(weekday)]["reports"] += n
        figures["part_of_day"][str(PartOfDay.of_hour(hour))]["reports"] += n
        figures["opening"][_opening_of(context, unplaced, day_openings)]["reports"] += n

    entries = (
        DaySheetEntry.objects.filter(sheet__centre=centre, sheet__day__range=(first, last))
        .annotate(weekday=ExtractIsoWeekDay("sheet__day"))
        .values_list("weekday", "kind", "part_of_day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for weekday, kind, part, n in entries:
        figures["day_sheet_episodes"] += n
        if kind in figures["kind"]:
            figures["kind"][kind]["day_sheet"] += n
        figures["weekday"][str(weekday)]["day_sheet"] += n
        figures["part_of_day"][str(part)]["day_sheet"] += n
        # Staff fill in the day sheet for the openings they staffed.
        figures["opening"][OPENING_STAFFED]["day_sheet"] += n

    figures["day_sheets"] = DaySheet.objects.filter(
        centre=centre, day__range=(first, last)
    ).aggregate(filled=Count("pk"), without_episodes=Count("pk", filter=Q(no_episodes=True)))
    figures["follow_ups"] = FollowUpItem.objects.filter(incident__in=incidents).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False))
    )
    figures["risk_assessments"] = touched_risk_assessments(centre, first, last).count()
    figures["days"] = (last - first).days + 1
    return figures


def _opening_of(context, moment, day_openings):
    if context in FROM_CONTEXT:
        return FROM_CONTEXT[context]
    opening = openings.in_progress(day_openings, moment) if moment else None
    if opening is None:
        return OPENING_NONE
    return OPENING_STAFFED if opening.kind == OpeningKind.STAFFED else OPENING_USER_RUN


def touched_risk_assessments(centre, first, last):
    """The centre's risk assessments written in the quarter or due for review in it."""
    return RiskAssessment.objects.filter(centre=centre).filter(
        Q(assessed_on__range=(first, last)) | Q(review_on__range=(first, last))
    )


def as_stored(figures):
    """The figures as they come back from a JSON column, for comparing with a snapshot."""
    return json.loads(json.dumps(figures))


# Signing ---------------------------------------------------------------------------------


class SigningRefused(Exception):
    pass


def may_take_part(user, centre):
    """Whether `user` may add decisions to and sign the review of `centre`: its
    organisation's leaders and safety representatives."""
    return (
        user.organisation_id == centre.organisation_id
        and user.has_role(Role.LEADER, Role.STAFF)
        and (user.role == Role.LEADER or user.is_safety_representative)
    )


def signing_roles(user):
    """The roles `user` may sign in, in order of preference."""
    roles = []
    if user.role == Role.LEADER:
        roles.append(SignatoryRole.LEADER)
    if user.is_safety_representative and user.has_role(Role.LEADER, Role.STAFF):
        roles.append(SignatoryRole.SAFETY_REPRESENTATIVE)
    return roles


def review_sign(*, review, user, now=None):
    """Sign `review` as `user` with the figures of now; lock it when both have signed.
    Raises SigningRefused with the reason."""
    now = now or timezone.now()
    with transaction.atomic():
        review = QuarterReview.objects.select_for_update().get(pk=review.pk)
        signed = {s.role: s.signed_by_id for s in review.signatures.all()}
        if user.pk in signed.values():
            raise SigningRefused(_("You have already signed this review."))
        role = next((r for r in signing_roles(user) if r not in signed), None)
        if role is None:
            raise SigningRefused(_("The review is already signed in your role."))
        if now < quarter_span(review.year, review.quarter)[1]:
            raise SigningRefused(_("The quarter is not over yet; sign it when it has ended."))
        figures = as_stored(quarter_figures(review.centre, review.year, review.quarter))
        signature = ReviewSignature.objects.create(
            review=review, role=role, signed_by=user, signed_at=now, figures=figures
        )
        if len(signed) + 1 == len(SignatoryRole.values):
            review.locked_at = now
            review.save(update_fields=["locked_at"])
    return signature


# To-do items ----------------------------------------------------------------------------


def review_todo_items(user, today):
    """TodoItems for `user` on `today`: open review decisions they own, last quarter's
    reviews they have yet to sign (leaders, safety representatives), and for staff
    today's day sheet of their centres once the centre has closed."""
    if not user.is_authenticated or not user.has_role(Role.LEADER, Role.STAFF):
        return []
    items = []
    decisions = (
        ReviewDecision.objects.open()
        .filter(owner=user, review__centre__organisation_id=user.organisation_id)
        .select_related("review__centre")
    )
    for decision in decisions:
        review = decision.review
        items.append(
            TodoItem(
                key=f"incidents:review-decision:{decision.pk}",
                title=_(
                    "A decision from the violence review of %(centre)s, quarter %(quarter)s "
                    "%(year)s"
                )
                % {"centre": review.centre.name, "quarter": review.quarter, "year": review.year},
                url=review.get_absolute_url(),
                due_on=decision.due_on,
                centre_name=review.centre.name,
            )
        )
    roles = signing_roles(user)
    if roles:
        centres = Centre.objects.filter(organisation_id=user.organisation_id).order_by("name")
        items.extend(unsigned_review_items(user, roles, centres, today))
    if user.role == Role.STAFF:
        items.extend(day_sheet_todo_items(user, today))
    return items


def unsigned_review_items(user, roles, centres, today):
    """The reviews `user` has yet to sign (in their first role) per centre: every quarter
    of the last year newer than the oldest one signed there, and the last quarter that
    has ended. Before anything is signed at a centre, only that last quarter: the reviews
    began somewhere, and older quarters would only be noise. One query."""
    ended = recent_quarters(today, 5)[1:]  # the last four that have ended, newest first
    in_window = Q()
    for year, quarter in ended:
        in_window |= Q(review__year=year, review__quarter=quarter)
    signed = set(
        ReviewSignature.objects.filter(in_window)
        .filter(Q(signed_by=user) | Q(role__in=roles[:1]))
        .values_list("review__centre_id", "review__year", "review__quarter")
    )
    items = []
    for centre in centres:
        signed_here = [ended.index((y, q)) for c, y, q in signed if c == centre.pk]
        asked = ended[: max(signed_here)] if signed_here else ended[:1]
        for year, quarter in asked:
            if (centre.pk, year, quarter) in signed:
                continue
            items.append(
                TodoItem(
                    key=f"incidents:review-sign:{centre.pk}:{year}-{quarter}",
                    title=_("Sign the violence review of %(centre)s, quarter %(quarter)s %(year)s")
                    % {"centre": centre.name, "quarter": quarter, "year": year},
                    url=reverse("incidents:review", args=[centre.pk, year, quarter]),
                    due_on=review_due_on(year, quarter),
                    centre_name=centre.name,
                )
            )
    return items


def day_sheet_todo_items(user, today):
    """Today's day sheet of each of the staff member's centres that has had a staffed
    opening today which has ended, while no sheet is filled in. Seven queries."""
    now = timezone.now()
    if timezone.localdate(now) != today:
        return []
    centres = list(Centre.objects.for_user(user).order_by("name"))
    if not centres:
        return []
    start = openings.local_datetime(today, datetime.time())
    end = openings.local_datetime(today + datetime.timedelta(days=1), datetime.time())
    by_centre = openings.openings_for(centres, start, end)
    filled = set(
        DaySheet.objects.filter(centre__in=centres, day=today).values_list("centre_id", flat=True)
    )
    items = []
    for centre in centres:
        staffed = [o for o in by_centre[centre.pk] if o.kind == OpeningKind.STAFFED]
        if centre.pk in filled or not staffed or max(o.end for o in staffed) > now:
            continue
        items.append(
            TodoItem(
                key=f"incidents:day-sheet:{centre.pk}:{today.isoformat()}",
                title=_("Fill in today's day sheet of minor episodes"),
                url=reverse("incidents:day_sheet", args=[centre.pk]),
                due_on=today,
                centre_name=centre.name,
            )
        )
    return items
