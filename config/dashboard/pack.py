"""The supervisory report pack: what Socialtilsynet asked for in its 2023 reports, for a
year and a set of centres, as a page and as an XLSX workbook.

A fixed number of queries whatever the number of centres. Where the pack is marked for
sharing outside the organisation, counts of people and events under
settings.SMALL_CELL_THRESHOLD are hidden (None; shown as "< 3").
"""

import datetime
import io
from dataclasses import dataclass, field

import xlsxwriter
from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import stats as activity_stats
from advice import stats as advice_stats
from centres import stats as centre_stats
from centres.models import OpeningKind
from incidents import stats as incident_stats
from incidents.models import Kind


def hidden_label():
    return f"< {settings.SMALL_CELL_THRESHOLD}"


class PackForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    centres = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Centres"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None chosen: all centres."),
    )
    shared = forms.BooleanField(
        label=gettext_lazy("For sharing outside the organisation (hide numbers under 3)"),
        required=False,
    )

    def __init__(self, *args, centres, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = today.year
        self.fields["centres"].choices = [(c.pk, c.name) for c in centres]


@dataclass
class CentreRow:
    centre: object
    census: dict
    visits: int | None
    visits_per_week: float | None
    staffed_hours_per_week: float
    activities_offered: int
    occurrences_held: int
    house_meetings: int
    minutes_published: int
    advice_contacts: int | None
    advice_topics: list
    incidents: int | None
    incident_kinds: list
    follow_ups: int
    follow_ups_done: int
    risk_assessed_on: datetime.date | None
    risk_review_on: datetime.date | None
    staff: int
    staff_introduced: int


@dataclass
class Pack:
    year: int
    shared: bool
    centres: list
    rows: list[CentreRow] = field(default_factory=list)
    weeks: list = field(default_factory=list)  # (monday, visits, staffed hours)
    week_matrix: dict = field(default_factory=dict)  # (centre id, monday) -> (visits, hours)
    changes: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def compute(*, centres, organisation_id, year, shared, now=None):
    now = now or timezone.now()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ids = [c.pk for c in centres]
    weeks_in_year = ((last - first).days + 1) / 7

    def cell(n):
        if n is None:
            return None
        if shared and n < settings.SMALL_CELL_THRESHOLD:
            return None
        return n

    censuses = centre_stats.census_per_centre(ids, last)
    visit_weeks = centre_stats.visits_per_centre_week(ids, first, last)
    hour_weeks = centre_stats.opening_hours_per_centre_week(ids, first, last)
    activity_rows = activity_stats.per_centre(ids, first, last, now=now)
    meetings = activity_stats.house_meetings(ids, first, last, now=now)
    topics, topic_counts, contact_totals = advice_stats.topics_per_centre(
        ids, organisation_id, first, last
    )
    incidents = incident_stats.incidents_per_centre(ids, first, last)
    risks = incident_stats.risk_assessments(ids)
    introductions = incident_stats.procedure_introductions(ids, organisation_id)

    visits_of, staffed_of = {}, {}
    for (centre_id, _week), n in visit_weeks.items():
        visits_of[centre_id] = visits_of.get(centre_id, 0) + n
    for (centre_id, _week), hours in hour_weeks.items():
        staffed_of[centre_id] = staffed_of.get(centre_id, 0.0) + hours[OpeningKind.STAFFED]

    rows = []
    for centre in centres:
        census = censuses.get(centre.pk)
        visits = visits_of.get(centre.pk, 0)
        acts = activity_rows.get(centre.pk, {})
        meets = meetings.get(centre.pk, {})
        inc = incidents.get(centre.pk, {})
        risk = risks.get(centre.pk)
        intro = introductions.get(centre.pk, {})
        rows.append(
            CentreRow(
                centre=centre,
                # Without a census the cells are empty, not hidden.
                census={
                    "date": census.date if census else None,
                    "weekly": cell(census.weekly) if census else "",
                    "monthly": cell(census.monthly) if census else "",
                    "occasional": cell(census.occasional) if census else "",
                    "total": cell(census.total) if census else "",
                },
                visits=cell(visits),
                visits_per_week=None if cell(visits) is None else round(visits / weeks_in_year, 1),
                staffed_hours_per_week=round(staffed_of.get(centre.pk, 0.0) / weeks_in_year, 1),
                activities_offered=acts.get("activities", 0),
                occurrences_held=acts.get("held", 0),
                house_meetings=meets.get("held", 0),
                minutes_published=meets.get("published", 0),
                advice_contacts=cell(contact_totals.get(centre.pk, 0)),
                advice_topics=[cell(topic_counts.get(centre.pk, {}).get(t.pk, 0)) for t in topics],
                incidents=cell(inc.get("total", 0)),
                incident_kinds=[cell(inc.get("kind", {}).get(k, 0)) for k in Kind.values],
                follow_ups=inc.get("follow_ups", 0),
                follow_ups_done=inc.get("follow_ups_done", 0),
                risk_assessed_on=risk.assessed_on if risk else None,
                risk_review_on=risk.review_on if risk else None,
                staff=intro.get("staff", 0),
                staff_introduced=intro.get("acknowledged", 0),
            )
        )

    monday = first - datetime.timedelta(days=first.weekday())
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += datetime.timedelta(days=7)
    weeks = []
    matrix = {}
    for monday in mondays:
        visits = 0
        hours = 0.0
        for centre in centres:
            v = visit_weeks.get((centre.pk, monday), 0)
            h = hour_weeks.get((centre.pk, monday), {}).get(OpeningKind.STAFFED, 0.0)
            matrix[(centre.pk, monday)] = (cell(v), round(h, 2))
            visits += v
            hours += h
        weeks.append((monday, cell(visits), round(hours, 2)))

    total_visits = sum(visits_of.values())
    return Pack(
        year=year,
        shared=shared,
        centres=centres,
        rows=rows,
        weeks=weeks,
        week_matrix=matrix,
        changes=list(centre_stats.opening_hours_changes(ids, first, last)),
        topics=topics,
        kinds=Kind.choices,
        totals={
            "visits": cell(total_visits),
            "advice_contacts": cell(sum(contact_totals.values())),
            "incidents": cell(sum(i["total"] for i in incidents.values())),
        },
    )


def workbook(pack):
    """The pack as XLSX bytes: a sheet per subject, one row per centre."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    hidden = hidden_label()

    def put(sheet, row, col, value):
        if value is None:
            sheet.write_string(row, col, hidden)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(
                row, col, datetime.datetime.combine(value, datetime.time()), date_format
            )
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))

    def table(title, header, lines):
        sheet = book.add_worksheet(title[:31])
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, len(header), 14)
        sheet.write_row(0, 0, [str(h) for h in header], bold)
        for r, line in enumerate(lines, start=1):
            for c, value in enumerate(line):
                put(sheet, r, c, value)
        return sheet

    rows = pack.rows
    overview = [
        (
            r.centre.name,
            r.census["date"] or "",
            r.census["weekly"],
            r.census["monthly"],
            r.census["occasional"],
            r.census["total"],
            r.visits,
            r.visits_per_week,
            r.staffed_hours_per_week,
        )
        for r in rows
    ]
    table(
        _("Users and visits"),
        [
            _("Centre"),
            _("Census date"),
            _("Weekly users"),
            _("Monthly users"),
            _("Occasional users"),
            _("Regular users in all"),
            _("Visits"),
            _("Visits per week"),
            _("Staffed hours per week"),
        ],
        overview,
    )
    weeks = [w for w, _v, _h in pack.weeks]
    table(
        _("Visits per week"),
        [_("Centre"), *[formats.date_format(w, "d.m.Y") for w in weeks]],
        [(c.name, *[pack.week_matrix[(c.pk, w)][0] for w in weeks]) for c in pack.centres],
    )
    table(
        _("Staffed hours per week"),
        [_("Centre"), *[formats.date_format(w, "d.m.Y") for w in weeks]],
        [(c.name, *[pack.week_matrix[(c.pk, w)][1] for w in weeks]) for c in pack.centres],
    )
    table(
        _("Changes of opening hours"),
        [
            _("Centre"),
            _("Weekday"),
            _("From"),
            _("Until"),
            _("Kind"),
            _("Valid from"),
            _("Valid until"),
        ],
        [
            (
                h.centre.name,
                h.get_weekday_display(),
                h.starts.strftime("%H:%M"),
                h.ends.strftime("%H:%M"),
                h.get_kind_display(),
                h.valid_from,
                h.valid_until or "",
            )
            for h in pack.changes
        ],
    )
    table(
        _("Activities and house meetings"),
        [
            _("Centre"),
            _("Activities offered"),
            _("Activity sessions held"),
            _("House meetings held"),
            _("Minutes published"),
        ],
        [
            (
                r.centre.name,
                r.activities_offered,
                r.occurrences_held,
                r.house_meetings,
                r.minutes_published,
            )
            for r in rows
        ],
    )
    table(
        _("Advice"),
        [_("Centre"), _("Advice contacts"), *[t.label for t in pack.topics]],
        [(r.centre.name, r.advice_contacts, *r.advice_topics) for r in rows],
    )
    table(
        _("Incidents"),
        [
            _("Centre"),
            _("Incidents"),
            *[label for _v, label in pack.kinds],
            _("Follow-up items"),
            _("Follow-up items done"),
            _("Risk assessed on"),
            _("Risk assessment review"),
            _("Staff"),
            _("Staff introduced to the procedure"),
        ],
        [
            (
                r.centre.name,
                r.incidents,
                *r.incident_kinds,
                r.follow_ups,
                r.follow_ups_done,
                r.risk_assessed_on or "",
                r.risk_review_on or "",
                r.staff,
                r.staff_introduced,
            )
            for r in rows
        ],
    )
    book.close()
    return output.getvalue()
