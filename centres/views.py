import contextlib
import datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from centres import accounts, forms_base, openings, services, signals, staffing, validity
from centres.access import (
    EVERY_ROLE,
    get_centre_for,
    get_key_holder_for,
    get_tally_centre,
    log_access,
    login_or_kiosk_required,
    no_store,
    role_required,
)
from centres.calendar_days import danish_holidays, week_start
from centres.forms import (
    AccountForm,
    AliasSearchForm,
    CensusForm,
    CentreProfileForm,
    ClosureForm,
    DateForm,
    DayFiguresForm,
    InviteForm,
    KeyFobForm,
    KeyHolderForm,
    LendFobForm,
    OpenDayForm,
    OpeningHoursForm,
    RiskActionForm,
    RotaShiftForm,
    ShiftForm,
    StaffAbsenceForm,
    UserRunOpeningForm,
    UserRunRecordForm,
    staff_of,
)
from centres.models import (
    AccessAction,
    AccessLogEntry,
    AccessSubject,
    Centre,
    Closure,
    DayEntry,
    FobStatus,
    KeyFob,
    KeyHolder,
    KeyLoan,
    OpeningHours,
    OpeningKind,
    Role,
    ShiftFeed,
    StaffAbsence,
    TargetGroup,
    User,
    VisitCount,
    VisitKind,
    normalise_alias,
)
from centres.query import int_param

LEADER = (Role.LEADER,)
# Undo goes back through this many taps of the current session.
UNDO_DEPTH = 20
# Weeks outside these years are not plans anyone makes.
PLAUSIBLE_YEARS = (2000, 2100)


def week_from(request):
    """The Monday of the week asked for in ?week=YYYY-MM-DD, else of this week."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
        day = timezone.localdate()  # far dates would overflow the week's arithmetic
    return week_start(day)


@login_required
def centre_detail(request, pk):
    """A centre's page for the people who work there: today at a glance."""
    centre = get_centre_for(request, pk)
    team = centre.assigned_users.filter(
        organisation_id=centre.organisation_id,
        is_active=True,
        role__in=[Role.STAFF, Role.OUTREACH],
    )
    now = timezone.now()
    today = timezone.localdate(now)
    day_start = openings.local_datetime(today, datetime.time())
    todays = centre.openings_between(day_start, day_start + datetime.timedelta(days=1))
    current = next((o for o in todays if o.contains(now)), None)
    return render(
        request,
        "centres/centre_detail.html",
        {
            "centre": centre,
            "today": today,
            "team": team.order_by("role", "first_name"),
            "todays_openings": todays,
            "current": current,
            "next_opening": None if current else centre.next_opening(now),
            "closed_reason": openings.closed_days([centre], today, today)[centre.pk].get(today),
            "counted": VisitCount.objects.filter(centre=centre, date=today).totals(),
            # Taps the counter's queue sent late or with a wrong clock: the leader decides.
            "flagged_taps": (
                centre.tally_events.flagged().count()
                if request.user.has_role(Role.LEADER)
                else None
            ),
            "due_runs": centre.user_run_openings.filter(ends__lte=now, recorded_at__isnull=True)
            .select_related("key_holder")
            .order_by("-starts")
            .logged_for(request)[:5],
        },
    )


# Rows of the access log shown for one alias at most; the newest first.
ACCESS_LOG_ROWS = 500


@no_store
@role_required(Role.LEADER)
def access_log(request):
    """Who has looked at this person: every read, search, export, creation or change of
    data naming one alias. The alias comes by POST, never in a URL; asking is logged too."""
    search = AliasSearchForm(request.POST if request.method == "POST" else None)
    entries = None
    if search.is_valid():
        alias = search.cleaned_data["alias"]
        # Logged first, so the leader's own look is in the list too.
        log_access(
            request, AccessAction.SEARCH, AccessSubject.ACCESS_LOG, aliases=[normalise_alias(alias)]
        )
        entries = list(
            AccessLogEntry.objects.concerning(request.user.organisation_id, alias).select_related(
                "user"
            )[:ACCESS_LOG_ROWS]
        )
    return render(request, "centres/access_log.html", {"search": search, "entries": entries})


@role_required(Role.LEADER)
def people(request):
    """Everyone with an account in the leader's organisation, with role and centres; those
    who can no longer sign in last."""
    members = (
        User.objects.in_organisation_of(request.user)
        .prefetch_related(
            Prefetch(
                "centres",
                queryset=Centre.objects.filter(
                    organisation_id=request.user.organisation_id
                ).order_by("name"),
            )
        )
        .order_by("-is_active", "role", "first_name", "username")
    )
    return render(request, "centres/people.html", {"members": members})


# --- Profile ----------------------------------------------------------------------------


@login_required
def profile(request, pk):
    """The leader edits the centre's profile as registered on Tilbudsportalen."""
    centre = get_centre_for(request, pk, roles=LEADER)
    form = CentreProfileForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile is saved."))
        return redirect(centre)
    labels = dict(TargetGroup.choices)
    return render(
        request,
        "centres/profile_form.html",
        {
            "centre": centre,
            "form": form,
            "target_groups": [labels.get(g, g) for g in centre.target_groups],
        },
    )


# --- Opening hours, closures, open days --------------------------------------------------


