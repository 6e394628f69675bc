import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centres.access import centres_for, get_centre_for, kiosk_of, role_required
from centres.exports import XLSX_TYPE, attachment
from centres.forms import AliasSearchForm
from centres.models import AccessAction, AccessSubject, Centre, Role, User, normalise_alias
from centres.query import int_param
from incidents import services, stats
from incidents.access import (
    INCIDENT_ROLES,
    get_ban_for,
    get_incident_for,
    log_access,
    no_store,
)
from incidents.forms import (
    BanForm,
    FollowUpItemForm,
    IncidentForm,
    ProcedureForm,
    QuarterForm,
    QuickIncidentForm,
    ReportingForm,
    RiskAssessmentForm,
    quarter_bounds,
)
from incidents.models import (
    Acknowledgement,
    Ban,
    BanScope,
    Context,
    FollowUpItem,
    Incident,
    Procedure,
    RiskAssessment,
    WorkInjuryRule,
)

# Prefill values a link may pass in ?context=, e.g. from a user-run opening's page.
CONTEXT_PREFILLS = {
    "user_run": Context.USER_RUN_OPENING,
    "staffed": Context.STAFFED_OPENING,
    "activity": Context.ACTIVITY,
    "off_site": Context.OFF_SITE,
}


def prefill_from(request):
    initial = {}
    context = CONTEXT_PREFILLS.get(request.GET.get("context", ""))
    if context:
        initial["context"] = context
    centre = int_param(request.GET, "centre")
    if centre is not None:
        initial["centre"] = centre
    return initial


# Reports ------------------------------------------------------------------------------


@no_store
@role_required(*INCIDENT_ROLES)
def incident_list(request):
    """The reports the user may read, newest first; optionally (by POST, so the alias
    stays out of URLs) those naming one alias."""
    incidents = Incident.objects.for_user(request.user).select_related("centre")
    search = AliasSearchForm(request.POST if request.method == "POST" else None)
    alias = ""
    if search.is_valid():
        alias = search.cleaned_data["alias"]
        incidents = incidents.mentioning(alias)
        # The search names the alias whether or not it finds anything.
        log_access(
            request, AccessAction.SEARCH, AccessSubject.INCIDENT, aliases=[normalise_alias(alias)]
        )
    incidents = incidents.logged_for(request)
    status = request.POST.get("status") or request.GET.get("status", "open")
    if status == "open":
        incidents = incidents.open()
    page = Paginator(incidents, 50).get_page(request.POST.get("page") or request.GET.get("page"))
    return render(
        request,
        "incidents/incident_list.html",
        {"page": page, "search": search, "status": status, "alias": alias},
    )


@no_store
@role_required(*INCIDENT_ROLES, kiosk=True)
def incident_quick(request):
    """Register a minor episode in a few taps; on the tablet by the door, at its centre,
    with the tablet as the source (it cannot open the report afterwards)."""
    kiosk = kiosk_of(request)
    form = QuickIncidentForm(
        request.POST or None,
        user=request.user,
        centres=centres_for(request) if kiosk else None,
        initial=prefill_from(request),
    )
    if request.method == "POST" and form.is_valid():
        if kiosk is None:
            form.instance.reported_by = request.user
        else:
            form.instance.reported_by_kiosk = kiosk
        incident = form.save()
        log_access(request, AccessAction.CREATE, AccessSubject.INCIDENT, object_id=incident.pk)
        if kiosk is not None:
            messages.success(request, _("The episode is registered. Thank you. Staff will see it."))
            return redirect("incidents:quick")
        messages.success(request, _("The episode is registered. Thank you."))
        return redirect(incident)
    return render(request, "incidents/incident_quick.html", {"form": form})


@no_store
@role_required(*INCIDENT_ROLES)
def incident_create(request):
    """File a full incident report."""
    form = IncidentForm(request.POST or None, user=request.user, initial=prefill_from(request))
    if request.method == "POST" and form.is_valid():
        form.instance.reported_by = request.user
        incident = form.save()
        log_access(
            request,
            AccessAction.CREATE,
            AccessSubject.INCIDENT,
            object_id=incident.pk,
            aliases=incident.alias_keys,
        )
        messages.success(request, _("The report is filed."))
        return redirect(incident)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": None})


@no_store
@role_required(*INCIDENT_ROLES)
def incident_edit(request, pk):
    """Complete a report, or upgrade a minor episode to a full report; every change is
    kept in the history."""
    incident = get_incident_for(request, pk, write=True)
    if incident.pseudonymised_at:
        raise PermissionDenied
    form = IncidentForm(request.POST or None, instance=incident, user=request.user)
    if request.method == "POST" and form.is_valid():
        incident = form.save()
        log_access(
            request,
            AccessAction.CHANGE,
            AccessSubject.INCIDENT,
            object_id=incident.pk,
            aliases=incident.alias_keys,
        )
        messages.success(request, _("The report is saved."))
        return redirect(incident)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": incident})


