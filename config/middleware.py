import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from config.two_factor import held_at_second_step

SESSION_STARTED_KEY = "vaerested_session_started"
# Every page is read with GET (or HEAD) and changed with a form's POST.
SERVED_METHODS = ("GET", "HEAD", "POST")


def served_methods_only(get_response):
    """Answer 405 to PUT, PATCH, DELETE, OPTIONS and the rest before any view runs.

    Function views treat any method but POST as a GET; refusing the others in one place
    means no view can be reached by a method it was never written for.
    """

    def middleware(request):
        if request.method not in SERVED_METHODS:
            return HttpResponseNotAllowed(SERVED_METHODS)
        return get_response(request)

    return middleware


class AbsoluteSessionLimitMiddleware:
    """End a signed-in session SESSION_ABSOLUTE_SECONDS after it began, however busy.

    The idle limit is the session cookie's age, renewed on every request; this one is not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is not None and time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
                messages.info(
                    request,
                    _("You were signed out after %(hours)d hours. Please sign in again.")
                    % {"hours": hours},
                )
                return redirect(settings.LOGIN_URL)
        response = self.get_response(request)
        # Stamp the session on the response that signed the user in.
        if request.user.is_authenticated and SESSION_STARTED_KEY not in request.session:
            request.session[SESSION_STARTED_KEY] = time.time()
        return response


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set
    to English would show English; here only the switch's cookie changes the language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreForSignedInMiddleware:
    """Tell browsers and proxies to keep no copy of any page shown to a signed-in user.

    Pages name incidents, bans and key holders; a shared computer's back button or disk
    cache must not show them to the next person. Static files (served by WhiteNoise
    before this runs) and the health check are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name == "healthz":
            return response
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


# What a signed-in user who still owes a one-time code may open.
TWO_FACTOR_OPEN_VIEWS = {
    "two_factor",
    "two_factor_qr",
    "two_factor_verify",
    "logout",
    "set_language",
    "healthz",
}


class TwoFactorRequiredMiddleware:
    """Hold a signed-in user at the two-factor pages until a code is given.

    Applies to leaders and safety representatives always (without a device they are sent
    to set one up), and to anyone else who has turned two-factor sign-in on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not held_at_second_step(request):
            return None
        if request.resolver_match.view_name in TWO_FACTOR_OPEN_VIEWS:
            return None
        user = request.user
        target = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
