"""The day sheet of minor episodes and the quarterly review of violence and threats.

The review shows figures, risk assessments, follow-up items and decisions, never an alias:
it reads no data naming a visitor, so it writes nothing to the access log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centres.access import get_centre_for, role_required
from centres.models import Centre, Role
from incidents import review
from incidents.access import INCIDENT_ROLES, no_store
from incidents.forms import DayForm, DaySheetForm, ReviewDecisionForm
from incidents.models import (
    DaySheet,
    DaySheetEntry,
    FollowUpItem,
    Kind,
    PartOfDay,
    QuarterReview,
    ReviewDecision,
    ReviewSignature,
    Severity,
    SignatoryRole,
)

# Day sheets -------------------------------------------------------------------------------


@no_store
@role_required(*INCIDENT_ROLES)
def day_sheets(request):
    """The user's centres with today's day sheet, filled in or not."""
    today = timezone.localdate()
    centres = Centre.objects.for_user(request.user).order_by("name")
    filled = {
        sheet.centre_id: sheet for sheet in DaySheet.objects.filter(centre__in=centres, day=today)
    }
    rows = [{"centre": c, "sheet": filled.get(c.pk)} for c in centres]
    return render(request, "incidents/day_sheets.html", {"rows": rows, "today": today})


@no_store
@role_required(*INCIDENT_ROLES)
def day_sheet(request, centre_pk):
    """Fill in, or correct, a centre's day sheet of minor episodes (today by default)."""
    centre = get_centre_for(request, centre_pk, roles=INCIDENT_ROLES)
    today = timezone.localdate()
    chosen = DayForm(request.GET if "day" in request.GET else {"day": today})
    day = chosen.cleaned_data["day"] if chosen.is_valid() else today
    sheet = DaySheet.objects.filter(centre=centre, day=day).prefetch_related("entries").first()
    form = DaySheetForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            save_day_sheet(centre, day, form, request.user)
        except IntegrityError:
            form.add_error(
                None, _("Someone saved this day's sheet at the same moment: check it and save.")
            )
        else:
            messages.success(request, _("The day sheet is saved. Thank you."))
            return redirect(f"{request.path}?day={day.isoformat()}")
    return render(
        request,
        "incidents/day_sheet.html",
        {
            "centre": centre,
            "day": day,
            "today": today,
            "chosen": chosen,
            "form": form,
            "sheet": sheet,
        },
    )


