"""The one way an app adds to pages it does not own: Django signals.

A shared page (the navigation, a role's home page, the to-do list, the keys page, the
week plan, the calendar...) sends one of the signals below; every app that has something
to add connects a receiver in its own module (`@receiver` in its `ui.py`, `week_plan.py`
..., imported in its AppConfig.ready()) and returns its part. centres defines the
signals and imports no other app; the other apps import centres only; config composes
what crosses apps.

Every signal is sent with `sender=None` (they are about pages, not one model) and the
keyword arguments named below; a receiver takes `(sender, **kwargs)` and returns a list
(or, for unsafe_report_url, a URL or None). `send` answers in the order of
INSTALLED_APPS (config, centres, activities, advice, incidents), not the order the
receivers were connected in, so the navigation and the panels stay where they are
whatever imports what first. A receiver that raises is not caught: a broken part of a
page is an error to see, not a part silently missing.
"""

from django.apps import apps
from django.dispatch import Signal


class AppSignal(Signal):
    """A signal whose `send` answers in INSTALLED_APPS order of the receivers' apps;
    receivers outside every installed app (a test's) come last, in connection order."""

    def send(self, sender, **named):
        answers = super().send(sender, **named)
        return sorted(answers, key=lambda answer: app_position(answer[0].__module__))

    def values(self, **named):
        """Send with sender None and return the answers alone, in app order."""
        return [answer for _receiver, answer in self.send(None, **named)]

    def items(self, **named):
        """Send with sender None and return the answers' lists joined, in app order."""
        return [item for answer in self.values(**named) for item in answer]


_positions = {}


def app_position(module):
    """The place in INSTALLED_APPS of the app that holds `module`; after all for none."""
    if module not in _positions:
        found = apps.get_containing_app_config(module)
        order = list(apps.get_app_configs())
        _positions[module] = order.index(found) if found else len(order)
    return _positions[module]


# request -> [centres.navigation.NavItem]: the app's entries in the main navigation for
# request.user (config adds Home, Dashboard and Administration around them).
nav_items = AppSignal()

# request -> [panel dicts]: the app's panels on request.user's home page.
home_panels = AppSignal()

# user, today -> [centres.todo.TodoItem]: what is due for `user` (config.todo sorts them).
todo_items = AppSignal()

# request -> {fob id: reason}: fobs the app wants suspended, shown next to the fob on the
# keys page; the receiver scopes what it reveals to request.user.
fob_flags = AppSignal()

# opening (a UserRunOpening) -> URL or None: where to report the unsafe event at a
# user-run opening, linked from its record page (the first URL given is used).
unsafe_report_url = AppSignal()

# centre, start, end -> [(start, end, label, kind)]: the app's entries on the centre's
# week plan and, for today, on its tablet (kind is a CSS class).
week_plan_entries = AppSignal()

# -> [(kind, label, events(centres, start, end, closed))]: further kinds of events for the
# activities calendar, each with its filter value and label and a function returning
# activities.calendar.Event, given the centres' closed days (openings.closed_days) the
# calendar read (config connects these: activities imports no other app).
calendar_sources = AppSignal()


def fob_flags_for(request):
    """{fob id: reason} from every app; reasons for one fob joined by "; "."""
    reasons = {}
    for flags in fob_flags.values(request=request):
        for fob_id, reason in flags.items():
            reasons.setdefault(fob_id, []).append(str(reason))
    return {fob_id: "; ".join(found) for fob_id, found in reasons.items()}


def unsafe_report_url_for(opening):
    """The first URL an app gives for reporting an unsafe event at `opening`, or None."""
    return next((url for url in unsafe_report_url.values(opening=opening) if url), None)
