"""A view that does nothing, to measure what the stack itself costs.

Served only when VAERESTED_BENCH_VIEWS=1 (by `make load`), so production never
serves it and the permission table never sees it.
"""

from django.http import HttpResponse


def plain(request):
    return HttpResponse("ok", content_type="text/plain")
