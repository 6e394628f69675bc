"""One calendar for every page and feed: activities' occurrences, meetings and the
centres' openings and closures as events.

A fixed number of queries whatever the number of events: occurrences with their activity,
the activities' centres (one query), meetings with their centre, and the centres'
openings and closed days in bulk (centres.openings).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    Category,
    Meeting,
    MeetingKind,
    Occurrence,
    occurrence_uid,
)
from activities.recurrence import COPENHAGEN
from centres import openings
from centres.calendar_days import uid_stamp, week_start
from centres.models import Centre, OpeningKind
from centres.signals import calendar_sources

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 28
MEETING_LENGTH = timedelta(hours=2)


@dataclass(slots=True)
class Event:
    kind: str  # "activity", "meeting", "opening", "closure" or a registered source
    category: str
    title: str
    start: datetime
    end: datetime
    place: str = ""
    centres: list = field(default_factory=list)
    cancelled: bool = False
    cancel_reason: str = ""
    moved: bool = False
    url: str = ""
    uid: str = ""
    description: str = ""
    note: str = ""  # e.g. the kind of opening: staffed, user-run, maybe open
    all_day: bool = False
    # The centres' names made short where a day is narrow (short_names).
    centre_labels: list = field(default_factory=list)


def sources():
    """Other sources of events, connected to centres.signals.calendar_sources by the
    project (config/) so that activities imports nothing but centres: (kind, label,
    function(centres, start, end, closed) -> [Event]), `closed` the centres' closed days
    (centres.openings.closed_days) that the calendar's closures come from."""
    return calendar_sources.items()


def kind_choices():
    """(value, label) for the kind filter: openings, closures, registered sources,
    meetings and every activity category."""
    return [
        ("opening", _("Opening hours")),
        ("closure", _("Closed days")),
        *[(kind, label) for kind, label, _source in sources()],
        ("meeting", _("Meetings")),
        *Category.choices,
    ]


def period(view, day):
    """(first day, day after the last) shown by `view` around `day`."""
    if view == "month":
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1)
    if view == "week":
        monday = week_start(day)
        return monday, monday + timedelta(days=7)
    return day, day + timedelta(days=AGENDA_DAYS)


def events(
    *,
    occurrences,
    meetings,
    start: date,
    end: date,
    centre: Centre | None = None,
    kind: str = "",
    link_urls=True,
    open_centres=(),
    closed_centres=(),
):
    """Events between start and end from scoped occurrence and meeting querysets, plus
    the openings and closed days of `open_centres` (the visible centres; none in feeds)
    and the closed days alone of `closed_centres` (a feed's: phones need no openings)."""
    open_centres = list(open_centres)
    occurrences = occurrences.between(start, end)
    meetings = meetings.between(start, end)
    if centre is not None:
        occurrences = occurrences.at_centre(centre)
        meetings = meetings.filter(centre__isnull=True) | meetings.filter(centre=centre)
        open_centres = [c for c in open_centres if c.pk == centre.pk]
    other_sources = sources()
    if kind in ("meeting", "opening", "closure", *(k for k, _label, _s in other_sources)):
        occurrences = occurrences.none()
    elif kind:
        occurrences = occurrences.filter(activity__category=kind)
    if kind and kind != "meeting":
        meetings = meetings.none()
    shown_sources = [s for k, _label, s in other_sources if kind in ("", k) and open_centres]
    # The visible centres' closed days, read once for their closures and the sources.
    closed = None
    if open_centres and (kind in ("", "closure") or shown_sources):
        closed = openings.closed_days(open_centres, start, end - timedelta(days=1))
    result = [
        *_activities(occurrences, link_urls),
        *_meetings(meetings, link_urls),
        *_centre_events(open_centres, closed_centres, start, end, kind, closed),
    ]
    for source in shown_sources:
        result.extend(source(open_centres, start, end, closed))
    labels = short_names({*(c.name for c in open_centres), *(n for e in result for n in e.centres)})
    for event in result:
        event.centre_labels = [labels[name] for name in event.centres]
    result.sort(key=lambda e: (e.start, not e.all_day, e.title))
    return result


def _activities(occurrences, link_urls):
    # Rows, not model instances: a month of many centres holds hundreds of occurrences.
    rows = list(
        occurrences.values_list(
            "activity_id",
            "start",
            "end",
            "original_start",
            "cancelled",
            "cancel_reason",
            "activity__category",
            "activity__title",
            "activity__place",
            "activity__description",
        )
    )
    # The centres' names in one query: a prefetch would build a manager per activity.
    names = {}
    for activity_id, name in (
        Activity.centres.through.objects.filter(activity_id__in={row[0] for row in rows})
        .order_by("centre__name")
        .values_list("activity_id", "centre__name")
    ):
        names.setdefault(activity_id, []).append(name)
    urls = {}
    for pk, start, end, original_start, cancelled, reason, category, title, place, text in rows:
        if pk not in urls:
            urls[pk] = reverse("activities:activity_detail", args=[pk]) if link_urls else ""
        yield Event(
            kind="activity",
            category=category,
            title=title,
            start=start,
            end=end,
            place=place,
            centres=names.get(pk, []),
            cancelled=cancelled,
            cancel_reason=reason,
            moved=start != original_start,
            url=urls[pk],
            uid=occurrence_uid(pk, original_start),
            description=text,
        )