@login_required
def hours(request, pk):
    """The centre's opening hours with their validity, closures and opened days."""
    centre = get_centre_for(request, pk)
    today = timezone.localdate()
    rows = list(centre.opening_hours.all())
    return render(
        request,
        "centres/hours.html",
        {
            "centre": centre,
            "current": [h for h in rows if h.is_valid_on(today)],
            "future": [h for h in rows if h.valid_from > today],
            "past": [h for h in rows if h.valid_until and h.valid_until < today],
            "closures": centre.closures.filter(ends__gte=today - datetime.timedelta(days=31)),
            "open_days": centre.open_days.filter(date__gte=today),
            "holidays": danish_holidays(today, today + datetime.timedelta(days=365)),
            "can_edit": request.user.role == Role.LEADER,
            "corrections": corrections_of(centre),
        },
    )


# How many corrections of earlier days the hours page lists.
CORRECTIONS_SHOWN = 10


def corrections_of(centre):
    """The latest corrections of the centre's hours and closures (history rows with a
    reason), newest first."""
    rows = [
        *OpeningHours.history.filter(centre_id=centre.pk, history_change_reason__isnull=False)
        .select_related("history_user")
        .order_by("-history_id")[:CORRECTIONS_SHOWN],
        *Closure.history.filter(centre_id=centre.pk, history_change_reason__isnull=False)
        .select_related("history_user")
        .order_by("-history_id")[:CORRECTIONS_SHOWN],
    ]
    rows.sort(key=lambda r: r.history_date, reverse=True)
    return rows[:CORRECTIONS_SHOWN]


def save_rule(request, form, centre, *, split, saved, back):
    """Save a valid form of a rule that changes from a date (validity.RuleForm) and say
    what happened: from which day a change applies, or that the rule is saved."""
    form.instance.centre = centre
    row = form.save()
    if form.action == validity.SPLIT:
        date = formats.date_format(row.valid_from, "SHORT_DATE_FORMAT")
        messages.success(request, split % {"date": date})
    else:
        messages.success(request, saved)
    return redirect(back)


@login_required
def hours_edit(request, pk, hours_pk=None):
    centre = get_centre_for(request, pk, roles=LEADER)
    instance = get_object_or_404(centre.opening_hours, pk=hours_pk) if hours_pk else None
    form = OpeningHoursForm(request.POST or None, instance=instance, centre=centre)
    if request.method == "POST" and form.is_valid():
        return save_rule(
            request,
            form,
            centre,
            split=_("The new hours apply from %(date)s. The days before keep the hours they had."),
            saved=_("The opening hours are saved."),
            back=reverse("centres:hours", args=[centre.pk]),
        )
    title = _("Change opening hours") if instance else _("Add opening hours")
    return render(request, "centres/form.html", {"centre": centre, "form": form, "title": title})


