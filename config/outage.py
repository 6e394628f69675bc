"""When the database cannot be reached: 503 with Retry-After, a short Danish page, one
log line, instead of a 500 and a traceback per request.

Django turns an exception anywhere in the stack (a view, the session or authentication
middleware) into the 500 handler's answer, so the handler is where an unreachable
database is told apart from a bug (`server_error`, set as `handler500`).
"""

import logging
import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import defaults

log = logging.getLogger("vaerested.database")

RETRY_AFTER_SECONDS = 30
# SQLSTATEs of a server that went away or is not taking connections yet; errors without
# one come from the client (refused, reset, timed out).
UNREACHABLE_STATES = ("57P01", "57P02", "57P03")


def database_unreachable(error):
    """Whether `error` (or what it was raised from) says the database cannot be reached,
    rather than refused a statement (a deadlock, a constraint, a timeout)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, InterfaceError | psycopg.InterfaceError):
            return True
        if isinstance(error, psycopg.OperationalError):
            state = error.sqlstate
            return state is None or state.startswith("08") or state in UNREACHABLE_STATES
        if isinstance(error, OperationalError) and error.__cause__ is None:
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """The 500 handler: a 503 that says to try again when the database is away."""
    error = sys.exc_info()[1]
    if not database_unreachable(error):
        return defaults.server_error(request)
    return unavailable(request, error)


def unavailable(request, error=None):
    """503 with Retry-After. An htmx request gets a line for the page's status region
    (base.html), so the phone shows that the tap was not counted and can be sent again."""
    if request.path_info == reverse("healthz"):
        # The load balancer's check, failed in the middleware before the view could.
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
    elif request.headers.get("HX-Request") == "true":
        body = render_to_string("includes/_unavailable.html")
        response = HttpResponse(body, status=503)
        response["HX-Retarget"] = "#service-status"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # One line per request: the session and authentication middleware meet the same
    # outage again on the way out, and Django would log a traceback for each.
    if not getattr(request, "_outage_logged", False):
        request._outage_logged = True
        reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        log.error(
            "Database unreachable, answered 503: %s %s (%s)", request.method, request.path, reason
        )
    response._has_been_logged = True
    return response
