from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities import calendar, services
from activities.forms import (
    ActivityForm,
    AgendaItemForm,
    AttendanceForm,
    CalendarLinkForm,
    CancelOccurrenceForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    MoveOccurrenceForm,
    ProposalForm,
    ProposalResponseForm,
    SignUpForm,
)
from activities.models import (
    Activity,
    AgendaProposal,
    CalendarLink,
    Decision,
    Meeting,
    Occurrence,
    ProposalStatus,
    SignUp,
    SignUpStatus,
    managed_centres,
)
from activities.recurrence import COPENHAGEN
from centres.access import CENTRE_WORKERS, EVERY_ROLE, role_required
from centres.models import Centre, Role
from centres.query import int_param
from centres.services import kept

MEETING_READERS = (Role.LEADER, Role.STAFF, Role.ASSOCIATION)
# Who makes private calendar links: the leader for the organisation, association members
# for themselves.
LINK_MAKERS = (Role.LEADER, Role.ASSOCIATION)
PROPOSERS = MEETING_READERS


def _get_scoped(request, queryset, pk, roles):
    """Object `pk` of a queryset already scoped to what the user may see; 403 if the
    user's role may not use the page."""
    obj = get_object_or_404(queryset, pk=pk)
    if not request.user.has_role(*roles):
        raise PermissionDenied
    return obj


def _managed_activity(request, pk):
    activity = _get_scoped(request, Activity.objects.for_user(request.user), pk, CENTRE_WORKERS)
    if not Activity.objects.managed_by(request.user).filter(pk=activity.pk).exists():
        raise Http404
    return activity


def _managed_occurrence(request, pk):
    occurrence = _get_scoped(
        request,
        Occurrence.objects.for_user(request.user).select_related("activity"),
        pk,
        CENTRE_WORKERS,
    )
    if not Activity.objects.managed_by(request.user).filter(pk=occurrence.activity_id).exists():
        raise Http404
    return occurrence


