"""A form sent twice is saved once.

Every form carries a one-time token ({% submission_token %}). For a POST with a token,
the token's row is inserted in the same transaction as the view's work. A second POST
with the same token (a double click, a resend after a timeout, the back button) waits on
the unique index until the first is committed, then finds the row and gets the first
answer again instead of running the view. The row is kept only when the first POST
succeeded (a redirect, or an htmx answer): a form with errors leaves the token free, so
the corrected form can be sent with it.
"""

import re

import psycopg
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

TOKEN_FIELD = "submission_token"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A request that lost a race is rolled back whole and run again from the start (the token
# included), up to this many times before the error is shown: after a deadlock or a
# serialisation failure, and after a unique violation, where the form's own check then
# sees the row the other request saved and answers with its error instead of a 500.
RETRIES = 3
RETRYABLE = (
    psycopg.errors.DeadlockDetected,
    psycopg.errors.SerializationFailure,
    psycopg.errors.UniqueViolation,
)
# Answers larger than this are not kept for a replay (htmx partials are small).
MAX_KEPT_BODY = 256 * 1024


def _retryable(error):
    return isinstance(error, OperationalError | IntegrityError) and isinstance(
        error.__cause__, RETRYABLE
    )


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _succeeded(request, response):
    """A redirect, or an htmx answer (which carries fresh tokens for what it swaps in).

    A full page answered with 200 to a POST is a form shown again with its errors."""
    if 300 <= response.status_code < 400:
        return True
    return _is_htmx(request) and 200 <= response.status_code < 300 and not response.streaming


def replay_at(response, location):
    """Mark a redirect to be replayed to `location` instead of its own: for a redirect
    that carries something the token's row must not keep (a recorded contact's undo
    link, which would tie the contact to the row's sender)."""
    response.replay_location = location
    return response


def _save_session(request):
    """Save the session in the form's transaction, as SessionMiddleware would after it:
    what the view put there (a tap's undo) is kept with the view's writes or not at all,
    and the request commits once (SessionMiddleware's own save then has nothing new)."""
    session = getattr(request, "session", None)
    if session is None or session.is_empty():
        return
    if not (session.modified or settings.SESSION_SAVE_EVERY_REQUEST):
        return
    try:
        session.save()
    except UpdateError:
        raise SessionInterrupted(
            "The request's session was deleted before the request completed."
        ) from None


class SubmissionTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or TOKEN_FIELD not in request.POST:
            return self.get_response(request)
        token = request.POST[TOKEN_FIELD]
        if not TOKEN_PATTERN.fullmatch(token):
            return HttpResponseBadRequest(_("The form is damaged. Reload the page."))
        for attempt in range(RETRIES + 1):
            request._submission_error = None
            with transaction.atomic():
                replay = self._claim(request, token)
                if replay is not None:
                    return replay
                response = self.get_response(request)
                if attempt < RETRIES and _retryable(request._submission_error):
                    transaction.set_rollback(True)
                    continue
                self._settle(request, token, response)
            return response
        raise AssertionError("unreachable")

    def process_exception(self, request, exception):
        # The view's exception becomes a 500 answer before __call__ sees it; keep it to
        # tell a lost race (run again) from a bug (roll back and show the error page).
        request._submission_error = exception

    def _claim(self, request, token):
        """Insert the token's row; None if it is new, else the first answer again."""
        from centres.models import SubmissionToken

        user_id = request.user.pk if request.user.is_authenticated else None
        owner = SubmissionToken.owner_of(token, user_id)
        new, first = SubmissionToken.objects.claim(token, owner)
        if new:
            return None
        if first is None or not constant_time_compare(first.owner, owner):
            return HttpResponseBadRequest(_("The form is damaged. Reload the page."))
        return self._replay(request, first)

    def _settle(self, request, token, response):
        from centres.models import SubmissionToken

        if transaction.get_connection().needs_rollback:
            # The view swallowed a database error; what it did cannot be committed.
            transaction.set_rollback(True)
        elif _succeeded(request, response):
            kept = {"status": response.status_code}
            if response.has_header("Location"):
                kept["location"] = getattr(response, "replay_location", response["Location"])
            elif len(response.content) <= MAX_KEPT_BODY:
                kept["body"] = response.content.decode(response.charset, errors="replace")
            SubmissionToken.objects.keep(token, **kept)
            _save_session(request)
        elif response.status_code >= 500:
            transaction.set_rollback(True)  # nothing half saved
        else:
            SubmissionToken.objects.filter(token=token).delete()

    def _replay(self, request, first):
        if first.location:
            if not _is_htmx(request):
                messages.info(request, _("The form was already sent; it is saved only once."))
            return HttpResponseRedirect(first.location)
        return HttpResponse(first.body, status=first.status or 200)
