import datetime

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advice import exports, services, stats
from advice.forms import (
    ContactForm,
    FiguresForm,
    MeetingForm,
    OutreachAbsenceForm,
    OutreachHoursForm,
    OwnAbsenceForm,
    PublicFiguresForm,
    TopicForm,
)
from advice.models import Contact, MeetingTally, OutreachAbsence, OutreachHours, Topic
from centres import validity
from centres.access import centres_for, role_required
from centres.middleware import replay_at
from centres.models import Centre, Role
from centres.views import confirm_removal

RECORDERS = (Role.LEADER, Role.STAFF, Role.OUTREACH)
PLANNERS = (Role.LEADER, Role.STAFF)
LAST_CENTRE = "advice_last_centre"


def _posted(request):
    """The POST data to bind a form to, even when empty, so it shows what is missing."""
    return request.POST if request.method == "POST" else None


def topics_for(organisation):
    """Active topics of the organisation, seeding the defaults on first use."""
    topics = Topic.objects.for_organisation(organisation)
    if not topics.exists():
        Topic.objects.ensure_defaults(organisation)
    return topics.active()


@role_required(*RECORDERS, kiosk=True)
def record(request):
    """Record one advice contact: centre and date prefilled, a topic tap and Save (also on
    the tablet by the door, for its centre)."""
    user = request.user
    centres = centres_for(request)
    centre_list = list(centres.select_related("organisation"))
    if not centre_list:
        return render(request, "advice/no_centre.html")
    topics = topics_for(centre_list[0].organisation_id)
    form = ContactForm(
        _posted(request),
        centres=centres,
        topics=topics,
        user=user,
        initial={"centre": _default_centre(request, centre_list), "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = services.contact_record(
            centre=data["centre"],
            date=data["date"],
            topics=data["topics"],
            channel=data["channel"],
            helper_role=data["helper_role"],
            duration=data["duration"],
            outcome=data["outcome"],
            new_to_service=data["new_to_service"],
        )
        request.session[LAST_CENTRE] = data["centre"].pk
        messages.success(request, _("Contact recorded at %(centre)s.") % {"centre": data["centre"]})
        # The way back from a wrong tap lives only in the browser: a signed, short-lived
        # token in the URL, so nothing on the server ties the contact to who recorded it.
        token = signing.dumps(contact.pk, salt=UNDO_SALT)
        # Sent again, the form is answered without the undo link: the form's one-time
        # token row must not keep it (centres.middleware.replay_at).
        return replay_at(
            redirect(f"{reverse('advice:record')}?{urlencode({'undo': token})}"),
            reverse("advice:record"),
        )
    return render(
        request,
        "advice/record.html",
        {
            "form": form,
            "single_centre": len(centre_list) == 1,
            "undo": request.GET.get("undo") if _undoable(request, centres) else None,
        },
    )


UNDO_SALT = "advice.contact.undo"
UNDO_SECONDS = 10 * 60


def _undoable(request, centres, token=None):
    """The contact a fresh undo token names, if it is at one of `centres`; else None."""
    token = token if token is not None else request.GET.get("undo")
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        return None
    return Contact.objects.filter(pk=pk, centre__in=centres).first()


@require_POST
@role_required(*RECORDERS, kiosk=True)
def record_undo(request):
    """Delete the contact just recorded (within ten minutes, from the same browser)."""
    contact = _undoable(request, centres_for(request), request.POST.get("undo"))
    if contact is None:
        messages.error(request, _("That contact can no longer be undone."))
    else:
        contact.delete()
        messages.success(request, _("The contact was removed."))
    return redirect("advice:record")


def _default_centre(request, centre_list):
    if len(centre_list) == 1:
        return centre_list[0].pk
    last = request.session.get(LAST_CENTRE)
    if any(c.pk == last for c in centre_list):
        return last
    return None


# --- Topics -----------------------------------------------------------------------------


@role_required(Role.LEADER)
def topics(request):
    """The organisation's topics: add one, retire or reinstate."""
    organisation = request.user.organisation_id
    topics_for(organisation)
    form = TopicForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Topic added."))
        return redirect("advice:topics")
    return render(
        request,
        "advice/topics.html",
        {"form": form, "topics": Topic.objects.for_organisation(organisation)},
    )


@require_POST
@role_required(Role.LEADER)
def topic_toggle(request, pk):
    """Retire a topic (it stays on recorded contacts) or bring it back."""
    topic = get_object_or_404(Topic.objects.for_organisation(request.user.organisation_id), pk=pk)
    topic.retired = not topic.retired
    topic.save(update_fields=["retired"])
    if topic.retired:
        messages.success(request, _("“%(topic)s” is retired.") % {"topic": topic.label})
    else:
        messages.success(request, _("“%(topic)s” is in use again.") % {"topic": topic.label})
    return redirect("advice:topics")


# --- Outreach hours ---------------------------------------------------------------------


@role_required(*PLANNERS)
def outreach_hours(request):
    """Who holds outreach hours where, and the next four weeks' sessions."""
    hours = (
        OutreachHours.objects.for_user(request.user)
        .select_related("centre")
        .prefetch_related("absences")
        .order_by("centre__name", "weekday", "start_time")
    )
    today = timezone.localdate()
    sessions = OutreachHours.objects.for_user(request.user).between(
        today, today + datetime.timedelta(days=27)
    )
    return render(
        request,
        "advice/outreach_hours.html",
        {
            "hours_list": hours,
            "sessions": sessions,
            "today": today,
            "can_edit": request.user.role in PLANNERS,
        },
    )


def _hours_for(request, pk):
    """The outreach hours `pk` if the user may plan them: 404 outside scope, 403 by role."""
    hours = get_object_or_404(OutreachHours.objects.for_user(request.user), pk=pk)
    if request.user.role not in PLANNERS:
        raise PermissionDenied
    return hours


@role_required(*PLANNERS)
def outreach_hours_form(request, pk=None):
    """Add or change a worker's weekly hours at one of the user's centres."""
    instance = _hours_for(request, pk) if pk else None
    form = OutreachHoursForm(
        _posted(request),
        instance=instance,
        centres=Centre.objects.for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if form.action == validity.SPLIT:
            messages.success(
                request,
                _("The new hours apply from %(date)s. The days before keep the hours they had.")
                % {"date": formats.date_format(saved.valid_from, "SHORT_DATE_FORMAT")},
            )
        else:
            messages.success(request, _("Outreach hours saved."))
        return redirect("advice:outreach_hours")
    return render(request, "advice/outreach_hours_form.html", {"form": form, "hours": instance})


@role_required(*PLANNERS)
def absence_create(request, pk):
    """Days on which the hours do not take place."""
    hours = _hours_for(request, pk)
    form = OutreachAbsenceForm(_posted(request), hours=hours)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            # Another absence was saved for the same days meanwhile.
            form.add_error(None, _("These hours already have an absence on some of those days."))
        else:
            messages.success(request, _("Absence saved."))
            return redirect("advice:outreach_hours")
    return render(request, "advice/absence_form.html", {"form": form, "hours": hours})


@role_required(*PLANNERS)
def absence_delete(request, pk):
    """Ask first; an absence that began before today ends yesterday instead (the sessions
    before stay as they were), one wholly past goes only as a correction."""
    absence = get_object_or_404(
        OutreachAbsence.objects.filter(
            hours__in=OutreachHours.objects.for_user(request.user)
        ).select_related("hours"),
        pk=pk,
    )
    _hours_for(request, absence.hours_id)
    return confirm_removal(
        request,
        centre=None,
        subject=_("The absence of %(name)s from %(first)s to %(last)s")
        % {
            "name": absence.hours.display_name,
            "first": formats.date_format(absence.start_date, "SHORT_DATE_FORMAT"),
            "last": formats.date_format(absence.end_date, "SHORT_DATE_FORMAT"),
        },
        first_day=absence.start_date,
        last_day=absence.end_date,
        remove=lambda reason: validity.delete_rule(
            absence, reason=reason, first_field="start_date", last_field="end_date"
        ),
        back=reverse("advice:outreach_hours"),
    )


# --- An outreach worker's own hours ----------------------------------------------------


@role_required(Role.OUTREACH)
def my_hours(request):
    """The worker's own hours, current and coming, their next four weeks, their
    absences, and the form to register one (from today on)."""
    user = request.user
    today = timezone.localdate()
    mine = OutreachHours.objects.of_worker(user)
    coming = (
        mine.current_and_coming(today)
        .select_related("centre")
        .order_by("weekday", "start_time", "centre__name")
    )
    form = OwnAbsenceForm(_posted(request), hours=coming)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.absence_register(
                    hours_list=data["hours_list"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    reason=data["reason"],
                )
        except IntegrityError:
            form.add_error(None, _("You are already registered as absent on some of those days."))
        else:
            messages.success(
                request,
                _("Your absence is registered. Users no longer see those hours in the calendar."),
            )
            return redirect("advice:my_hours")
    absences = (
        OutreachAbsence.objects.filter(hours__in=mine, end_date__gte=today)
        .select_related("hours__centre")
        .order_by("start_date", "hours__weekday", "hours__start_time")
    )
    return render(
        request,
        "advice/my_hours.html",
        {
            "hours_list": coming,
            "sessions": mine.between(today, today + datetime.timedelta(days=27)),
            "absences": absences,
            "form": form,
            "today": today,
        },
    )


@role_required(Role.OUTREACH)
def my_absence_cancel(request, pk):
    """Ask first, then cancel one of the worker's own absences that has not begun (one
    that has is part of the record; the staff end or correct it)."""
    absence = get_object_or_404(
        OutreachAbsence.objects.filter(
            hours__in=OutreachHours.objects.of_worker(request.user),
            start_date__gte=timezone.localdate(),
        ).select_related("hours__centre"),
        pk=pk,
    )
    return confirm_removal(
        request,
        centre=absence.hours.centre,
        subject=_("Your absence from %(first)s to %(last)s (%(hours)s)")
        % {
            "hours": absence.hours.schedule_label,
            "first": formats.date_format(absence.start_date, "SHORT_DATE_FORMAT"),
            "last": formats.date_format(absence.end_date, "SHORT_DATE_FORMAT"),
        },
        first_day=absence.start_date,
        last_day=absence.end_date,
        # Never a correction: the absence lies from today on, so it is deleted.
        remove=lambda _reason: validity.delete_rule(
            absence, first_field="start_date", last_field="end_date"
        ),
        back=reverse("advice:my_hours"),
    )


# --- Meeting outcomes -------------------------------------------------------------------


@role_required(*PLANNERS)
def meetings(request):
    """Count a meeting held at the centre (held, no-show, cancelled); the monthly tallies."""
    centres = Centre.objects.for_user(request.user)
    form = MeetingForm(_posted(request), centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.meeting_count(
            centre=data["centre"], service=data["service"], day=data["date"], result=data["result"]
        )
        messages.success(request, _("Meeting counted."))
        return redirect("advice:meetings")
    tallies = (
        MeetingTally.objects.filter(centre__in=centres)
        .select_related("centre")
        .order_by("-month", "centre__name", "service")[:60]
    )
    return render(request, "advice/meetings.html", {"form": form, "tallies": tallies})


# --- Figures and exports ----------------------------------------------------------------

FIGURE_READERS = (Role.LEADER, Role.STAFF, Role.ASSOCIATION)


def _figures(request, *, suppressed):
    """Return (form, figures or None) for the query string; `suppressed` for exports."""
    user = request.user
    centres = Centre.objects.for_user(user)
    public = user.role == Role.ASSOCIATION
    suppressed = suppressed or public
    if public:
        form = PublicFiguresForm(request.GET or None)
    else:
        form = FiguresForm(request.GET or None, centres=centres)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else form.clean_defaults()
    contacts = Contact.objects.filter(centre__in=centres)
    meetings = MeetingTally.objects.filter(centre__in=centres)
    chosen_centres = centres
    if data.get("centre"):
        contacts = contacts.filter(centre=data["centre"])
        meetings = meetings.filter(centre=data["centre"])
        chosen_centres = centres.filter(pk=data["centre"].pk)
    if data.get("helper_role"):
        contacts = contacts.filter(helper_role=data["helper_role"])
    figures = stats.compute(
        contacts=contacts,
        meetings=meetings,
        centres=list(chosen_centres),
        organisation_id=user.organisation_id,
        start=data["start"],
        end=data["end"],
        suppressed=suppressed,
        threshold=user.organisation.small_cell_threshold if suppressed else None,
    )
    return form, figures


@role_required(*FIGURE_READERS)
def figures(request):
    """Advice figures per period, centre and helper role; small cells hidden for the
    association."""
    form, result = _figures(request, suppressed=False)
    query = request.GET.urlencode()
    return render(
        request,
        "advice/figures.html",
        {
            "form": form,
            "figures": result,
            "query": f"?{query}" if query else "",
            "hidden_label": exports.hidden(),
            "threshold": request.user.organisation.small_cell_threshold,
        },
    )


@role_required(*FIGURE_READERS)
def figures_csv(request):
    """The figures as CSV for Danish Excel: semicolons, UTF-8 with BOM, small cells hidden."""
    _form, result = _figures(request, suppressed=True)
    if result is None:
        return redirect("advice:figures")
    return exports.csv_response(result)


@role_required(*FIGURE_READERS)
def figures_xlsx(request):
    """The figures as an Excel workbook, small cells hidden."""
    _form, result = _figures(request, suppressed=True)
    if result is None:
        return redirect("advice:figures")
    return exports.xlsx_response(result)
