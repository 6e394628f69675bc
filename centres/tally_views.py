"""The counter's queue: batches of taps from the browser, and the leader's decisions on
taps that wait (see centres.tally_sync)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from centres import tally_sync
from centres.access import (
    CENTRE_WORKERS,
    get_centre_for,
    get_tally_centre,
    kiosk_of,
    login_or_kiosk_required,
)
from centres.forms import FlaggedTapForm
from centres.models import Centre, Role, TallyEvent, TallyEventAction

LEADER = (Role.LEADER,)
FLAGGED_SHOWN = 200


@require_POST
@login_or_kiosk_required
def tally_sync_batch(request, pk):
    """Apply a batch of queued taps and undos (JSON); answer the day's counts.

    A batch that cannot be applied is refused whole with a 400 and a message; nothing of
    it is saved. A batch sent again counts nothing twice (centres.tally_sync)."""
    centre = get_tally_centre(request, pk)
    try:
        # Any other body may have been read as a form already, and is no batch.
        if request.content_type != "application/json":
            raise tally_sync.BatchRefused(_("The taps must be sent as JSON."))
        batch = tally_sync.parse_batch(request.body)
        result = tally_sync.apply_batch(centre=centre, batch=batch)
    except tally_sync.BatchRefused as refused:
        answer = {"error": str(refused)}
        if refused.event is not None:
            answer["event"] = str(refused.event)
        return JsonResponse(answer, status=400)
    now = timezone.now()
    result.update(
        applied=[str(event.id) for event in batch.events],
        today=timezone.localdate(now).isoformat(),
        at=int(now.timestamp() * 1000),
    )
    response = JsonResponse(result)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def tally_flagged(request, pk):
    """The taps of a centre that wait for the leader, oldest first, with their corrected
    time; each can be counted or discarded."""
    centre = get_centre_for(request, pk, roles=LEADER)
    waiting = TallyEvent.objects.filter(centre=centre, action=TallyEventAction.TAP).flagged()
    return render(
        request,
        "centres/tally_flagged.html",
        {
            "centre": centre,
            "events": waiting.order_by("happened_at", "id")[:FLAGGED_SHOWN],
            "total": waiting.count(),
            "shown": FLAGGED_SHOWN,
        },
    )


@require_POST
@login_required
def tally_flagged_decide(request, pk, event_pk):
    """Count a waiting tap in its hour, or discard it with a reason; one transaction."""
    centre = get_centre_for(request, pk, roles=LEADER)
    event = get_object_or_404(TallyEvent.objects.filter(centre=centre), pk=event_pk)
    form = FlaggedTapForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("centres:tally_flagged", pk=centre.pk)
    moment = formats.date_format(timezone.localtime(event.happened_at), "SHORT_DATETIME_FORMAT")
    try:
        with transaction.atomic():
            if form.cleaned_data["decision"] == FlaggedTapForm.CONFIRM:
                tally_sync.confirm_flagged_tap(event=event, by=request.user)
                messages.success(request, _("The tap of %(when)s is counted.") % {"when": moment})
            else:
                tally_sync.discard_flagged_tap(
                    event=event, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The tap of %(when)s is discarded.") % {"when": moment})
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("centres:tally_flagged", pk=centre.pk)


@login_or_kiosk_required
def tally_start(request):
    """The installed app's start page: the counter of the user's one centre (a tablet's
    own), else the home page to choose from. Without a connection the service worker
    answers here with the counter last opened on the device."""
    kiosk = kiosk_of(request)
    if kiosk is not None:
        return redirect("centres:tally", pk=kiosk.centre_id)
    if request.user.has_role(*CENTRE_WORKERS):
        centres = list(Centre.objects.for_user(request.user).values_list("pk", flat=True)[:2])
        if len(centres) == 1:
            return redirect("centres:tally", pk=centres[0])
    return redirect("home")


SERVICE_WORKER = "js/tally-sw.js"


@never_cache
@require_GET
def service_worker(request):
    """The counter's service worker, from our static files, at the site's root.

    A worker controls only the pages under the path it is served from; the static
    files live under /static/ with a new hashed name on each release. Served here under
    one fixed name at the root, its scope may be /centres/ (where it registers), and the
    browser finds a new version at the same address (never cached). A view rather than a
    whitenoise header: whitenoise serves only under /static/ and could not give the file
    a fixed address outside it."""
    found = finders.find(SERVICE_WORKER)
    if found is None:
        raise Http404
    with open(found, "rb") as source:
        response = HttpResponse(source.read(), content_type="text/javascript")
    return response
