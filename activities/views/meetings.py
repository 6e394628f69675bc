"""Meetings with their agenda, minutes and decisions, and the agenda proposals users send."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import services
from activities.forms import (
    AgendaItemForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    ProposalForm,
    ProposalResponseForm,
)
from activities.models import AgendaProposal, Decision, Meeting, ProposalStatus, managed_centres
from activities.views.common import MEETING_READERS, form_page, get_scoped, meetings_in_scope
from centres.access import CENTRE_WORKERS, role_required
from centres.models import Role
from centres.query import int_param

PROPOSERS = MEETING_READERS


# Meetings -------------------------------------------------------------------------------


def _meeting(request, pk, roles=MEETING_READERS):
    return get_scoped(request, meetings_in_scope(request.user).select_related("centre"), pk, roles)


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
    return form_page(request, "activities/meeting_form.html", {"form": form})


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
    return form_page(request, "activities/meeting_minutes.html", {"form": form, "meeting": meeting})


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
    return form_page(
        request,
        "activities/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": _("Add an agenda item")},
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
    return form_page(
        request,
        "activities/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": _("Add a decision")},
    )


@require_POST
@login_required
def decision_done(request, pk):
    decision = get_scoped(
        request,
        Decision.objects.filter(meeting__in=meetings_in_scope(request.user)),
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
    return form_page(
        request,
        "activities/proposal_form.html",
        {"form": form, "no_meetings": not meetings.exists()},
    )


@login_required
def proposal_respond(request, pk):
    proposal = get_scoped(
        request,
        AgendaProposal.objects.filter(meeting__in=meetings_in_scope(request.user)).select_related(
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
    return form_page(
        request, "activities/proposal_respond.html", {"form": form, "proposal": proposal}
    )
