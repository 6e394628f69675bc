from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from centres.models import Centre, Role
from config.context_processors import app_uis

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
    panels = [panel for ui in app_uis() for panel in ui.home_panels(request)]
    context = {"centres": centres, "today": timezone.localdate(), "panels": panels}
    if user.role == Role.LEADER:
        context["centres"] = centres.with_staff_count()
        return render(request, "home/leader.html", context)
    if user.role in CENTRE_HOMES:
        heading, link_centres = CENTRE_HOMES[user.role]
        context.update(heading=heading, link_centres=link_centres)
        return render(request, "home/centres.html", context)
    return render(request, "home/no_role.html", context)


@never_cache
@require_GET
def healthz(request):
    """Answer 200 "ok" when the database answers, 503 otherwise; no details either way."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