def history_of(incident):
    """The report's versions and those of its follow-up items, newest first, each with
    the labels of the changed fields (a follow-up item's entry names the item)."""
    entries = _versions(incident.history.all(), Incident)
    items = FollowUpItem.history.filter(incident_id=incident.pk)
    for entry in _versions(items, FollowUpItem, by="id"):
        entry["follow_up"] = entry["record"].get_kind_display()
        entries.append(entry)
    entries.sort(key=lambda e: (e["record"].history_date, e["record"].history_id))
    return list(reversed(entries))


def _versions(records, model, by=None):
    """[{"record", "changed"}] of `records` oldest first, each compared with the version
    before it of the same row (`by`: the field naming the row, for several rows)."""
    entries = []
    previous = {}
    for record in records.select_related("history_user").order_by("history_id"):
        key = getattr(record, by) if by else None
        changed = []
        if key in previous:
            delta = record.diff_against(previous[key], foreign_keys_are_objs=False)
            changed = [
                str(model._meta.get_field(change.field).verbose_name)
                for change in delta.changes
                if change.field not in ("alias_keys",)
            ]
        entries.append({"record": record, "changed": changed})
        previous[key] = record
    return entries


@no_store
@role_required(*INCIDENT_ROLES)
def incident_detail(request, pk):
    incident = get_incident_for(request, pk)
    user = request.user
    can_write = Centre.objects.for_user(user).filter(pk=incident.centre_id).exists()
    context = {
        "incident": incident,
        "follow_ups": incident.follow_ups.select_related("owner"),
        "history": history_of(incident),
        "is_leader": user.role == Role.LEADER,
        "can_write": can_write and not incident.pseudonymised_at,
        "bans": incident.bans.all(),
    }
    return render(request, "incidents/incident_detail.html", context)


@no_store
@role_required(*INCIDENT_ROLES)
def incident_print(request, pk):
    """A copy of the report for the person affected."""
    incident = get_incident_for(request, pk, action=AccessAction.EXPORT)
    return render(
        request,
        "incidents/incident_print.html",
        {"incident": incident, "printed_at": timezone.now()},
    )


@require_POST
@no_store
@role_required(*INCIDENT_ROLES)
def incident_advance(request, pk):
    """The leader moves the report one step on in the follow-up workflow."""
    incident = get_incident_for(request, pk, leader_only=True)
    try:
        incident = services.incident_advance(incident=incident)
    except services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        log_access(request, AccessAction.CHANGE, AccessSubject.INCIDENT, object_id=incident.pk)
        messages.success(
            request, _("Status: %(status)s.") % {"status": incident.get_status_display()}
        )
    return redirect(incident)


@no_store
@role_required(*INCIDENT_ROLES)
def incident_reporting(request, pk):
    """Record when and with what reference the work injury and police reports were filed."""
    incident = get_incident_for(request, pk, leader_only=True)
    form = ReportingForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_access(request, AccessAction.CHANGE, AccessSubject.INCIDENT, object_id=incident.pk)
        messages.success(request, _("The report is saved."))
        return redirect(incident)
    return render(
        request, "incidents/incident_reporting.html", {"form": form, "incident": incident}
    )


@no_store
@role_required(*INCIDENT_ROLES)
def follow_up_create(request, pk):
    incident = get_incident_for(request, pk, leader_only=True)
    form = FollowUpItemForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_access(request, AccessAction.CHANGE, AccessSubject.INCIDENT, object_id=incident.pk)
        messages.success(request, _("The follow-up item is added."))
        return redirect(incident)
    return render(request, "incidents/follow_up_form.html", {"form": form, "incident": incident})


@require_POST
@no_store
@role_required(*INCIDENT_ROLES)
def follow_up_done(request, pk, item_pk):
    """The owner or the leader marks a follow-up item done."""
    incident = get_incident_for(request, pk)
    item = get_object_or_404(incident.follow_ups, pk=item_pk)
    if request.user.role != Role.LEADER and item.owner_id != request.user.pk:
        raise PermissionDenied
    if item.done_on is None:
        item.done_on = timezone.localdate()
        item.save()
        log_access(request, AccessAction.CHANGE, AccessSubject.INCIDENT, object_id=incident.pk)
    return redirect(incident)


# Home-page overview ---------------------------------------------------------------------


