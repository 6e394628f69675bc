"""Charts drawn on the server as SVG shapes: coordinates only, no styles and no script, so
they pass the strict CSP and print. Every chart has a table with the same numbers.

The markup is put together here rather than by the template: a month of days is hundreds
of shapes and cells, and the template's per-value lookups (or format_html's per-value
escaping and localize's per-number format lookups) cost more than the queries."""

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

from centres.models import Weekday

WIDTH = 600
HEIGHT = 200
# Shades of the heat map: a CSS class heat-0 .. heat-5.
HEAT_LEVELS = 5
DEFAULT_HOURS = range(8, 17)


def number_text():
    """A function that writes a number as `localize` does in the active language; whole
    numbers with the format's thousands separator looked up once, not per number."""
    separator = get_format("THOUSAND_SEPARATOR")
    if not settings.USE_THOUSAND_SEPARATOR or get_format("NUMBER_GROUPING") != 3:
        return localize

    def text(value):
        if type(value) is int:
            return f"{value:,}".replace(",", separator)
        return localize(value)

    return text


def _scale(values):
    top = max(values, default=0)
    return top or 1


def stacked_bars(series, kinds):
    """Return {"svg", "rows", "max", "width", "height"} for bars of `series`:
    [(label, {kind: n})] stacked in the order of `kinds` [(key, label)]; keys are the
    code's own (they name CSS classes)."""
    totals = [sum(counts.get(k, 0) for k, _label in kinds) for _label, counts in series]
    top = _scale(totals)
    slot = WIDTH / max(len(series), 1)
    bar = max(slot * 0.8, 1)
    width = round(bar, 2)
    shapes = []
    rows = []
    for i, ((label, counts), total) in enumerate(zip(series, totals, strict=True)):
        x = round(i * slot + (slot - bar) / 2, 2)
        y = HEIGHT
        values = []
        for key, kind_label in kinds:
            n = counts.get(key, 0)
            values.append(n)
            if not n:
                continue
            h = HEIGHT * n / top
            y -= h
            title = escape(f"{label}: {kind_label} {n}")
            shapes.append(
                f'<rect x="{x}" y="{round(y, 2)}" width="{width}" height="{round(h, 2)}" '
                f'class="bar-{key}"><title>{title}</title></rect>'
            )
        rows.append({"label": label, "values": values, "total": total})
    return {
        "svg": mark_safe("".join(shapes)),  # every text in it was escaped
        "rows": rows,
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
    text = number_text()
    shown = sorted(set(hours or DEFAULT_HOURS) | {hour for _day, hour in counts})
    top = max(counts.values(), default=0)
    rows = []
    for day in Weekday:
        cells = []
        for hour in shown:
            n = counts.get((day.value, hour), 0)
            level = 0 if not n else max(1, round(HEAT_LEVELS * n / top))
            cells.append({"hour": hour, "n": n, "level": level})
        html = "".join(f'<td class="num heat-{c["level"]}">{text(c["n"])}</td>' for c in cells)
        rows.append({"weekday": day.label, "cells": cells, "html": mark_safe(html)})
    return {"hours": shown, "hour_labels": [f"{h:02d}" for h in shown], "rows": rows, "max": top}


def number_cells(values, text=None):
    """Table cells of numbers, formatted as the template would."""
    text = text or number_text()
    return mark_safe("".join(f'<td class="num">{text(v)}</td>' for v in values))


def label_row(label, cells):
    """A table row: `label` (escaped) as the row's heading, then `cells` (markup)."""
    return f'<tr><th scope="row" class="fw-normal">{escape(str(label))}</th>{cells}</tr>'


def table_rows(rows):
    """The rows of a table of [(label, [numbers])]: each label a row heading, each number
    a cell."""
    text = number_text()
    return mark_safe(
        "".join(label_row(label, number_cells(values, text)) for label, values in rows)
    )
