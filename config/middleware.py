import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "vaerested_session_started"


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
