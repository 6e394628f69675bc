"""Places where other apps add to centres' pages without centres importing them.

Apps register their functions in their AppConfig.ready(); centres calls whatever is
registered and shows nothing extra when nothing is.
"""

# Functions (request) -> {fob id: reason}: fobs another app wants suspended, shown next
# to the fob on the keys page. The provider scopes what it reveals to request.user.
FOB_FLAG_PROVIDERS = []

# Functions (user-run opening) -> URL or None: where to report an unsafe event at the
# opening, linked from its record page.
UNSAFE_REPORT_URL_PROVIDERS = []


def add_fob_flag_provider(provider):
    """Register `provider(request)` → {fob id: reason}."""
    if provider not in FOB_FLAG_PROVIDERS:
        FOB_FLAG_PROVIDERS.append(provider)
    return provider


def fob_flags(request):
    """Return {fob id: reason} from every provider; reasons for one fob joined by "; "."""
    reasons = {}
    for provider in FOB_FLAG_PROVIDERS:
        for fob_id, reason in provider(request).items():
            reasons.setdefault(fob_id, []).append(str(reason))
    return {fob_id: "; ".join(found) for fob_id, found in reasons.items()}


def add_unsafe_report_url(provider):
    """Register `provider(user_run_opening)` → URL or None."""
    if provider not in UNSAFE_REPORT_URL_PROVIDERS:
        UNSAFE_REPORT_URL_PROVIDERS.append(provider)
    return provider


def unsafe_report_url(opening):
    """Return the first URL a provider gives for reporting an unsafe event, or None."""
    for provider in UNSAFE_REPORT_URL_PROVIDERS:
        url = provider(opening)
        if url:
            return url
    return None
