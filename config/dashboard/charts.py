"""Charts drawn on the server as SVG shapes: coordinates only, no styles and no script, so
they pass the strict CSP and print. Every chart has a table with the same numbers."""

from dataclasses import dataclass

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
    return {
        "rects": rects,
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
        rows.append({"weekday": day.label, "cells": cells})
    return {"hours": shown, "rows": rows, "max": top}
