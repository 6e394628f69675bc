import json
import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from centres import signals
from centres.models import Centre, Role
from config.todo import todo_for

# Role: (heading, whether the centres link to their working page).
CENTRE_HOMES = {
    Role.STAFF: (_("Today"), True),
    Role.OUTREACH: (_("Your centres"), False),
    Role.ASSOCIATION: (_("The centres"), False),
}


@login_required
def home(request):
    """The page each role starts from."""
    user = request.user
    centres = Centre.objects.for_user(user)
    panels = signals.home_panels.items(request=request)
    context = {
        "centres": centres,
        "today": timezone.localdate(),
        "panels": panels,
        "todo": todo_for(user, timezone.localdate()),
    }
    if user.role == Role.LEADER:
        context["centres"] = centres.with_staff_count()
        return render(request, "home/leader.html", context)
    if user.role in CENTRE_HOMES:
        heading, link_centres = CENTRE_HOMES[user.role]
        context.update(heading=heading, link_centres=link_centres)
        return render(request, "home/centres.html", context)
    return render(request, "home/no_role.html", context)


@never_cache
@login_required
@require_GET
def todo_count(request):
    """The count of the signed-in person's to-do items for the navigation, loaded by htmx
    after the page, so no page pays for it before it is shown."""
    count = len(todo_for(request.user, timezone.localdate()))
    return render(request, "includes/todo_count.html", {"todo_count": count})


@never_cache
@require_GET
def healthz(request):
    """Answer 200 "ok" when the database answers, 503 otherwise; no details either way."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
        response["Retry-After"] = "30"
        return response
    return HttpResponse("ok", content_type="text/plain")


csp_log = logging.getLogger("vaerested.csp")
# A report is a few hundred bytes; anything much larger is not a browser's report.
CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORT_TYPES = ("application/csp-report", "application/reports+json", "application/json")
CSP_REPORT_FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri")


@csrf_exempt
@require_POST
def csp_report(request):
    """Log a browser's report of a Content-Security-Policy violation, one line each.

    Reports arrive without a session or CSRF token (the browser sends them on its own),
    as `report-uri` JSON ({"csp-report": {...}}) or `report-to` JSON (a list of
    {"type": "csp-violation", "body": {...}}). Nothing is stored; the fields logged are
    cut short, since anyone can post here."""
    if request.content_type not in CSP_REPORT_TYPES:
        return HttpResponse(status=415)
    length = request.headers.get("Content-Length") or "0"
    if not (length.isascii() and length.isdigit()):
        return HttpResponse(status=400)
    if int(length) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body[:CSP_REPORT_MAX_BYTES] or b"null")
    except ValueError:
        return HttpResponse(status=400)
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        reports = [payload["csp-report"]]
    elif isinstance(payload, list):
        reports = [r.get("body") for r in payload if isinstance(r, dict)]
    else:
        return HttpResponse(status=400)
    for report in reports[:10]:
        if not isinstance(report, dict):
            continue
        # report-to bodies use camelCase names for the same fields.
        fields = {
            name: report.get(name, report.get(_camel(name), "")) for name in CSP_REPORT_FIELDS
        }
        csp_log.warning(
            "CSP violation: %s",
            " ".join(f"{name}={str(value)[:200]!r}" for name, value in fields.items()),
        )
    return HttpResponse(status=204)


def _camel(name):
    first, *rest = name.split("-")
    return first + "".join(part.title() for part in rest).replace("Uri", "URL")
