"""The calendar page's events as HTML, built in Python: a month holds a thousand events of
twenty centres, and a template tag for each part of each cost more than the queries.

An event's HTML leaves out its date, so the same opening every week is built once, and
each start and end is put in words once. The markup around the values is literal; every
value is escaped as format_html would (conditional_escape), without its cost per call.
"""

from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def day_events(cells, *, compact, several_centres):
    """Set each day's "events_html": its events' <li>s, compact in the month (the start
    alone; the centres short, and only if `several_centres`) or in full in a list; and
    its "heading", as the date filter's "l j. F" with a capital ("Torsdag 3. december"):
    the names of weekdays and months looked up once, not for every day."""
    html = _Builder(compact, several_centres).html
    weekdays, months = {}, {}
    for cell in cells:
        if cell:
            cell["events_html"] = mark_safe("\n".join([html(e) for e in cell["events"]]))
            day = cell["date"]
            if day.weekday() not in weekdays:
                weekdays[day.weekday()] = capfirst(str(WEEKDAYS[day.weekday()]))
            if day.month not in months:
                months[day.month] = str(MONTHS[day.month])
            cell["heading"] = f"{weekdays[day.weekday()]} {day.day}. {months[day.month]}"
    return cells


def _escape(value):
    """django.utils.html.conditional_escape, for the few values of an event."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


class _Builder:
    def __init__(self, compact, several_centres):
        self.compact = compact
        self.several_centres = several_centres
        self.zone = timezone.get_current_timezone()
        self.words = {
            key: _escape(word)
            for key, word in (
                ("all_day", _("All day")),
                ("cancelled", _("Cancelled")),
                ("moved", _("Moved")),
            )
        }
        self.clock = {}
        self.built = {}

    def html(self, event):
        when = self.time(event)
        key = (
            event.kind,
            event.category,
            event.title,
            event.url,
            when,
            tuple(event.centres),
            tuple(event.centre_labels),
            event.note,
            event.place,
            event.cancelled,
            event.cancel_reason,
            event.moved,
        )
        built = self.built.get(key)
        if built is None:
            built = self.built[key] = self.build(event, when)
        return built

    def time(self, event):
        """The event's start (in a list also its end) or "All day", escaped."""
        if event.all_day:
            return self.words["all_day"]
        if self.compact:
            return self.hour(event.start)
        return f"{self.hour(event.start)}\N{EN DASH}{self.hour(event.end)}"

    def hour(self, moment):
        """ "09.30": the local time of `moment`, worked out once for each moment."""
        found = self.clock.get(moment)
        if found is None:
            local = moment.astimezone(self.zone)
            found = self.clock[moment] = f"{local.hour:02}.{local.minute:02}"
        return found

    def build(self, event, when):
        classes = f"calendar-event calendar-{event.kind}"
        if event.kind == "opening":
            classes += f" calendar-opening-{event.category}"
        if event.cancelled:
            classes += " calendar-cancelled"
        parts = [f'<li class="{_escape(classes)}"><span class="calendar-time">{when}</span>']
        title = _escape(event.title)
        if event.url:
            parts.append(f'<a href="{_escape(event.url)}">{title}</a>')
        else:
            parts.append(f'<span class="fw-semibold">{title}</span>')
        names = _escape(", ".join(event.centres))
        # In a narrow day the centres' short names; the full ones for screen readers.
        short = (
            f'<span aria-hidden="true">{_escape(", ".join(event.centre_labels))}</span>'
            f'<span class="visually-hidden">{names}</span>'
        )
        if event.kind == "closure":
            if self.compact:
                parts.append(f'<span class="badge text-bg-secondary">{short}</span>')
            else:
                parts.append(f'<span class="badge text-bg-secondary">{names}</span>')
                if event.note:
                    note = _escape(event.note)
                    parts.append(f'<span class="text-body-secondary">{note}</span>')
        else:
            if self.compact and self.several_centres:
                parts.append(f'<span class="calendar-centre">{short}</span>')
            self.details(event, names, parts)
        return " ".join(parts) + "</li>"

    def details(self, event, names, parts):
        """The kind of opening, or whether an activity is cancelled or moved; in a list
        also where."""
        if event.kind == "opening":
            parts.append(f'<span class="badge text-bg-light border">{_escape(event.note)}</span>')
            if not self.compact:
                parts.append(f'<span class="d-block small text-body-secondary">{names}</span>')
            return
        if event.cancelled:
            cancelled = self.words["cancelled"]
            parts.append(f'<span class="badge text-bg-danger">{cancelled}</span>')
            if not self.compact:
                reason = _escape(event.cancel_reason)
                parts.append(f'<span class="text-body-secondary">{reason}</span>')
        elif event.moved:
            parts.append(f'<span class="badge text-bg-warning">{self.words["moved"]}</span>')
        if not self.compact:
            place = _escape(f"{event.place} · ") if event.place else ""
            parts.append(f'<span class="d-block small text-body-secondary">{place}{names}</span>')
