"""Activities and their occurrences: list, create, edit, detail, cancel, move, attendance
and the leader's figures."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.forms import (
    ActivityForm,
    AttendanceForm,
    CancelOccurrenceForm,
    MoveOccurrenceForm,
    SignUpForm,
)
from activities.models import Activity, SignUpStatus, managed_centres
from activities.recurrence import COPENHAGEN
from activities.views.common import form_page, managed_activity, managed_occurrence, parse_day
from centres.access import CENTRE_WORKERS, role_required
from centres.models import Centre, Role


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
    return form_page(request, "activities/activity_form.html", {"form": form})


@login_required
def activity_edit(request, pk):
    activity = managed_activity(request, pk)
    form = ActivityForm(
        request.POST or None, instance=activity, centres=managed_centres(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity is saved."))
        return redirect(activity)
    return form_page(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_detail(request, pk):
    activity = managed_activity(request, pk)
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
    occurrence = managed_occurrence(request, pk)
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
    return form_page(
        request,
        "activities/occurrence_form.html",
        {"form": form, "occurrence": occurrence, "heading": _("Cancel"), "submit": _("Cancel it")},
    )


@login_required
def occurrence_move(request, pk):
    occurrence = managed_occurrence(request, pk)
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
    return form_page(
        request,
        "activities/occurrence_form.html",
        {"form": form, "occurrence": occurrence, "heading": _("Move"), "submit": _("Move it")},
    )


@login_required
def occurrence_attendance(request, pk):
    occurrence = managed_occurrence(request, pk)
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
    return form_page(
        request,
        "activities/occurrence_form.html",
        {
            "form": form,
            "occurrence": occurrence,
            "heading": _("Attendance"),
            "submit": _("Save"),
        },
    )


@role_required(Role.LEADER)
def figures(request):
    """Held and cancelled occurrences and average attendance per activity, this year."""
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), today.replace(month=1, day=1))
    end = parse_day(request.GET.get("to"), today)
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
