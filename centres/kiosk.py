"""The tablet by the door: a kiosk session that is no one's account.

A paired tablet sends a long-lived cookie holding a random token; KioskMiddleware looks
the token's hash up on every request (one query on a unique index), so a revoked tablet
is out at its next request. request.user stays anonymous and request.kiosk is the
device. A kiosk may open only the views named in KIOSK_VIEWS (or starting with one of
KIOSK_VIEW_PREFIXES), and only for its own centre: a new view is closed to kiosks until
it is added here.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from centres.models import KioskDevice

COOKIE_NAME = "vaerested_kiosk"
COOKIE_MAX_AGE = 365 * 24 * 3600
# last_seen is written at most this often, not on every tap.
LAST_SEEN_EVERY = datetime.timedelta(minutes=5)

# What a kiosk may open, by resolved URL name; the views check the centre themselves.
KIOSK_VIEWS = frozenset(
    {
        "centres:kiosk_home",
        "centres:kiosk_pair",
        "centres:tally",
        "centres:tally_tap",
        "centres:tally_undo",
        # Counting offline: the installed counter's start page and its service worker.
        "centres:tally_start",
        "service_worker",
        "advice:record",
        "advice:record_undo",
        "incidents:quick",
        "set_language",
        "healthz",
        "csp_report",
    }
)
KIOSK_VIEW_PREFIXES = ("centres:tally_sync",)


def kiosk_may_open(view_name):
    """True if a kiosk may open the view named `view_name` (a resolved URL name)."""
    return view_name in KIOSK_VIEWS or view_name.startswith(KIOSK_VIEW_PREFIXES)


def cookie_name():
    # Under HTTPS the __Host- prefix binds the cookie to this host and path /.
    return f"__Host-{COOKIE_NAME}" if settings.SESSION_COOKIE_SECURE else COOKIE_NAME


def set_kiosk_cookie(response, token):
    response.set_cookie(
        cookie_name(),
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def forget_kiosk_cookie(response):
    response.delete_cookie(cookie_name(), samesite="Lax")


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def to_pairing_page(request):
    """Send a tablet whose pairing has ended to the pairing page (htmx: the whole page)."""
    url = reverse("centres:kiosk_pair")
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
    else:
        messages.info(request, _("This tablet is no longer connected. Enter a new code."))
        response = redirect(url)
    forget_kiosk_cookie(response)
    return response


class KioskMiddleware:
    """Set request.kiosk from the tablet's cookie and keep a kiosk to its allowlist.

    A person signed in on the same browser is that person, never the kiosk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.kiosk = None
        token = request.COOKIES.get(cookie_name())
        if token and not request.user.is_authenticated:
            request.kiosk = KioskDevice.objects.paired_by(token)
            if request.kiosk is None:
                match = _resolve(request)
                if match is None or match.view_name != "centres:kiosk_pair":
                    return to_pairing_page(request)
        response = self.get_response(request)
        if request.kiosk is not None:
            patch_cache_control(response, no_store=True, private=True)
            _seen(request.kiosk)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.kiosk is None or kiosk_may_open(request.resolver_match.view_name):
            return None
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("centres:kiosk_home")
            return response
        return redirect("centres:kiosk_home")


def _resolve(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def _seen(device):
    now = timezone.now()
    if device.last_seen is None or now - device.last_seen > LAST_SEEN_EVERY:
        KioskDevice.objects.filter(pk=device.pk).update(last_seen=now)
        device.last_seen = now
