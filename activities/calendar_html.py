"""The calendar page's events as HTML, built in Python: a month holds a thousand events of
twenty centres, and a template tag for each part of each cost more than the queries.

An event's HTML leaves out its date, so the same opening every week is built once. The
format strings hold only literal markup; every value goes through format_html's escaping.
"""

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _


def day_events(cells, *, compact, several_centres):
    """Set each day's "events_html": its events' <li>s, compact in the month (the start
    alone; the centres short, and only if `several_centres`) or in full in a list."""
    builder = _Builder(compact, several_centres)
    for cell in cells:
        if cell:
            cell["events_html"] = format_html_join(
                "\n", "{}", ((builder.html(e),) for e in cell["events"])
            )
    return cells


class _Builder:
    def __init__(self, compact, several_centres):
        self.compact = compact
        self.several_centres = several_centres
        self.zone = timezone.get_current_timezone()
        self.words = {"all_day": _("All day"), "cancelled": _("Cancelled"), "moved": _("Moved")}
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
        if key not in self.built:
            self.built[key] = self.build(event, when)
        return self.built[key]

    def time(self, event):
        if event.all_day:
            return self.words["all_day"]
        start = f"{event.start.astimezone(self.zone):%H.%M}"
        if self.compact:
            return start
        return f"{start}\N{EN DASH}{event.end.astimezone(self.zone):%H.%M}"

    def build(self, event, when):
        classes = f"calendar-event calendar-{event.kind}"
        if event.kind == "opening":
            classes += f" calendar-opening-{event.category}"
        if event.cancelled:
            classes += " calendar-cancelled"
        markup = ['<li class="{}"><span class="calendar-time">{}</span>']
        values = [classes, when]
        if event.url:
            markup.append('<a href="{}">{}</a>')
            values += [event.url, event.title]
        else:
            markup.append('<span class="fw-semibold">{}</span>')
            values.append(event.title)
        names = ", ".join(event.centres)
        # In a narrow day the centres' short names; the full ones for screen readers.
        short = '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>'
        if event.kind == "closure":
            if self.compact:
                markup.append(f'<span class="badge text-bg-secondary">{short}</span>')
                values += [", ".join(event.centre_labels), names]
            else:
                markup.append('<span class="badge text-bg-secondary">{}</span>')
                values.append(names)
                if event.note:
                    markup.append('<span class="text-body-secondary">{}</span>')
                    values.append(event.note)
        else:
            if self.compact and self.several_centres:
                markup.append(f'<span class="calendar-centre">{short}</span>')
                values += [", ".join(event.centre_labels), names]
            self.details(event, names, markup, values)
        return format_html(" ".join(markup) + "</li>", *values)

    def details(self, event, names, markup, values):
        """The kind of opening, or whether an activity is cancelled or moved; in a list
        also where."""
        where = '<span class="d-block small text-body-secondary">{}{}</span>'
        if event.kind == "opening":
            markup.append('<span class="badge text-bg-light border">{}</span>')
            values.append(event.note)
            if not self.compact:
                markup.append(where)
                values += ["", names]
            return
        if event.cancelled:
            markup.append('<span class="badge text-bg-danger">{}</span>')
            values.append(self.words["cancelled"])
            if not self.compact:
                markup.append('<span class="text-body-secondary">{}</span>')
                values.append(event.cancel_reason)
        elif event.moved:
            markup.append('<span class="badge text-bg-warning">{}</span>')
            values.append(self.words["moved"])
        if not self.compact:
            markup.append(where)
            values += [f"{event.place} · " if event.place else "", names]
