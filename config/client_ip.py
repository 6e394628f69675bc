from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the
    outermost proxy saw, which is that many entries from the right of X-Forwarded-For.

    Entries further left come from the client and may be forged; they are never used.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.PROXY_COUNT:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    return hops[-settings.PROXY_COUNT] if len(hops) >= settings.PROXY_COUNT else remote
