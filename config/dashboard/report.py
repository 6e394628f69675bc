"""The dashboard's report (every figure, chart and table below the period picker), kept
rendered for past periods.

A past period's figures change only when data behind them change, and every such change
moves the organisation's FigureVersion in the same transaction (centres.figure_versions).
The rendered report is kept under that version, so a change is seen on the very next
view. The current period is never kept: its taps and activities change by the minute.
"""

import hashlib

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation

from centres.models import FigureVersion
from config.dashboard.figures import dashboard as dashboard_figures

CACHE = "dashboard"


def cache_key(*, organisation_id, version, centre_ids, period, today):
    centres = ",".join(str(pk) for pk in sorted(centre_ids))
    parts = [
        translation.get_language(),
        organisation_id,
        version,
        today.isoformat(),
        period.kind,
        period.start.isoformat(),
        period.end.isoformat(),
        centres,
    ]
    return "dashboard:report:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def report(request, *, centre_ids, organisation_id, period, today, now):
    """The rendered report; from the cache when the period is over and nothing behind its
    figures changed since it was rendered."""

    def render():
        context = dashboard_figures(
            centre_ids=centre_ids, organisation_id=organisation_id, period=period, now=now
        )
        return render_to_string("dashboard/dashboard.html#report", context, request)

    if period.end >= today:
        return render()
    key = cache_key(
        organisation_id=organisation_id,
        version=FigureVersion.current(organisation_id),
        centre_ids=centre_ids,
        period=period,
        today=today,
    )
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html)
    return html