def _meetings_in_scope(user):
    """Meetings of the user's organisation at centres the user may see (any role)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(organisation_id=user.organisation_id).filter(
        Q(centre__isnull=True) | Q(centre__in=Centre.objects.for_user(user))
    )


# Dates from the query string outside these years fall back to the default, so paging
# around them can never overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _parse_day(value, default):
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if EARLIEST <= day <= LATEST else default


# Calendar -------------------------------------------------------------------------------


def _calendar_context(
    request, *, occurrences, meetings, centres, link_urls, base_url, organisation_id, scope
):
    """The calendar page's context. Its days are rendered once and kept under the
    organisation's figure version, which every table behind their events moves (see
    calendar.days_key); `scope` names what the occurrence and meeting querysets hold,
    from the visible `centres`."""
    today = timezone.localdate()
    view = request.GET.get("view")
    view = view if view in calendar.VIEWS else "agenda"
    day = _parse_day(request.GET.get("date"), today)
    start, end = calendar.period(view, day)
    centre = None
    centre_id = int_param(request.GET, "centre")
    if centre_id is not None:
        centre = next((c for c in centres if c.pk == centre_id), None)
    kinds = calendar.kind_choices()
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    if view == "month":
        previous = calendar.period("month", start - timedelta(days=1))[0]
    else:
        previous = start - (end - start)
    context = {
        "view": view,
        "views": [("agenda", _("List")), ("week", _("Week")), ("month", _("Month"))],
        "start": start,
        "last": end - timedelta(days=1),
        "today": today,
        "previous": previous,
        "following": end,
        "centres": centres,
        "centre": centre,
        # The month's narrow days name the centre of each event when there are several.
        "several_centres": centre is None and len(centres) > 1,
        "kinds": kinds,
        "kind": kind,
        "base_url": base_url,
        "weekday_headers": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }

    def render_days():
        event_list = calendar.events(
            occurrences=occurrences,
            meetings=meetings,
            start=start,
            end=end,
            centre=centre,
            kind=kind,
            link_urls=link_urls,
            open_centres=centres,
        )
        if view == "month":
            cells = calendar.month_grid(start, end, event_list, today)
        else:
            cells = calendar.days(start, end, event_list, today)
            if view == "agenda":
                cells = [c for c in cells if c["events"] or c["is_today"]]
        return render_to_string("activities/calendar.html#days", {**context, "cells": cells})

    key = calendar.days_key(
        organisation_id=organisation_id,
        scope=(*scope, link_urls, sorted(c.pk for c in centres)),
        view=view,
        start=start,
        end=end,
        centre=centre,
        kind=kind,
        today=today,
    )
    context["days"] = kept(calendar.CACHE, key, render_days)
    return context


@role_required(*EVERY_ROLE)
def calendar_view(request):
    """Month, week or list of the activities and meetings the user may see."""
    user = request.user
    meetings = _meetings_in_scope(user) if user.role in MEETING_READERS else Meeting.objects.none()
    context = _calendar_context(
        request,
        occurrences=Occurrence.objects.for_user(user),
        meetings=meetings,
        centres=list(Centre.objects.for_user(user).with_figure_version()),
        link_urls=user.role in CENTRE_WORKERS,
        base_url=reverse("activities:calendar"),
        organisation_id=user.organisation_id,
        scope=("user", user.role in MEETING_READERS),
    )
    context["can_share"] = user.role in LINK_MAKERS
    return render(request, "activities/calendar.html", context)


def _active_link(token):
    return get_object_or_404(
        CalendarLink.objects.active().select_related("centre", "organisation"), token=token
    )


@require_GET
def shared_calendar(request, token):
    """The calendar behind a private link: read-only, no sign-in needed."""
    link = _active_link(token)
    occurrences, meetings = calendar.scoped_querysets_for_link(link)
    context = _calendar_context(
        request,
        occurrences=occurrences,
        meetings=meetings,
        centres=list(link.centres().with_figure_version()),
        link_urls=False,
        base_url=reverse("activities:shared_calendar", args=[token]),
        organisation_id=link.organisation_id,
        scope=("link", link.centre_id),
    )
    context.update(link=link, shared=True)
    return render(request, "activities/calendar.html", context)


@require_GET
def calendar_feed(request, token):
    """iCalendar feed for phones: from 60 days back to the materialised horizon."""
    link = _active_link(token)
    occurrences, meetings = calendar.scoped_querysets_for_link(link)
    today = timezone.localdate()
    event_list = calendar.events(
        occurrences=occurrences,
        meetings=meetings,
        start=today - timedelta(days=60),
        end=today + timedelta(days=400),
        link_urls=False,
        closed_centres=link.centres().with_figure_version(),
    )
    name = link.centre.name if link.centre_id else link.organisation.name
    response = HttpResponse(calendar.ical(event_list, name), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response


def _link_page(request, form, status=200):
    links = CalendarLink.objects.managed_by(request.user).select_related("centre", "created_by")
    return render(
        request,
        "activities/link_list.html",
        {"links": links, "form": form, "sees_all": request.user.role == Role.LEADER},
        status=status,
    )


@role_required(*LINK_MAKERS)
def link_list(request):
    """Private calendar links with a form for a new one: the leader's page lists every
    link of the organisation, an association member's their own."""
    return _link_page(request, CalendarLinkForm(centres=Centre.objects.for_user(request.user)))


@require_POST
@role_required(*LINK_MAKERS)
def link_create(request):
    form = CalendarLinkForm(request.POST, centres=Centre.objects.for_user(request.user))
    if not form.is_valid():
        return _link_page(request, form, status=400)
    link = form.save(commit=False)
    link.organisation_id = request.user.organisation_id
    link.created_by = request.user
    link.save()
    messages.success(request, _("The link is ready. Share it only with those it is for."))
    return redirect("activities:link_list")