def _meetings(meetings, link_urls):
    kinds = {value: str(label) for value, label in MeetingKind.choices}
    for pk, kind, starts_at, place, centre_name in meetings.values_list(
        "pk", "kind", "starts_at", "place", "centre__name"
    ):
        yield Event(
            kind="meeting",
            category=kind,
            title=kinds.get(kind, kind),
            start=starts_at,
            end=starts_at + MEETING_LENGTH,
            place=place,
            centres=[centre_name] if centre_name is not None else [],
            url=reverse("activities:meeting_detail", args=[pk]) if link_urls else "",
            uid=f"meeting-{pk}@vaerested",
        )


def _centre_events(open_centres, closed_centres, start, end, kind, closed):
    """The openings and closed days (`closed`) of `open_centres`, the closed days alone of
    `closed_centres`, as `kind` asks."""
    result = []
    if kind in ("", "opening", "closure") and open_centres:
        names = {c.pk: c.name for c in open_centres}
        if kind in ("", "opening"):
            found = openings.opening_rows(
                open_centres,
                openings.local_datetime(start, time()),
                openings.local_datetime(end, time()),
            )
            result.extend(_openings(found, names))
        if kind in ("", "closure"):
            result.extend(_closures(closed, names))
    closed_centres = [c for c in closed_centres if c not in open_centres]
    if kind in ("", "closure") and closed_centres:
        closed = openings.closed_days(closed_centres, start, end - timedelta(days=1))
        result.extend(_closures(closed, {c.pk: c.name for c in closed_centres}))
    return result


def short_names(names):
    """{name: a short label} for the centres' names: each less the leading words it
    shares with another ("Værestedet 76F" and "Værestedet Frederiksgade" become "76F" and
    "Frederiksgade"), so a narrow day of the month still says where."""
    words = {name: name.split() for name in names}

    def shared(a, b):
        count = 0
        while count < min(len(a), len(b)) and a[count] == b[count]:
            count += 1
        return count

    labels = {}
    for name, own in words.items():
        common = max((shared(own, w) for n, w in words.items() if n != name), default=0)
        labels[name] = " ".join(own[common:]) or name
    return labels


def _openings(found, names):
    """Openings (centres.openings.opening_rows: staffed, user-run, maybe open) as events."""
    open_title = _("Open")
    kinds = {value: str(label) for value, label in OpeningKind.choices}
    centres = {pk: [name] for pk, name in names.items()}
    # The centres in their order (the rows come by pk), each one's openings by start.
    order = {pk: n for n, pk in enumerate(names)}
    found = sorted(found, key=lambda row: order[row[0]])
    return [
        Event(
            kind="opening",
            category=kind,
            title=label or open_title,
            start=starts,
            end=ends,
            centres=centres[pk],
            note=kinds[kind],
            uid=f"opening-{pk}-{uid_stamp(starts)}@vaerested",
        )
        for pk, kind, starts, ends, label in found
    ]


def _closures(closed, names):
    """Each day a centre is closed ({centre pk: {date: reason}}: its closures and public
    holidays) as an all-day event."""
    title = _("Closed")
    return [
        Event(
            kind="closure",
            category="closure",
            title=title,
            start=_midnight(day),
            end=_midnight(day + timedelta(days=1)),
            centres=[names[pk]],
            note=reason,
            all_day=True,
            uid=f"closure-{pk}-{uid_stamp(day)}@vaerested",
        )
        for pk, days_closed in closed.items()
        for day, reason in sorted(days_closed.items())
    ]


def _midnight(day):
    return datetime.combine(day, datetime.min.time(), tzinfo=COPENHAGEN)


def days(start, end, event_list, today):
    """[(day, is_today, events)] for each day from start to end (exclusive)."""
    by_day = {}
    zone = timezone.get_current_timezone()
    for event in event_list:
        by_day.setdefault(event.start.astimezone(zone).date(), []).append(event)
    result = []
    day = start
    while day < end:
        result.append({"date": day, "is_today": day == today, "events": by_day.get(day, [])})
        day += timedelta(days=1)
    return result


def month_grid(start, end, event_list, today):
    """Days of the month padded to whole weeks (Monday first); padding days are None."""
    cells = [None] * start.weekday() + days(start, end, event_list, today)
    cells += [None] * (-len(cells) % 7)
    return cells


def ical(event_list, name):
    """An iCalendar (RFC 5545) document with a VTIMEZONE for Europe/Copenhagen."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Værested//Kalender//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    stamp = timezone.now()
    for event in event_list:
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        if event.all_day:
            vevent.add("dtstart", timezone.localtime(event.start, COPENHAGEN).date())
            vevent.add("dtend", timezone.localtime(event.end, COPENHAGEN).date())
        else:
            vevent.add("dtstart", timezone.localtime(event.start, COPENHAGEN))
            vevent.add("dtend", timezone.localtime(event.end, COPENHAGEN))
        summary = event.title
        if event.cancelled:
            summary = _("Cancelled: %(title)s") % {"title": event.title}
        vevent.add("summary", summary)
        location = event.place or ", ".join(event.centres)
        if location:
            vevent.add("location", location)
        description = event.cancel_reason if event.cancelled else event.description or event.note
        if description:
            vevent.add("description", description)
        vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def scoped_querysets_for_link(link):
    """Occurrence and meeting querysets a calendar link shows: its centre or organisation."""
    centres = link.centres()
    activities = Activity.objects.at_centres(centres)
    occurrences = Occurrence.objects.filter(activity__in=activities)
    meetings = Meeting.objects.filter(organisation_id=link.organisation_id)
    if link.centre_id:
        meetings = meetings.filter(centre__isnull=True) | meetings.filter(centre=link.centre_id)
    return occurrences, meetings