def confirm_removal(request, *, centre, subject, first_day, last_day, remove, back, can_end=True):
    """Ask before removing `subject` (GET), then remove it (POST) with
    `remove(reason)` → validity.DELETE or END. A record from `first_day` to `last_day`
    that has a past is ended yesterday where `can_end`, else only removed as a
    correction with a reason (see centres.validity)."""
    try:
        planned = validity.plan_delete(first_day=first_day, last_day=last_day, can_end=can_end)
    except validity.ChangeRefused:
        planned = None
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("end"):  # "End it yesterday" is never a correction
            data.pop("correction", None)
    form = validity.ConfirmForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            done = remove(form.reason)
        except validity.ChangeRefused as refusal:
            form.add_error("correction", refusal)
        else:
            if done == validity.END:
                messages.success(
                    request,
                    _("%(subject)s ends yesterday. The days before are unchanged.")
                    % {"subject": subject},
                )
            else:
                messages.success(request, _("%(subject)s is deleted.") % {"subject": subject})
            return redirect(back)
    return render(
        request,
        "centres/confirm_removal.html",
        {
            "centre": centre,
            "subject": subject,
            "planned": planned,
            "yesterday": timezone.localdate() - datetime.timedelta(days=1),
            "form": form,
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
def hours_delete(request, pk, hours_pk):
    centre = get_centre_for(request, pk, roles=LEADER)
    hours = get_object_or_404(centre.opening_hours, pk=hours_pk)
    return confirm_removal(
        request,
        centre=centre,
        subject=_("Opening hours %(hours)s") % {"hours": hours},
        first_day=hours.valid_from,
        last_day=hours.valid_until,
        remove=lambda reason: validity.delete_rule(hours, reason=reason),
        back=reverse("centres:hours", args=[centre.pk]),
    )


@login_required
def closure_add(request, pk):
    centre = get_centre_for(request, pk, roles=LEADER)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The closure is saved."))
        return redirect("centres:hours", pk=centre.pk)
    return render(
        request, "centres/form.html", {"centre": centre, "form": form, "title": _("Add closure")}
    )


@login_required
def closure_delete(request, pk, closure_pk):
    centre = get_centre_for(request, pk, roles=LEADER)
    closure = get_object_or_404(centre.closures, pk=closure_pk)
    return confirm_removal(
        request,
        centre=centre,
        subject=_("The closure “%(reason)s”") % {"reason": closure.reason},
        first_day=closure.starts,
        last_day=closure.ends,
        remove=lambda reason: validity.delete_rule(
            closure, reason=reason, first_field="starts", last_field="ends"
        ),
        back=reverse("centres:hours", args=[centre.pk]),
    )


@login_required
def open_day_add(request, pk):
    """Keep the usual hours on a day a holiday or closure would close the centre."""
    centre = get_centre_for(request, pk, roles=LEADER)
    form = OpenDayForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The day is opened."))
        return redirect("centres:hours", pk=centre.pk)
    return render(
        request,
        "centres/form.html",
        {"centre": centre, "form": form, "title": _("Open on a holiday or closed day")},
    )


# --- Visit tallies -----------------------------------------------------------------------


def tally_context(request, centre, kind=None, counts=None):
    """The counter's context; `kind` saves working out the opening again after a tap, and
    `counts` (rows of VisitCount.objects.per_kind()) reading the day's counts."""
    now = timezone.now()
    today = timezone.localdate(now)
    if counts is None:
        counts = VisitCount.objects.filter(centre=centre, date=today).per_kind()
    per_kind = {row["kind"]: row for row in counts}
    taps = request.session.get(tally_session_key(centre), [])
    return {
        "centre": centre,
        "today": today,
        "tap_url": reverse("centres:tally_tap", args=[centre.pk]),
        "undo_url": reverse("centres:tally_undo", args=[centre.pk]),
        "kind": kind or services.visit_kind_at(centre, now),
        # When the counts were read: the counter's script keeps the newest it has seen.
        "counted_at": int(now.timestamp() * 1000),
        "counted": {
            "visits": sum(row["total"] for row in per_kind.values()),
            "new_visits": sum(row["new"] for row in per_kind.values()),
        },
        "per_kind": per_kind,
        "can_undo": bool(taps),
        "last_tap": taps[-1] if taps else None,
    }


def tally_session_key(centre):
    return f"centres:taps:{centre.pk}"


@login_or_kiosk_required
def tally(request, pk):
    """Today's count for a centre: big buttons for a phone."""
    centre = get_tally_centre(request, pk)
    return render(request, "centres/tally.html", tally_context(request, centre))


def tally_response(request, centre, kind=None, counts=None, **extra):
    if request.htmx:
        context = {**tally_context(request, centre, kind=kind, counts=counts), **extra}
        return render(request, "centres/tally.html#counter", context)
    return redirect("centres:tally", pk=centre.pk)


@require_POST
@login_or_kiosk_required
def tally_tap(request, pk):
    centre = get_tally_centre(request, pk)
    tap, counts = services.tap_and_count(centre=centre, new=request.POST.get("new") == "1")
    key = tally_session_key(centre)
    request.session[key] = [*request.session.get(key, []), tap][-UNDO_DEPTH:]
    return tally_response(request, centre, kind=VisitKind(tap["kind"]), counts=counts)


@require_POST
@login_or_kiosk_required
def tally_undo(request, pk):
    centre = get_tally_centre(request, pk)
    key = tally_session_key(centre)
    taps = request.session.get(key, [])
    if taps:
        services.undo_tap(centre=centre, tap=taps[-1])
        request.session[key] = taps[:-1]
        if not request.htmx:
            messages.info(request, _("The last tap was undone."))
    return tally_response(request, centre, undone=bool(taps))


@login_required
def tally_day(request, pk):
    """Enter a day's figures afterwards (at closing time or the next morning), added to
    the day's figures or replacing them; the form shows what the day already holds."""
    centre = get_centre_for(request, pk)
    initial = {"date": timezone.localdate(), "kind": VisitKind.STAFFED, "new_visits": 0}
    if request.method == "GET":
        # The date and kind picked on the form, to show what that day already holds.
        initial |= {name: request.GET[name] for name in ("date", "kind") if name in request.GET}
    form = DayFiguresForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            figures = services.set_day_figures(
                centre=centre,
                date=data["date"],
                kind=data["kind"],
                visits=data["visits"],
                new_visits=data["new_visits"],
                entry=data["entry"],
            )
        except ValidationError as error:
            form.add_error("visits", error)
        else:
            messages.success(request, day_figures_saved(data, figures))
            return redirect("centres:tally", pk=centre.pk)
    context = {"centre": centre, "form": form, "counted": day_counted(centre, form)}
    if request.htmx:
        return render(request, "centres/tally_day.html#counted", context)
    recent = (
        VisitCount.objects.filter(
            centre=centre, date__gte=timezone.localdate() - datetime.timedelta(days=13)
        )
        .per_centre_day_kind()
        .order_by("-date", "kind")
    )
    return render(
        request,
        "centres/tally_day.html",
        {**context, "recent": recent, "kinds": dict(VisitKind.choices)},
    )


def day_counted(centre, form):
    """What the centre's counters hold for the date and kind the form names: a dict with
    the date, the kind's label and the DayFigures; None while the form names no valid day."""
    try:
        date = form.fields["date"].clean(form["date"].value())
        kind = form.fields["kind"].clean(form["kind"].value())
    except ValidationError:
        return None
    figures = VisitCount.objects.filter(centre=centre, date=date, kind=kind).day_figures()
    return {"date": date, "kind": VisitKind(kind).label, "figures": figures}


def day_figures_saved(data, figures):
    """The confirmation: what was done, and the day's figures now."""
    values = {
        "date": formats.date_format(data["date"], "SHORT_DATE_FORMAT"),
        "kind": VisitKind(data["kind"]).label.lower(),
        "visits": data["visits"],
        "new": data["new_visits"],
        "total": figures.total,
        "total_new": figures.total_new,
        "tapped": figures.tapped,
        "afterwards": figures.afterwards,
    }
    if data["entry"] == DayEntry.ADD:
        return (
            _(
                "Added to %(date)s (%(kind)s): %(visits)s visitors (%(new)s new). The day "
                "now has %(total)s visitors in all (%(total_new)s new)."
            )
            % values
        )
    return (
        _(
            "Replaced the figures for %(date)s (%(kind)s). The day now has %(total)s "
            "visitors in all (%(total_new)s new): %(tapped)s tapped on the counter and "
            "%(afterwards)s entered afterwards."
        )
        % values
    )


@login_required
def census(request, pk):
    """Estimates of regular users over time, and a form for a new one."""
    centre = get_centre_for(request, pk)
    form = CensusForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The census is saved."))
        return redirect("centres:census", pk=centre.pk)
    return render(
        request,
        "centres/census.html",
        {"centre": centre, "form": form, "history": centre.censuses.all()[:50]},
    )


# --- Key holders, fobs and loans ---------------------------------------------------------


def scoped_fobs(user):
    return KeyFob.objects.for_user(user)


@never_cache  # key holders and ban flags: never kept by a browser or proxy
@role_required(Role.LEADER, Role.STAFF)
def keys(request):
    """Fobs out, holders without a safety briefing, loans due for review, and all fobs."""
    user = request.user
    fobs = scoped_fobs(user)
    open_loans = list(
        KeyLoan.objects.open()
        .filter(fob__in=fobs)
        .select_related("fob", "holder")
        .order_by("fob__number")
        .logged_for(request)
    )
    all_fobs = list(
        fobs.prefetch_related(
            Prefetch("centres", queryset=Centre.objects.order_by("name"))
        ).order_by("number")
    )
    # Other apps may ask for fobs to be suspended (e.g. a key holder under a ban).
    flags = signals.fob_flags_for(request)
    for loan in open_loans:
        loan.suspend_reason = flags.get(loan.fob_id, "")
    for fob in all_fobs:
        fob.suspend_reason = flags.get(fob.pk, "")
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.KEY_LOAN_REVIEW_DAYS)
    return render(
        request,
        "centres/keys.html",
        {
            "open_loans": open_loans,
            "review_days": settings.KEY_LOAN_REVIEW_DAYS,
            "review_cutoff": cutoff,
            "unbriefed": KeyHolder.objects.for_user(user)
            .without_safety_briefing()
            .logged_for(request),
            "holders": KeyHolder.objects.for_user(user).logged_for(request),
            "fobs": all_fobs,
            "statuses": FobStatus,
        },
    )


@no_store
@role_required(Role.LEADER, Role.STAFF)
def key_holder_edit(request, holder_pk=None):
    holder = get_key_holder_for(request, holder_pk) if holder_pk else None
    form = KeyHolderForm(
        request.POST or None, instance=holder, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = request.user.organisation
        with transaction.atomic():
            form.save()
            log_access(
                request,
                AccessAction.CHANGE if holder else AccessAction.CREATE,
                AccessSubject.KEY_HOLDER,
                object_id=form.instance.pk,
                aliases=form.instance.access_aliases,
            )
        messages.success(request, _("The key holder is saved."))
        return redirect("centres:keys")
    title = _("Change key holder") if holder else _("Add key holder")
    return render(request, "centres/form.html", {"form": form, "title": title})


@role_required(Role.LEADER, Role.STAFF)
def key_fob_add(request):
    form = KeyFobForm(
        request.POST or None,
        organisation=request.user.organisation,
        centres=Centre.objects.for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.organisation = request.user.organisation
            form.save()
        messages.success(request, _("The key fob is saved."))
        return redirect("centres:keys")
    return render(request, "centres/form.html", {"form": form, "title": _("Add key fob")})


@role_required(Role.LEADER, Role.STAFF)
def key_lend(request):
    fobs = scoped_fobs(request.user).filter(status=FobStatus.ACTIVE).order_by("number")
    holders = KeyHolder.objects.for_user(request.user).filter(active=True).logged_for(request)
    initial = {"fob": int_param(request.GET, "fob")}
    form = LendFobForm(request.POST or None, fobs=fobs, holders=holders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.lend_fob(
                fob=data["fob"], holder=data["holder"], issued=data["issued"], by=request.user
            )
        except ValidationError as error:
            form.add_error("fob", error)
        else:
            messages.success(
                request,
                _("Key fob %(number)s is lent to %(holder)s.")
                % {"number": data["fob"].number, "holder": data["holder"].alias},
            )
            return redirect("centres:keys")
    return render(request, "centres/form.html", {"form": form, "title": _("Lend a key fob")})


@role_required(Role.LEADER, Role.STAFF)
def key_return(request, loan_pk):
    """The date a lent fob came back (today unless told), then the loan is closed."""
    loan = get_object_or_404(
        KeyLoan.objects.open()
        .filter(fob__in=scoped_fobs(request.user))
        .select_related("fob", "holder"),
        pk=loan_pk,
    )
    log_access(
        request,
        AccessAction.VIEW,
        AccessSubject.KEY_HOLDER,
        object_id=loan.holder_id,
        aliases=loan.access_aliases,
    )
    form = DateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_fob(loan=loan, returned=form.cleaned_data["date"])
        except ValidationError as error:
            form.add_error("date", error)
        else:
            messages.success(
                request, _("Key fob %(number)s is returned.") % {"number": loan.fob.number}
            )
            return redirect("centres:keys")
    return render(
        request,
        "centres/fob_confirm.html",
        {
            "form": form,
            "fob": loan.fob,
            "title": _("Key fob %(number)s returned") % {"number": loan.fob.number},
            "explanation": _("Lent to %(holder)s since %(date)s.")
            % {
                "holder": loan.holder.alias,
                "date": formats.date_format(loan.issued, "SHORT_DATE_FORMAT"),
            },
            "button": _("Returned"),
        },
        status=400 if form.errors else 200,
    )


def fob_status_change(request, fob_pk, *, statuses, change, title, explanation, button, done):
    """Ask first (GET), then change the status of a fob in `statuses` (POST), dated."""
    fob = get_object_or_404(scoped_fobs(request.user).filter(status__in=statuses), pk=fob_pk)
    form = DateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change(fob=fob, date=form.cleaned_data["date"])
        except ValidationError as error:
            form.add_error("date", error)
        else:
            messages.success(request, done % {"number": fob.number})
            return redirect("centres:keys")
    loan = KeyLoan.objects.open().filter(fob=fob).select_related("holder").first()
    if loan is not None:
        log_access(
            request,
            AccessAction.VIEW,
            AccessSubject.KEY_HOLDER,
            object_id=loan.holder_id,
            aliases=loan.access_aliases,
        )
    return render(
        request,
        "centres/fob_confirm.html",
        {
            "form": form,
            "fob": fob,
            "title": title % {"number": fob.number},
            "explanation": explanation,
            "loan": loan,
            "button": button,
            "danger": True,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.LEADER, Role.STAFF)
def key_fob_lost(request, fob_pk):
    return fob_status_change(
        request,
        fob_pk,
        statuses=[FobStatus.ACTIVE],
        change=services.report_fob_lost,
        title=_("Mark key fob %(number)s as lost?"),
        explanation=_(
            "It can no longer be lent. If it turns up again, choose “Found again” on the "
            "list of fobs."
        ),
        button=_("Lost"),
        done=_("Key fob %(number)s is marked as lost."),
    )


@role_required(Role.LEADER, Role.STAFF)
def key_fob_retire(request, fob_pk):
    return fob_status_change(
        request,
        fob_pk,
        statuses=[FobStatus.ACTIVE, FobStatus.LOST],
        change=services.retire_fob,
        title=_("Retire key fob %(number)s?"),
        explanation=_("A retired fob is out of use for good and cannot be lent again."),
        button=_("Retire"),
        done=_("Key fob %(number)s is retired."),
    )


@role_required(Role.LEADER, Role.STAFF)
def key_fob_found(request, fob_pk):
    return fob_status_change(
        request,
        fob_pk,
        statuses=[FobStatus.LOST],
        change=services.find_fob,
        title=_("Key fob %(number)s found again?"),
        explanation=_("It becomes active and can be lent again. The history keeps the loss."),
        button=_("Found again"),
        done=_("Key fob %(number)s is active again."),
    )


# --- Staffing ----------------------------------------------------------------------------


@login_required
def shifts(request, pk):
    """The week's shifts at a centre, each staffed opening flagged if under two staff."""
    centre = get_centre_for(request, pk)
    monday = week_from(request)
    start, end = openings.week_bounds(monday)
    form = ShiftForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The shift is saved."))
        week = timezone.localdate(form.instance.starts)
        return redirect(f"{request.path}?week={week_start(week).isoformat()}")
    week_shifts = list(
        centre.shifts.overlapping(start, end).select_related("worker").order_by("starts")
    )
    week_openings, staffed = staffing.week_staffing(centre, monday)
    people = {u.pk: u for u in User.objects.in_organisation_of(request.user)}
    staffed = [(s, [people.get(shift.worker_id) for shift in s.shifts]) for s in staffed]
    return render(
        request,
        "centres/shifts.html",
        {
            "centre": centre,
            "monday": monday,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "shifts": week_shifts,
            "staffed": staffed,
            "hours": openings.hours_per_kind(week_openings),
            "form": form,
        },
    )


@login_required
def shift_delete(request, pk, shift_pk):
    centre = get_centre_for(request, pk)
    shift = get_object_or_404(centre.shifts.select_related("worker"), pk=shift_pk)
    day = timezone.localdate(shift.starts)
    monday = week_start(day)
    local_start = timezone.localtime(shift.starts)
    return confirm_removal(
        request,
        centre=centre,
        subject=_("The shift of %(worker)s on %(day)s at %(time)s")
        % {
            "worker": shift.worker.first_name or shift.worker.username,
            "day": formats.date_format(local_start, "SHORT_DATE_FORMAT"),
            "time": f"{local_start:%H:%M}",
        },
        first_day=day,
        last_day=day,
        can_end=False,
        remove=lambda reason: services.shift_delete(shift=shift, reason=reason),
        back=f"{reverse('centres:shifts', args=[centre.pk])}?week={monday.isoformat()}",
    )


# --- User-run openings -------------------------------------------------------------------


@login_required
def user_run_add(request, pk):
    """Plan a user-run opening (from a user-run or maybe-open slot, or ad hoc)."""
    centre = get_centre_for(request, pk)
    holders = KeyHolder.objects.for_user(request.user).filter(active=True).logged_for(request)
    initial = {}
    for name in ("starts", "ends"):
        with contextlib.suppress(ValueError, OverflowError):
            initial[name] = timezone.localtime(
                datetime.datetime.fromisoformat(request.GET.get(name, ""))
            ).strftime("%Y-%m-%dT%H:%M")
    form = UserRunOpeningForm(request.POST or None, holders=holders, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The user-run opening is planned."))
        monday = week_start(timezone.localdate(form.instance.starts))
        url = reverse("centres:week_plan", args=[centre.pk])
        return redirect(f"{url}?week={monday.isoformat()}")
    return render(
        request,
        "centres/form.html",
        {"centre": centre, "form": form, "title": _("Plan a user-run opening")},
    )


@login_required
def user_run_record(request, pk, run_pk):
    """Afterwards: did it take place, how many came, locked properly, anything unsafe."""
    centre = get_centre_for(request, pk)
    run = get_object_or_404(centre.user_run_openings.select_related("key_holder"), pk=run_pk)
    if run.starts > timezone.now():
        raise Http404
    log_access(
        request,
        AccessAction.VIEW,
        AccessSubject.KEY_HOLDER,
        object_id=run.key_holder_id,
        aliases=run.access_aliases,
    )
    initial = {}
    if run.is_recorded:
        initial = {
            "took_place": "yes" if run.took_place else "no",
            "visitors": run.visitors,
            "locked_properly": "yes" if run.locked_properly else "no",
            "unsafe_event": "yes" if run.unsafe_event else "no",
        }
    form = UserRunRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_user_run(opening=run, **form.cleaned_data)
        messages.success(request, _("The user-run opening is recorded."))
        run.refresh_from_db()
        if run.unsafe_event and signals.unsafe_report_url_for(run):
            # Back to the record, which now links to where the event is reported.
            return redirect("centres:user_run_record", centre.pk, run.pk)
        return redirect(centre)
    report_url = signals.unsafe_report_url_for(run) if run.unsafe_event else None
    return render(
        request,
        "centres/user_run_record.html",
        {"centre": centre, "run": run, "form": form, "unsafe_report_url": report_url},
    )


# --- Week plan ---------------------------------------------------------------------------


@role_required(*EVERY_ROLE)
def week_plans(request):
    """The navigation's way to the week plan: the plan itself for a user of one centre,
    else the user's centres to choose from. ?week= is passed on."""
    centres = list(Centre.objects.for_user(request.user).only("pk", "name"))
    week = request.GET.get("week", "")
    query = f"?{urlencode({'week': week})}" if week else ""
    if len(centres) == 1:
        return redirect(reverse("centres:week_plan", args=[centres[0].pk]) + query)
    return render(request, "centres/week_plans.html", {"centres": centres, "query": query})


@login_required
def week_plan(request, pk, extra_entries=()):
    """The week's staffed, user-run and maybe-open hours, closures and holidays, for the
    notice board. `extra_entries` (start, end, label, kind) let other apps add theirs."""
    centre = get_centre_for(request, pk, roles=EVERY_ROLE)
    monday = week_from(request)
    days, hours_per_kind = openings.week_plan(centre, monday, extra_entries)
    return render(
        request,
        "centres/week_plan.html",
        {
            "centre": centre,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "week_number": monday.isocalendar().week,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "days": days,
            "hours": hours_per_kind,
            "kinds": OpeningKind,
            "can_plan": request.user.role in (Role.LEADER, Role.STAFF),
        },
    )


# --- Accounts ---------------------------------------------------------------------------


def get_person_for(request, pk):
    """A person of the user's organisation, for the leader; others of the organisation
    get a 403, and a person of another organisation (or a superuser) does not exist."""
    person = get_object_or_404(
        User.objects.in_organisation_of(request.user).filter(is_superuser=False), pk=pk
    )
    if not request.user.has_role(Role.LEADER):
        raise PermissionDenied
    return person


def invitation_link(request):
    return lambda token: request.build_absolute_uri(reverse("centres:invitation", args=[token]))


@role_required(Role.LEADER)
def person_invite(request):
    """The leader invites a person, who is mailed a link to choose a password."""
    organisation = request.user.organisation
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            person = accounts.invite(
                request.user, **form.cleaned_data, link_for=invitation_link(request)
            )
        except accounts.AccountRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is invited. The e-mail with the link went to %(email)s.")
                % {"name": person, "email": person.email},
            )
            return redirect("centres:person", pk=person.pk)
    return render(
        request,
        "centres/person_form.html",
        {"form": form, "title": _("Invite a person"), "button": _("Send invitation")},
    )


@login_required
def person_detail(request, pk):
    """A person's account and every change made to it."""
    person = get_person_for(request, pk)
    changes = person.account_changes.select_related("changed_by")
    invitation = person.invitations.first()
    return render(
        request,
        "centres/person.html",
        {
            "person": person,
            "centres": person.centres.filter(organisation_id=person.organisation_id),
            "changes": changes,
            "invitation": invitation,
            "invitation_usable": invitation is not None
            and invitation.used_at is None
            and invitation.expires_at > timezone.now(),
            "has_second_step": accounts.has_second_step(person),
        },
    )


@login_required
def person_edit(request, pk):
    person = get_person_for(request, pk)
    initial = {
        "role": person.role,
        "centres": person.centres.all(),
        "qualification": person.qualification,
    }
    form = AccountForm(
        request.POST or None, initial=initial, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = accounts.change_account(request.user, person, **form.cleaned_data)
        except accounts.AccountRefused as refusal:
            form.add_error("role", str(refusal))
        else:
            if change is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The changes are saved."))
            if person.pk == request.user.pk and form.cleaned_data["role"] != Role.LEADER:
                return redirect("home")  # no longer a leader: the person's page is closed
            return redirect("centres:person", pk=person.pk)
    return render(
        request,
        "centres/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Change %(name)s") % {"name": person},
            "button": _("Save"),
        },
    )


def confirm_account_change(request, person, *, change, title, explanation, button, done):
    """Ask first (GET), then `change(leader, person)` (POST); a refusal is shown on the
    page with nothing changed."""
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            change(request.user, person)
        except accounts.AccountRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, done % {"name": person})
            return redirect("centres:person", pk=person.pk)
    return render(
        request,
        "centres/person_confirm.html",
        {
            "form": form,
            "person": person,
            "title": title % {"name": person},
            "explanation": explanation,
            "button": button,
        },
    )


@login_required
def person_deactivate(request, pk):
    person = get_person_for(request, pk)
    if not person.is_active:
        return redirect("centres:person", pk=person.pk)
    return confirm_account_change(
        request,
        person,
        change=accounts.deactivate,
        title=_("Deactivate %(name)s?"),
        explanation=_(
            "The person can no longer sign in, and is signed out everywhere at once. "
            "Shifts, records and history stay. You can reactivate the account later."
        ),
        button=_("Deactivate"),
        done=_("%(name)s is deactivated and signed out."),
    )


@login_required
def person_reactivate(request, pk):
    person = get_person_for(request, pk)
    if person.is_active:
        return redirect("centres:person", pk=person.pk)
    return confirm_account_change(
        request,
        person,
        change=accounts.reactivate,
        title=_("Reactivate %(name)s?"),
        explanation=_("The person can sign in again with the password they had."),
        button=_("Reactivate"),
        done=_("%(name)s can sign in again."),
    )


@login_required
def person_reset_second_step(request, pk):
    person = get_person_for(request, pk)
    return confirm_account_change(
        request,
        person,
        change=accounts.reset_second_step,
        title=_("Reset two-factor sign-in for %(name)s?"),
        explanation=_(
            "For a lost or new phone. The app and backup codes stop working and the person "
            "is signed out everywhere. At the next sign-in, a leader or safety "
            "representative must set up an app again before anything else."
        ),
        button=_("Reset two-factor sign-in"),
        done=_("Two-factor sign-in is reset for %(name)s."),
    )


@login_required
def person_invite_again(request, pk):
    person = get_person_for(request, pk)
    if person.has_usable_password():
        return redirect("centres:person", pk=person.pk)
    return confirm_account_change(
        request,
        person,
        change=lambda leader, person: accounts.invite_again(
            leader, person, invitation_link(request)
        ),
        title=_("Send the invitation to %(name)s again?"),
        explanation=_("A new link goes to %(email)s. Earlier links stop working.")
        % {"email": person.email},
        button=_("Send invitation"),
        done=_("A new invitation went to %(name)s."),
    )


@never_cache
def invitation(request, token):
    """The invited person chooses a password, then goes on signed in (to setting up an
    app first, where the role needs one). A link that cannot be used gets one page,
    whatever the reason."""
    found = accounts.usable_invitation(token)
    if found is None:
        return render(request, "centres/invitation_invalid.html", status=404)
    person = found.person
    form = forms_base.SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.accept_invitation(found, form):
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your password is saved."))
            return redirect("home")
        return render(request, "centres/invitation_invalid.html", status=404)
    return render(request, "centres/invitation.html", {"form": form, "person": person})


# --- Rota, absences, openings at risk, my shifts --------------------------------------------


@login_required
def rota(request, pk):
    """The centre's weekly rota: who works when, valid from and until."""
    centre = get_centre_for(request, pk)
    today = timezone.localdate()
    rows = (
        centre.rota_shifts.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("worker")
        .order_by("weekday", "starts", "valid_from", "worker__first_name", "worker__username")
    )
    weekdays = {}
    for row in rows:
        weekdays.setdefault(row.get_weekday_display(), []).append(row)
    return render(
        request,
        "centres/rota.html",
        {"centre": centre, "weekdays": weekdays, "can_edit": request.user.role == Role.LEADER},
    )


@login_required
def rota_edit(request, pk, rota_pk=None):
    centre = get_centre_for(request, pk, roles=LEADER)
    instance = get_object_or_404(centre.rota_shifts, pk=rota_pk) if rota_pk else None
    form = RotaShiftForm(request.POST or None, instance=instance, centre=centre)
    if request.method == "POST" and form.is_valid():
        return save_rule(
            request,
            form,
            centre,
            split=_("The new shift applies from %(date)s. The days before keep the rota they had."),
            saved=_("The rota is saved."),
            back=reverse("centres:rota", args=[centre.pk]),
        )
    title = _("Change rota shift") if instance else _("Add rota shift")
    return render(request, "centres/form.html", {"centre": centre, "form": form, "title": title})


@login_required
def rota_delete(request, pk, rota_pk):
    centre = get_centre_for(request, pk, roles=LEADER)
    row = get_object_or_404(centre.rota_shifts.select_related("worker"), pk=rota_pk)
    return confirm_removal(
        request,
        centre=centre,
        subject=_("The rota shift %(shift)s of %(worker)s") % {"shift": row, "worker": row.worker},
        first_day=row.valid_from,
        last_day=row.valid_until,
        remove=lambda reason: validity.delete_rule(row, reason=reason),
        back=reverse("centres:rota", args=[centre.pk]),
    )


def organisation_absences(user):
    return StaffAbsence.objects.filter(worker__organisation_id=user.organisation_id)


@role_required(Role.LEADER)
def absences(request):
    """Current and coming absences of the organisation's staff, and a form for a new one."""
    form = StaffAbsenceForm(request.POST or None, organisation_id=request.user.organisation_id)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The absence is saved. The shifts on those days are off."))
        return redirect("centres:at_risk")
    rows = (
        organisation_absences(request.user)
        .filter(last_day__gte=timezone.localdate())
        .select_related("worker")
    )
    return render(
        request,
        "centres/absences.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@role_required(Role.LEADER)
def absence_delete(request, absence_pk):
    absence = get_object_or_404(
        organisation_absences(request.user).select_related("worker"), pk=absence_pk
    )
    return confirm_removal(
        request,
        centre=None,
        subject=_("The absence of %(worker)s") % {"worker": absence.worker},
        first_day=absence.first_day,
        last_day=absence.last_day,
        remove=lambda reason: validity.delete_rule(
            absence, reason=reason, first_field="first_day", last_field="last_day"
        ),
        back=reverse("centres:absences"),
    )


@role_required(Role.LEADER)
def at_risk(request):
    """The staffed openings of the coming four weeks with fewer than two qualified staff
    planned, each with what the leader can do about it."""
    centres = list(Centre.objects.for_user(request.user))
    flagged = staffing.upcoming_at_risk(centres)
    people = {u.pk: u for u in User.objects.in_organisation_of(request.user)}
    staff = list(staff_of(request.user.organisation_id)) if flagged else []
    rows = [
        {
            "staffing": s,
            "people": [people.get(shift.worker_id) for shift in s.shifts],
            "form": RiskActionForm(
                centre=s.centre,
                staff=staff,
                initial={"start": s.opening.start},
                prefix=f"o{s.centre.pk}-{s.opening.start:%Y%m%d%H%M}",
            ),
        }
        for s in flagged
    ]
    return render(request, "centres/at_risk.html", {"rows": rows, "days": staffing.LOOKAHEAD_DAYS})


@require_POST
@role_required(Role.LEADER)
def at_risk_act(request, pk):
    centre = get_centre_for(request, pk, roles=LEADER)
    prefix = request.POST.get("prefix", "")
    form = RiskActionForm(request.POST, centre=centre, prefix=prefix or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            staffing.act_on_risk(centre, form.opening, data["action"], data["worker"])
        except ValidationError as error:
            form.add_error("worker", error)
        else:
            messages.success(request, _("Done: the week plan and the calendar show it now."))
            monday = week_start(timezone.localdate(form.opening.start))
            return redirect(
                f"{reverse('centres:week_plan', args=[centre.pk])}?week={monday.isoformat()}"
            )
    return render(
        request,
        "centres/at_risk_act.html",
        {"centre": centre, "form": form, "prefix": prefix},
        status=400,
    )


@role_required(Role.LEADER, Role.STAFF)
def my_shifts(request):
    """The signed-in person's shifts of the coming four weeks, and their private feed."""
    today = timezone.localdate()
    last = today + datetime.timedelta(days=staffing.LOOKAHEAD_DAYS - 1)
    centres = list(Centre.objects.filter(organisation_id=request.user.organisation_id))
    names = {c.pk: c.name for c in centres}
    found = staffing.planned_shifts(centres, today, last, worker=request.user)
    shifts = sorted(
        ((s, names[s.centre_id]) for rows in found.values() for s in rows),
        key=lambda item: item[0].starts,
    )
    feed = ShiftFeed.objects.filter(worker=request.user).first()
    absent = StaffAbsence.objects.filter(worker=request.user).between(today, last)
    return render(
        request,
        "centres/my_shifts.html",
        {"shifts": shifts, "feed": feed, "absences": absent, "days": staffing.LOOKAHEAD_DAYS},
    )


@require_POST
@role_required(Role.LEADER, Role.STAFF)
def my_shifts_feed(request):
    """Make a new private feed link (the old one stops working), or remove it."""
    with transaction.atomic():
        ShiftFeed.objects.filter(worker=request.user).delete()
        if request.POST.get("remove"):
            messages.success(request, _("The calendar link is removed. It no longer works."))
        else:
            ShiftFeed.objects.create(worker=request.user, token=staffing.new_feed_token())
            messages.success(request, _("A new calendar link is made. An old one no longer works."))
    return redirect("centres:my_shifts")


@require_GET
def shift_feed(request, token):
    """A person's own shifts as iCalendar, for a phone: no sign-in, the token is the key."""
    feed = get_object_or_404(
        ShiftFeed.objects.select_related("worker").filter(worker__is_active=True), token=token
    )
    body = staffing.shifts_ical(feed.worker)
    response = HttpResponse(body, content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="vagter.ics"'
    # One person's shifts, fetched without a session: never kept by a shared proxy.
    patch_cache_control(response, no_store=True, private=True)
    return response
