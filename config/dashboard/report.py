"""The dashboard's report (every figure, chart and table below the period picker), kept
rendered for past periods.

A past period's figures change only when data behind them change, and every such change
moves the organisation's FigureVersion in the same transaction (centres.figure_versions).
The rendered report is kept under that version, so a change is seen on the very next
view. The current period's report is never kept: it runs up to today (Period.so_far),
whose taps and activities change by the minute. Its year-earlier figures (the same days
a year earlier, one more each day) and its "right now" figures (follow-up, bans, keys: of
the day and the data only) are, under the same version and today's date: the date in the
key is what moves both on at midnight, as nothing behind them changes.
"""

import hashlib

from django.template.loader import render_to_string
from django.utils import translation

from centres.models import FigureVersion
from centres.services import kept
from config.dashboard.figures import dashboard as dashboard_figures
from config.dashboard.figures import period_figures, right_now

CACHE = "dashboard"


def cache_key(*, organisation_id, version, centre_ids, period, today, part="report"):
    """The key of a kept `part`; `period` None for figures that are the same whatever the
    period."""
    centres = ",".join(str(pk) for pk in sorted(centre_ids))
    span = [period.kind, period.start.isoformat(), period.end.isoformat()] if period else []
    parts = [
        part,
        translation.get_language(),
        organisation_id,
        version,
        today.isoformat(),
        *span,
        centres,
    ]
    return "dashboard:report:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def report(request, *, centre_ids, organisation_id, period, today, now):
    """The rendered report; from the cache when the period is over and nothing behind its
    figures changed since it was rendered."""
    version = FigureVersion.current(organisation_id)

    def key(of, part):
        return cache_key(
            organisation_id=organisation_id,
            version=version,
            centre_ids=centre_ids,
            period=of,
            today=today,
            part=part,
        )

    def earlier_figures(earlier):
        # Of a running period, `earlier` ends on the same day a year earlier as today, so
        # its dates in the key change each day as well as the day itself.
        def compute():
            return period_figures(centre_ids, organisation_id, earlier, now, tables=False)

        if earlier.end >= today:  # a custom period of more than a year
            return compute()
        return kept(CACHE, key(earlier, "figures"), compute)

    def now_figures():
        # Figures of the day and the data, whatever the period: the day is in the key.
        return kept(CACHE, key(None, "now"), lambda: right_now(centre_ids, organisation_id, today))

    def render():
        context = dashboard_figures(
            centre_ids=centre_ids,
            organisation_id=organisation_id,
            period=period,
            now=now,
            earlier_figures=earlier_figures,
            now_figures=now_figures,
        )
        return render_to_string("dashboard/dashboard.html#report", context, request)

    if period.end >= today:
        return render()
    return kept(CACHE, key(period, "report"), render)
