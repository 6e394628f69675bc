from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import CENTRE_WORKERS, role_required
from centres.exports import XLSX_TYPE, attachment
from centres.models import Centre, Role
from centres.query import int_params
from config.dashboard import pack as report_pack
from config.dashboard.figures import dashboard as dashboard_figures
from config.dashboard.periods import PeriodForm, PeriodKind


def scoped_centres(request, parameter):
    """The user's centres; a centre named in the query's `parameter` that lies outside the
    user's scope is a 404, as if it did not exist."""
    centres = list(Centre.objects.for_user(request.user).only("pk", "name"))
    allowed = {c.pk for c in centres}
    if any(pk is not None and pk not in allowed for pk in int_params(request.GET, parameter)):
        raise Http404
    return centres


@role_required(*CENTRE_WORKERS)
def dashboard(request):
    """Figures of a period for one or all of the user's centres, beside a year earlier."""
    centres = scoped_centres(request, "centre")
    form = PeriodForm(request.GET or None, centres=centres, today=timezone.localdate())
    context = {"form": form, "centres": centres}
    if request.GET and not form.is_valid():
        return render(request, "dashboard/dashboard.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    now = timezone.now()
    today = timezone.localdate(now)
    # A period that holds today is shown up to today, beside the same days a year earlier.
    period = (data.get("the_period") or PeriodForm.default_period(today)).so_far(today)
    chosen = data.get("centre")
    context.update(
        dashboard_figures(
            centre_ids=[chosen] if chosen else [c.pk for c in centres],
            organisation_id=request.user.organisation_id,
            period=period,
            now=now,
        ),
        chosen=next((c for c in centres if c.pk == chosen), None),
        is_custom=period.kind == PeriodKind.CUSTOM,
    )
    return render(request, "dashboard/dashboard.html", context)


@role_required(Role.LEADER)
def pack(request):
    """The supervisory report pack of a year for a set of centres, as a page."""
    form, figures = _pack(request)
    status = 400 if figures is None and request.GET else 200
    return render(
        request,
        "dashboard/pack.html",
        {
            "form": form,
            "pack": figures,
            "query": request.GET.urlencode(),
            "hidden_label": report_pack.hidden_label(),
        },
        status=status,
    )


@role_required(Role.LEADER)
def pack_xlsx(request):
    """The same report pack as an XLSX workbook."""
    form, figures = _pack(request)
    if figures is None:
        return render(request, "dashboard/pack.html", {"form": form, "pack": None}, status=400)
    name = _("supervisory-report-%(year)s.xlsx") % {"year": figures.year}
    return attachment(report_pack.workbook(figures), name, XLSX_TYPE)


def _pack(request):
    centres = scoped_centres(request, "centres")
    organisation = request.user.organisation
    form = report_pack.PackForm(
        request.GET or None,
        centres=centres,
        today=timezone.localdate(),
        threshold=organisation.small_cell_threshold,
    )
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or form.fields["year"].initial
    chosen = set(data.get("centres") or (c.pk for c in centres))
    figures = report_pack.compute(
        centres=[c for c in centres if c.pk in chosen],
        organisation_id=request.user.organisation_id,
        year=year,
        shared=bool(data.get("shared")),
        threshold=organisation.small_cell_threshold,
        organisation=organisation.name,
    )
    return form, figures