@no_store
@role_required(*INCIDENT_ROLES)
def overview(request):
    """What needs attention: for the leader deadlines, overdue items, bans and reviews
    due; for staff the active bans at their centres and what they owe."""
    user = request.user
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=14)
    bans = Ban.objects.for_user(user).select_related("centre").logged_for(request)
    context = {"today": today, "is_leader": user.role == Role.LEADER}
    if user.role == Role.LEADER:
        incidents = Incident.objects.for_user(user)
        context.update(
            work_injuries=sorted(
                WorkInjuryRule.objects.attach_to(
                    incidents.work_injury_pending().select_related("centre")
                ),
                key=lambda incident: incident.work_injury_deadline_day or datetime.date.max,
            ),
            overdue=stats.follow_ups_for(user)
            .overdue(today)
            .select_related("owner", "incident__centre"),
            bans_ending=bans.filter(ends_on__gte=today, ends_on__lte=soon).order_by("ends_on"),
            bans_review=bans.filter(review_on__lte=soon, ends_on__gte=today).order_by("review_on"),
            risk_due=stats.risk_assessments_due(user, soon),
            unacknowledged=stats.unacknowledged_count(user),
            fobs_to_suspend=list(stats.fobs_to_suspend(user.organisation_id, today)),
        )
        flagged = [loan.banned_alias for loan in context["fobs_to_suspend"]]
    else:
        context.update(
            active_bans=bans.active(today).order_by("alias"),
            my_follow_ups=stats.follow_ups_for(user)
            .open()
            .filter(owner=user)
            .select_related("incident__centre"),
            procedures_to_read=stats.procedures_to_acknowledge(user),
        )
        flagged = []
    if flagged:
        log_access(request, AccessAction.VIEW, AccessSubject.BAN_LIST, aliases=flagged)
    template = "incidents/overview.html"
    if request.htmx:
        template += "#overview"
    return render(request, template, context)


# Bans -----------------------------------------------------------------------------------


@no_store
@role_required(*INCIDENT_ROLES)
def ban_list(request):
    """Active and coming bans; the leader also sees the ended ones."""
    today = timezone.localdate()
    bans = Ban.objects.for_user(request.user).select_related("centre", "decided_by")
    show = request.GET.get("show", "current")
    if show != "all" or request.user.role != Role.LEADER:
        bans = bans.filter(ends_on__gte=today)
    bans = list(bans.order_by("starts_on", "alias").logged_for(request))
    return render(
        request,
        "incidents/ban_list.html",
        {"bans": bans, "today": today, "show": show, "is_leader": request.user.is_leader},
    )


@no_store
@role_required(Role.LEADER)
def ban_create(request):
    form = BanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        ban = services.ban_create(form=form)
        if ban is not None:
            log_access(
                request,
                AccessAction.CREATE,
                AccessSubject.BAN,
                object_id=ban.pk,
                aliases=[ban.alias_key],
            )
            messages.success(request, _("The ban is saved."))
            return redirect(ban)
    return render(request, "incidents/ban_form.html", {"form": form})