@require_POST
@role_required(*LINK_MAKERS)
def link_revoke(request, pk):
    link = get_object_or_404(CalendarLink.objects.managed_by(request.user), pk=pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    messages.success(request, _("The link no longer works."))
    return redirect("activities:link_list")


# Activities -----------------------------------------------------------------------------


@role_required(*CENTRE_WORKERS)
def activity_list(request):
    """Activities at the user's centres with their rules."""
    activities = (
        Activity.objects.managed_by(request.user)
        .prefetch_related("schedules", Prefetch("centres", queryset=Centre.objects.all()))
        .order_by("title")
    )
    return render(request, "activities/activity_list.html", {"activities": activities})


@role_required(*CENTRE_WORKERS)
def activity_create(request):
    centres = managed_centres(request.user)
    form = ActivityForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        activity = form.save(organisation=request.user.organisation)
        messages.success(request, _("The activity is in the calendar."))
        return redirect(activity)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def activity_edit(request, pk):
    activity = _managed_activity(request, pk)
    form = ActivityForm(
        request.POST or None, instance=activity, centres=managed_centres(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity is saved."))
        return redirect(activity)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


@login_required
def activity_detail(request, pk):
    activity = _managed_activity(request, pk)
    now = timezone.now()
    occurrences = activity.occurrences.all()
    upcoming = occurrences.filter(end__gte=now)[:12]
    recent = occurrences.filter(end__lt=now).order_by("-start")[:6]
    signups = activity.signups.exclude(status=SignUpStatus.CANCELLED)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "schedules": activity.schedules.all(),
            "centres": activity.centres.all(),
            "upcoming": upcoming,
            "recent": recent,
            "confirmed": [s for s in signups if s.status == SignUpStatus.CONFIRMED],
            "waitlist": [s for s in signups if s.status == SignUpStatus.WAITLIST],
            "signup_form": SignUpForm(),
        },
    )


@login_required
def occurrence_cancel(request, pk):
    occurrence = _managed_occurrence(request, pk)
    form = CancelOccurrenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        occurrence.cancelled = True
        occurrence.cancel_reason = form.cleaned_data["reason"]
        occurrence.attendance = None
        occurrence.cancelled_by_closure = False  # a person's decision now; it stays
        occurrence.save(
            update_fields=["cancelled", "cancel_reason", "attendance", "cancelled_by_closure"]
        )
        messages.success(request, _("The occurrence is cancelled."))
        return redirect(occurrence.activity)
    return render(
        request,
        "activities/occurrence_form.html",
        {"form": form, "occurrence": occurrence, "heading": _("Cancel"), "submit": _("Cancel it")},
        status=400 if form.errors else 200,
    )


@login_required
def occurrence_move(request, pk):
    occurrence = _managed_occurrence(request, pk)
    local = timezone.localtime(occurrence.start)
    form = MoveOccurrenceForm(
        request.POST or None,
        initial={
            "date": local.date(),
            "start_time": local.time(),
            "end_time": timezone.localtime(occurrence.end).time(),
        },
    )
    if request.method == "POST" and form.is_valid():
        occurrence.start, occurrence.end = form.start_end()
        occurrence.save(update_fields=["start", "end"])
        messages.success(request, _("The occurrence is moved."))
        return redirect(occurrence.activity)
    return render(
        request,
        "activities/occurrence_form.html",
        {"form": form, "occurrence": occurrence, "heading": _("Move"), "submit": _("Move it")},
        status=400 if form.errors else 200,
    )


@login_required
def occurrence_attendance(request, pk):
    occurrence = _managed_occurrence(request, pk)
    form = AttendanceForm(request.POST or None, initial={"attendance": occurrence.attendance})
    if request.method == "POST" and form.is_valid():
        if occurrence.cancelled or not occurrence.is_past:
            form.add_error(
                None, _("Attendance is recorded after an occurrence that was not cancelled.")
            )
        else:
            occurrence.attendance = form.cleaned_data["attendance"]
            occurrence.attendance_recorded_at = timezone.now()
            occurrence.save(update_fields=["attendance", "attendance_recorded_at"])
            if not request.htmx:
                messages.success(request, _("Attendance is saved."))
                return redirect(occurrence.activity)
    if request.htmx and request.method == "POST":
        # The row on the activity page, counted or with the reason it was not.
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return render(
            request,
            "activities/_recent_row.html",
            {"occurrence": occurrence, "error": " ".join(errors)},
        )
    return render(
        request,
        "activities/occurrence_form.html",
        {
            "form": form,
            "occurrence": occurrence,
            "heading": _("Attendance"),
            "submit": _("Save"),
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.LEADER)
def figures(request):
    """Held and cancelled occurrences and average attendance per activity, this year."""
    today = timezone.localdate()
    start = _parse_day(request.GET.get("from"), today.replace(month=1, day=1))
    end = _parse_day(request.GET.get("to"), today)
    begin = datetime.combine(start, time.min, tzinfo=COPENHAGEN)
    finish = min(
        timezone.now(), datetime.combine(end + timedelta(days=1), time.min, tzinfo=COPENHAGEN)
    )
    window = Q(occurrences__start__gte=begin, occurrences__start__lt=finish)
    rows = (
        Activity.objects.for_user(request.user)
        .annotate(
            held=Count("occurrences", filter=window & Q(occurrences__cancelled=False)),
            cancelled=Count("occurrences", filter=window & Q(occurrences__cancelled=True)),
            average=Avg("occurrences__attendance", filter=window),
        )
        .filter(Q(held__gt=0) | Q(cancelled__gt=0))
        .prefetch_related(Prefetch("centres", queryset=Centre.objects.order_by("name")))
        .order_by("title")
    )
    return render(
        request,
        "activities/figures.html",
        {"rows": rows, "start": start, "end": end},
    )


# Sign-ups -------------------------------------------------------------------------------


@login_required
def signup_create(request, pk):
    activity = _managed_activity(request, pk)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup = services.sign_up_create(
            activity=activity,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
        )
        if signup.status == SignUpStatus.CONFIRMED:
            messages.success(request, _("%(name)s has a place.") % {"name": signup.name})
        else:
            messages.warning(
                request, _("It is full: %(name)s is on the waitlist.") % {"name": signup.name}
            )
        return redirect(activity)
    return render(
        request,
        "activities/signup_form.html",
        {"form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def second_team(request, pk):
    """Open a second team for a full course and move its waitlist there."""
    course = _managed_activity(request, pk)
    if not course.is_course or not course.signups.filter(status=SignUpStatus.WAITLIST).exists():
        messages.error(
            request, _("Only a course with people on the waitlist can get a second team.")
        )
        return redirect(course)
    team = services.course_second_team(course=course)
    messages.success(request, _("The second team is open and the waitlist has moved there."))
    return redirect(team)


@require_POST
@login_required
def signup_cancel(request, pk):
    signup = _get_scoped(
        request,
        SignUp.objects.filter(activity__in=Activity.objects.for_user(request.user)),
        pk,
        CENTRE_WORKERS,
    )
    activity = _managed_activity(request, signup.activity_id)
    promoted = services.sign_up_cancel(signup=signup)
    messages.success(request, _("The sign-up is cancelled."))
    if promoted:
        messages.info(request, _("%(name)s moved up from the waitlist.") % {"name": promoted.name})
    return redirect(activity)


@login_required
def participant_list(request, pk):
    """A printable list of who has a place and who waits, for the trip leader."""
    activity = _managed_activity(request, pk)
    signups = activity.signups.exclude(status=SignUpStatus.CANCELLED)
    return render(
        request,
        "activities/participant_list.html",
        {
            "activity": activity,
            "next": activity.occurrences.filter(start__gte=timezone.now()).first(),
            "confirmed": [s for s in signups if s.status == SignUpStatus.CONFIRMED],
            "waitlist": [s for s in signups if s.status == SignUpStatus.WAITLIST],
        },
    )


# Meetings -------------------------------------------------------------------------------


def _meeting(request, pk, roles=MEETING_READERS):
    return _get_scoped(
        request, _meetings_in_scope(request.user).select_related("centre"), pk, roles
    )


def _managed_meeting(request, pk):
    meeting = _meeting(request, pk, CENTRE_WORKERS)
    if meeting.centre_id and not managed_centres(request.user).filter(pk=meeting.centre_id):
        raise Http404
    return meeting


@role_required(*MEETING_READERS)
def meeting_list(request):
    """Coming meetings and past ones (association members see published minutes only)."""
    meetings = Meeting.objects.for_user(request.user).select_related("centre")
    now = timezone.now()
    past = meetings.filter(starts_at__lt=now).order_by("-starts_at")
    if request.user.role == Role.ASSOCIATION:
        past = past.filter(published_at__isnull=False)
    return render(
        request,
        "activities/meeting_list.html",
        {
            "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at")[:20],
            "past": past[:30],
            "can_manage": request.user.role in CENTRE_WORKERS,
        },
    )


@role_required(*CENTRE_WORKERS)
def meeting_create(request):
    form = MeetingForm(request.POST or None, centres=managed_centres(request.user))
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.organisation_id = request.user.organisation_id
        meeting.save()
        messages.success(request, _("The meeting is in the calendar."))
        return redirect(meeting)
    return render(
        request,
        "activities/meeting_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    can_manage = request.user.role in CENTRE_WORKERS and (
        meeting.centre_id is None
        or managed_centres(request.user).filter(pk=meeting.centre_id).exists()
    )
    show_minutes = meeting.is_published or can_manage
    return render(
        request,
        "activities/meeting_detail.html",
        {
            "meeting": meeting,
            "is_upcoming": meeting.starts_at >= timezone.now(),
            "agenda": meeting.agenda_items.select_related("proposal"),
            # Decisions live in minutes: only published ones reach readers who cannot
            # see drafts.
            "carried": (
                meeting.carried_decisions()
                if can_manage
                else meeting.carried_decisions().filter(meeting__published_at__isnull=False)
            ),
            "decisions": meeting.decisions.all() if show_minutes else [],
            "show_minutes": show_minutes,
            "can_manage": can_manage,
            "proposals": meeting.proposals.filter(status=ProposalStatus.PROPOSED)
            if can_manage
            else [],
            "minutes_form": MinutesForm(instance=meeting) if can_manage else None,
            "agenda_form": AgendaItemForm() if can_manage else None,
            "decision_form": DecisionForm() if can_manage else None,
        },
    )


@login_required
def meeting_minutes(request, pk):
    """Attendance counts and the minutes; a draft until published."""
    meeting = _managed_meeting(request, pk)
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The minutes are saved."))
        return redirect(meeting)
    return render(
        request,
        "activities/meeting_minutes.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def meeting_publish(request, pk):
    meeting = _managed_meeting(request, pk)
    if not meeting.minutes.strip():
        messages.error(request, _("Write the minutes before publishing them."))
    elif not meeting.is_published:
        meeting.published_at = timezone.now()
        meeting.save(update_fields=["published_at"])
        messages.success(request, _("The minutes are published."))
    return redirect(meeting)


@login_required
def agenda_item_create(request, pk):
    meeting = _managed_meeting(request, pk)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.meeting = meeting
        item.position = meeting.agenda_items.count() + 1
        item.save()
        return redirect(meeting)
    return render(
        request,
        "activities/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": _("Add an agenda item")},
        status=400 if form.errors else 200,
    )


@login_required
def decision_create(request, pk):
    meeting = _managed_meeting(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.save(commit=False)
        decision.meeting = meeting
        decision.save()
        return redirect(meeting)
    return render(
        request,
        "activities/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": _("Add a decision")},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def decision_done(request, pk):
    decision = _get_scoped(
        request,
        Decision.objects.filter(meeting__in=_meetings_in_scope(request.user)),
        pk,
        CENTRE_WORKERS,
    )
    meeting = _managed_meeting(request, decision.meeting_id)
    if decision.done_at is None:
        decision.done_at = timezone.now()
        decision.save(update_fields=["done_at"])
    back = int_param(request.POST, "meeting")
    if back is not None:
        return redirect("activities:meeting_detail", back)
    return redirect(meeting)


# Agenda proposals -------------------------------------------------------------------------


@role_required(*PROPOSERS)
def proposal_list(request):
    """The proposer's own proposals and what became of them; staff also see those to answer."""
    mine = (
        AgendaProposal.objects.filter(proposed_by=request.user)
        .select_related("meeting", "meeting__centre")
        .order_by("-created_at")
    )
    to_answer = AgendaProposal.objects.none()
    if request.user.role in CENTRE_WORKERS:
        to_answer = (
            AgendaProposal.objects.for_user(request.user)
            .filter(status=ProposalStatus.PROPOSED)
            .select_related("meeting", "meeting__centre", "proposed_by")
            .order_by("meeting__starts_at")
        )
    return render(request, "activities/proposal_list.html", {"mine": mine, "to_answer": to_answer})


@role_required(*PROPOSERS)
def proposal_create(request):
    meetings = Meeting.objects.for_user(request.user).upcoming().select_related("centre")
    form = ProposalForm(
        request.POST or None,
        initial={"meeting": int_param(request.GET, "meeting")},
        meetings=meetings,
        for_someone_else=request.user.role in CENTRE_WORKERS,
    )
    if request.method == "POST" and form.is_valid():
        proposal = form.save(commit=False)
        proposal.proposed_by = request.user
        proposal.save()
        messages.success(request, _("Thank you. You can follow your proposal on this page."))
        return redirect("activities:proposal_list")
    return render(
        request,
        "activities/proposal_form.html",
        {"form": form, "no_meetings": not meetings.exists()},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_respond(request, pk):
    proposal = _get_scoped(
        request,
        AgendaProposal.objects.filter(meeting__in=_meetings_in_scope(request.user)).select_related(
            "meeting"
        ),
        pk,
        CENTRE_WORKERS,
    )
    _managed_meeting(request, proposal.meeting_id)
    form = ProposalResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        with transaction.atomic():
            proposal.response = form.cleaned_data["response"].strip()
            if status == ProposalStatus.TAKEN_UP and proposal.agenda_item_id is None:
                proposal.save(update_fields=["response"])
                services.proposal_take_up(proposal=proposal)
            else:
                proposal.status = status
                proposal.save(update_fields=["status", "response"])
        messages.success(request, _("The proposer can now see the answer."))
        return redirect(proposal.meeting)
    return render(
        request,
        "activities/proposal_respond.html",
        {"form": form, "proposal": proposal},
        status=400 if form.errors else 200,
    )
