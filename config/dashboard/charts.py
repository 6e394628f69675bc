"""Charts drawn on the server as SVG shapes: coordinates only, no styles and no script, so
they pass the strict CSP and print. Every chart has a table with the same numbers."""

from dataclasses import dataclass

from django.utils.formats import localize
from django.utils.html import format_html_join

from centres.models import Weekday

WIDTH = 600
HEIGHT = 200
# Shades of the heat map: a CSS class heat-0 .. heat-5.
HEAT_LEVELS = 5
DEFAULT_HOURS = range(8, 17)


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


def _scale(values):
    top = max(values, default=0)
    return top or 1


def stacked_bars(series, kinds):
    """Return {"rects", "rows", "kinds", "max", "width", "height"} for bars of `series`:
    [(label, {kind: n})] stacked in the order of `kinds` [(key, label)]."""
    totals = [sum(counts.get(k, 0) for k, _label in kinds) for _label, counts in series]
    top = _scale(totals)
    slot = WIDTH / max(len(series), 1)
    bar = max(slot * 0.8, 1)
    rects = []
    for i, (label, counts) in enumerate(series):
        y = HEIGHT
        for key, kind_label in kinds:
            n = counts.get(key, 0)
            if not n:
                continue
            h = HEIGHT * n / top
            y -= h
            rects.append(
                Rect(
                    round(i * slot + (slot - bar) / 2, 2),
                    round(y, 2),
                    round(bar, 2),
                    round(h, 2),
                    f"bar-{key}",
                    f"{label}: {kind_label} {n}",
                )
            )
    rows = [
        {"label": label, "values": [counts.get(k, 0) for k, _l in kinds], "total": total}
        for (label, counts), total in zip(series, totals, strict=True)
    ]
    for row in rows:
        row["cells"] = number_cells([*row["values"], row["total"]])
    return {
        "rects": rects,
        # Drawn here once rather than by the template: a month of days is hundreds of
        # attributes, and the template's per-value lookups cost more than the queries.
        "svg": format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}</title></rect>',
            ((str(r.x), str(r.y), str(r.width), str(r.height), r.css, r.title) for r in rects),
        ),
        "rows": rows,
        "kinds": kinds,
        "max": max(totals, default=0),
        "width": WIDTH,
        "height": HEIGHT,
    }


def bars(series):
    """Simple bars of [(label, n)]."""
    chart = stacked_bars([(label, {"value": n}) for label, n in series], [("value", "")])
    chart["rows"] = [{"label": label, "value": n} for label, n in series]
    return chart


def heat_map(counts, hours=None):
    """Return {"hours", "rows": [{"weekday", "cells": [{"hour", "n", "level"}]}], "max"} of
    {(weekday, hour): n}; hours with visits are always shown."""
    shown = sorted(set(hours or DEFAULT_HOURS) | {hour for _day, hour in counts})
    top = max(counts.values(), default=0)
    rows = []
    for day in Weekday:
        cells = []
        for hour in shown:
            n = counts.get((day.value, hour), 0)
            level = 0 if not n else max(1, round(HEAT_LEVELS * n / top))
            cells.append({"hour": hour, "n": n, "level": level})
        rows.append(
            {
                "weekday": day.label,
                "cells": cells,
                "html": format_html_join(
                    "",
                    '<td class="num heat-{}">{}</td>',
                    ((c["level"], localize(c["n"])) for c in cells),
                ),
            }
        )
    return {"hours": shown, "hour_labels": [f"{h:02d}" for h in shown], "rows": rows, "max": top}


def number_cells(values):
    """Table cells of numbers, formatted as the template would."""
    return format_html_join("", '<td class="num">{}</td>', ((localize(v),) for v in values))