@no_store
@role_required(*INCIDENT_ROLES)
def ban_edit(request, pk):
    """Correct a ban: record when the person was told, move the review date, end it early."""
    ban = get_ban_for(request, pk, leader_only=True)
    form = BanForm(request.POST or None, instance=ban, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.ban_create(form=form)
        if saved is not None:
            log_access(
                request,
                AccessAction.CHANGE,
                AccessSubject.BAN,
                object_id=ban.pk,
                aliases=[saved.alias_key],
            )
            messages.success(request, _("The ban is saved."))
            return redirect(saved)
    return render(request, "incidents/ban_form.html", {"form": form, "ban": ban})


@no_store
@role_required(*INCIDENT_ROLES)
def centre_bans(request, centre_pk):
    """The bans in force at one centre today, for the people who work there."""
    centre = get_centre_for(request, centre_pk, roles=INCIDENT_ROLES)
    today = timezone.localdate()
    bans = list(
        Ban.objects.filter(organisation_id=centre.organisation_id)
        .filter(Q(scope=BanScope.ORGANISATION) | Q(centre=centre))
        .active(today)
        .select_related("centre")
        .order_by("alias")
        .logged_for(request)
    )
    return render(
        request,
        "incidents/centre_bans.html",
        {"centre": centre, "bans": bans, "today": today},
    )


@no_store
@role_required(*INCIDENT_ROLES)
def ban_detail(request, pk):
    ban = get_ban_for(request, pk)
    today = timezone.localdate()
    fobs_to_suspend = []
    if ban.key_holder_id and ban.starts_on <= today <= ban.ends_on:
        fobs_to_suspend = ban.key_holder.loans.open().select_related("fob").order_by("fob__number")
    return render(
        request,
        "incidents/ban_detail.html",
        {
            "ban": ban,
            "today": today,
            "fobs_to_suspend": fobs_to_suspend,
            "is_leader": request.user.is_leader,
            "history": ban.history.select_related("history_user").order_by("-history_id"),
        },
    )


# Risk assessments and procedures --------------------------------------------------------


@no_store
@role_required(*INCIDENT_ROLES)
def risk_list(request):
    """Each centre's current written risk assessment and when it is due for review."""
    centres = Centre.objects.for_user(request.user).prefetch_related(
        Prefetch(
            "risk_assessments",
            queryset=RiskAssessment.objects.select_related("written_by").order_by(
                "-assessed_on", "-pk"
            ),
        )
    )
    return render(
        request,
        "incidents/risk_list.html",
        {"centres": centres, "today": timezone.localdate()},
    )


@no_store
@role_required(*INCIDENT_ROLES)
def risk_create(request, centre_pk):
    centre = get_centre_for(request, centre_pk, roles=INCIDENT_ROLES)
    form = RiskAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.instance.written_by = request.user
        form.save()
        messages.success(request, _("The risk assessment is saved."))
        return redirect("incidents:risk_list")
    return render(request, "incidents/risk_form.html", {"form": form, "centre": centre})


@role_required(*INCIDENT_ROLES)
def procedure_list(request):
    """Each centre's current procedure; the leader sees who has not acknowledged it."""
    user = request.user
    centres = list(
        Centre.objects.for_user(user).prefetch_related(
            Prefetch(
                "procedures",
                queryset=Procedure.objects.order_by("-version").prefetch_related(
                    "acknowledgements"
                ),
            ),
            Prefetch(
                "assigned_users",
                queryset=User.objects.filter(role=Role.STAFF, is_active=True).order_by(
                    "first_name", "username"
                ),
                to_attr="staff",
            ),
        )
    )
    rows = []
    for centre in centres:
        procedure = centre.procedures.all()[0] if centre.procedures.all() else None
        acknowledged = {a.user_id for a in procedure.acknowledgements.all()} if procedure else set()
        rows.append(
            {
                "centre": centre,
                "procedure": procedure,
                "missing": [u for u in centre.staff if u.pk not in acknowledged],
                "acknowledged_by_me": user.pk in acknowledged,
                "can_acknowledge": user.role == Role.STAFF
                and any(u.pk == user.pk for u in centre.staff),
            }
        )
    return render(
        request,
        "incidents/procedure_list.html",
        {"rows": rows, "is_leader": user.role == Role.LEADER},
    )


@role_required(*INCIDENT_ROLES)
def procedure_create(request, centre_pk):
    """Publish a new version of a centre's procedure (everyone acknowledges it again)."""
    centre = get_centre_for(request, centre_pk, roles=(Role.LEADER,))
    current = centre.procedures.order_by("-version").first()
    form = ProcedureForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.instance.version = (current.version if current else 0) + 1
        form.instance.published_by = request.user
        services.procedure_publish(form=form)
        if form.instance.pk:
            messages.success(request, _("The new version is published."))
            return redirect("incidents:procedure_list")
    return render(
        request,
        "incidents/procedure_form.html",
        {"form": form, "centre": centre, "current": current},
    )


@require_POST
@role_required(Role.STAFF)
def procedure_acknowledge(request, pk):
    procedure = get_object_or_404(
        Procedure.objects.filter(centre__in=Centre.objects.for_user(request.user)), pk=pk
    )
    Acknowledgement.objects.get_or_create(procedure=procedure, user=request.user)
    messages.success(request, _("Thank you: you have acknowledged the procedure."))
    return redirect("incidents:procedure_list")


# Access log and figures -----------------------------------------------------------------


def quarter_from(request):
    form = QuarterForm(request.GET or None)
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    else:
        year, quarter = QuarterForm.current()
        form = QuarterForm(initial={"year": year, "quarter": quarter})
    return form, year, quarter


@no_store
@role_required(Role.LEADER)
def figures(request):
    """Figures for the quarterly review: per month by kind, severity and centre."""
    form, year, quarter = quarter_from(request)
    start, end = quarter_bounds(year, quarter)
    table = stats.quarter_figures(request.user, start, end)
    log_access(request, AccessAction.VIEW, AccessSubject.FIGURES)
    return render(
        request,
        "incidents/figures.html",
        {"form": form, "year": year, "quarter": quarter, "start": start, "end": end, **table},
    )


@no_store
@role_required(Role.LEADER)
def figures_xlsx(request):
    _form, year, quarter = quarter_from(request)
    start, end = quarter_bounds(year, quarter)
    content = stats.quarter_figures_xlsx(request.user, start, end)
    log_access(request, AccessAction.EXPORT, AccessSubject.FIGURES)
    return attachment(content, f"haendelser-{year}-k{quarter}.xlsx", XLSX_TYPE)