def save_day_sheet(centre, day, form, user):
    """Create or update the centre's sheet of `day` from `form`, cell by cell, so the
    history shows what changed."""
    fields = {
        "no_episodes": form.cleaned_data["no_episodes"],
        "note": form.cleaned_data["note"],
        "filled_in_by": user,
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        sheet = DaySheet.objects.select_for_update().filter(centre=centre, day=day).first()
        if sheet is None:
            # Two people saving the first sheet of a day at once: the second one fails on
            # the unique constraint (IntegrityError) and nothing of theirs is kept.
            sheet = DaySheet.objects.create(centre=centre, day=day, **fields)
        else:
            for name, value in fields.items():
                setattr(sheet, name, value)
            sheet.save()
        counts = form.counts()
        for entry in sheet.entries.all():
            count = counts.pop((entry.kind, entry.part_of_day), None)
            if count is None:
                entry.delete()
            elif count != entry.count:
                entry.count = count
                entry.save()
        for (kind, part), count in counts.items():
            DaySheetEntry.objects.create(sheet=sheet, kind=kind, part_of_day=part, count=count)
    return sheet


# The quarterly review -----------------------------------------------------------------------


def review_centres(user):
    """Centres whose reviews `user` may read: those they may see, and for a safety
    representative every centre of the organisation."""
    if not user.has_role(Role.LEADER, Role.STAFF):
        return Centre.objects.for_user(user)
    if user.is_safety_representative:
        return Centre.objects.filter(organisation_id=user.organisation_id)
    return Centre.objects.for_user(user)


def get_review_centre(request, centre_pk, year, quarter):
    """The centre of a review the user may read (404 outside their scope or for a quarter
    not yet begun, then 403 for other roles)."""
    centre = get_object_or_404(review_centres(request.user), pk=centre_pk)
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404
    if (year, quarter) > review.quarter_of_day(timezone.localdate()):
        raise Http404
    return centre


def get_centre_to_review(request, centre_pk, year, quarter):
    """get_review_centre for those who take part in the review (else 403)."""
    centre = get_review_centre(request, centre_pk, year, quarter)
    if not review.may_take_part(request.user, centre):
        raise PermissionDenied
    return centre


def find_review(centre, year, quarter):
    return (
        QuarterReview.objects.filter(centre=centre, year=year, quarter=quarter)
        .prefetch_related(
            Prefetch("signatures", queryset=ReviewSignature.objects.select_related("signed_by")),
            Prefetch(
                "decisions",
                queryset=ReviewDecision.objects.select_related("owner").order_by("due_on", "pk"),
            ),
        )
        .first()
    )


@no_store
@role_required(*INCIDENT_ROLES)
def review_list(request):
    """The centres' last four quarters, each with whether its review is signed."""
    today = timezone.localdate()
    quarters = review.recent_quarters(today)
    centres = list(review_centres(request.user).order_by("name"))
    reviews = {
        (r.centre_id, r.year, r.quarter): r
        for r in QuarterReview.objects.filter(
            centre__in=centres, year__gte=quarters[-1][0]
        ).prefetch_related("signatures")
    }
    rows = [
        {
            "centre": centre,
            "quarters": [
                {"year": y, "quarter": q, "review": reviews.get((centre.pk, y, q))}
                for y, q in quarters
            ],
        }
        for centre in centres
    ]
    return render(request, "incidents/review_list.html", {"rows": rows})


def table(figures, labels, key):
    """Rows of (label, from reports, from day sheets, total) of one part of the figures."""
    rows = []
    for value, label in labels:
        pair = figures[key][str(value)]
        reports, sheets = pair["reports"], pair["day_sheet"]
        rows.append((label, reports, sheets, reports + sheets))
    return rows


def weekday_labels():
    """[(ISO weekday, name)], Monday first."""
    return [(day + 1, WEEKDAYS[day]) for day in range(7)]


@no_store
@role_required(*INCIDENT_ROLES)
def review_detail(request, centre_pk, year, quarter):
    """A centre's quarter: the episodes and their patterns, risk assessments, follow-up
    items, the decisions taken and the signatures."""
    centre = get_review_centre(request, centre_pk, year, quarter)
    return render_review(request, centre, year, quarter)


def render_review(request, centre, year, quarter, decision_form=None, status=200):
    user = request.user
    first, last = review.quarter_days(year, quarter)
    start, end = review.quarter_span(year, quarter)
    figures = review.as_stored(review.quarter_figures(centre, year, quarter))
    found = find_review(centre, year, quarter)
    signatures = list(found.signatures.all()) if found else []
    decisions = list(found.decisions.all()) if found else []
    takes_part = review.may_take_part(user, centre)
    signed_roles = {s.role for s in signatures}
    can_sign = (
        takes_part
        and timezone.now() >= end
        and user.pk not in {s.signed_by_id for s in signatures}
        and any(r not in signed_roles for r in review.signing_roles(user))
    )
    locked = found is not None and found.is_locked
    context = {
        "centre": centre,
        "year": year,
        "quarter": quarter,
        "first": first,
        "last": last,
        "review": found,
        "figures": figures,
        "kind_rows": table(figures, Kind.choices, "kind"),
        "weekday_rows": table(figures, weekday_labels(), "weekday"),
        "part_rows": table(figures, PartOfDay.choices, "part_of_day"),
        "opening_rows": table(figures, review.opening_labels(), "opening"),
        "severity_rows": [(label, figures["severity"][value]) for value, label in Severity.choices],
        "risk_assessments": review.touched_risk_assessments(centre, first, last)
        .select_related("written_by")
        .order_by("assessed_on"),
        "follow_ups": FollowUpItem.objects.filter(
            incident__centre=centre, incident__occurred_at__gte=start, incident__occurred_at__lt=end
        )
        .select_related("owner")
        .order_by("due_on", "pk"),
        "decisions": decisions,
        "signatures": signatures,
        "changed_since": [s for s in signatures if s.figures != figures],
        "history": review_history(found) if found else [],
        "takes_part": takes_part,
        "can_sign": can_sign,
        "locked": locked,
        "decision_form": (decision_form or ReviewDecisionForm(centre=centre))
        if takes_part and not locked
        else None,
        "today": timezone.localdate(),
        "quarter_ended": timezone.now() >= end,
        "roles": dict(SignatoryRole.choices),
    }
    return render(request, "incidents/review_detail.html", context, status=status)


def review_history(found):
    """What was done to the review, newest first: decisions added, changed or marked done,
    and signatures, each with who and when. Two queries."""
    entries = []
    decisions = (
        ReviewDecision.history.filter(review_id=found.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    done_before = {}
    for record in decisions:
        if record.history_type == "+":
            what = _("Decision added: %(text)s")
        elif record.done_on is not None and done_before.get(record.id) is None:
            what = _("Decision marked done: %(text)s")
        else:
            what = _("Decision changed: %(text)s")
        done_before[record.id] = record.done_on
        entries.append((record.history_date, record.history_user, what % {"text": record.text}))
    signatures = ReviewSignature.history.filter(review_id=found.pk).select_related("history_user")
    for record in signatures:
        what = _("Signed as %(role)s") % {"role": str(record.get_role_display()).lower()}
        entries.append((record.history_date, record.history_user, what))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return entries


def get_or_create_review(centre, year, quarter):
    review_row, _created = QuarterReview.objects.get_or_create(
        centre=centre, year=year, quarter=quarter
    )
    return review_row


@require_POST
@no_store
@role_required(*INCIDENT_ROLES)
def review_decision_add(request, centre_pk, year, quarter):
    centre = get_centre_to_review(request, centre_pk, year, quarter)
    form = ReviewDecisionForm(request.POST, centre=centre)
    if form.is_valid():
        with transaction.atomic():
            found = get_or_create_review(centre, year, quarter)
            found = QuarterReview.objects.select_for_update().get(pk=found.pk)
            if found.is_locked:
                messages.error(request, _("The review is signed and locked."))
            else:
                form.instance.review = found
                form.save()
                messages.success(request, _("The decision is added."))
        return redirect("incidents:review", centre.pk, year, quarter)
    return render_review(request, centre, year, quarter, decision_form=form, status=400)


def get_decision_for(request, pk):
    decision = get_object_or_404(
        ReviewDecision.objects.select_related("review__centre").filter(
            review__centre__in=review_centres(request.user)
        ),
        pk=pk,
    )
    if not request.user.has_role(*INCIDENT_ROLES):
        raise PermissionDenied
    return decision


@no_store
@role_required(*INCIDENT_ROLES)
def review_decision_edit(request, pk):
    """Change a decision's text, owner or due date, until the review is locked."""
    decision = get_decision_for(request, pk)
    found = decision.review
    if not review.may_take_part(request.user, found.centre):
        raise PermissionDenied
    if found.is_locked:
        messages.error(request, _("The review is signed and locked."))
        return redirect(found)
    form = ReviewDecisionForm(request.POST or None, instance=decision, centre=found.centre)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if QuarterReview.objects.select_for_update().get(pk=found.pk).is_locked:
                messages.error(request, _("The review is signed and locked."))
                return redirect(found)
            form.save()
        messages.success(request, _("The decision is saved."))
        return redirect(found)
    return render(request, "incidents/review_decision_form.html", {"form": form, "review": found})


@require_POST
@no_store
@role_required(*INCIDENT_ROLES)
def review_decision_done(request, pk):
    """The owner, the leader or a safety representative marks a decision done; also
    after the review is locked."""
    decision = get_decision_for(request, pk)
    user = request.user
    if decision.owner_id != user.pk and not review.may_take_part(user, decision.review.centre):
        raise PermissionDenied
    if decision.done_on is None:
        decision.done_on = timezone.localdate()
        decision.save(update_fields=["done_on"])
        messages.success(request, _("The decision is marked done."))
    return redirect(decision.review)


@require_POST
@no_store
@role_required(*INCIDENT_ROLES)
def review_sign(request, centre_pk, year, quarter):
    centre = get_centre_to_review(request, centre_pk, year, quarter)
    found = get_or_create_review(centre, year, quarter)
    try:
        review.review_sign(review=found, user=request.user)
    except review.SigningRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("You have signed the review."))
    return redirect(found)
