"""The leader's dashboard: every app's figures for a period and set of centres, each beside
the same period a year earlier. Composed here; each app computes its own in its stats.py.

A fixed number of queries whatever the number of centres, days or rows.
"""

import datetime
from dataclasses import dataclass, field
from html import escape

from django.template.defaultfilters import floatformat
from django.utils import dateformat, formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from activities import stats as activity_stats
from advice import stats as advice_stats
from centres import stats as centre_stats
from centres.models import OpeningKind
from centres.reads import one_statement, reader, together
from config.dashboard import charts
from incidents import stats as incident_stats
from incidents.models import Kind, Severity

# A chart of visits shows days up to this many, weeks beyond.
DAYS_IN_DAILY_CHART = 31


@dataclass
class Figure:
    """One number of the dashboard beside the same figure a year earlier."""

    label: str
    current: float | int | None
    previous: float | int | None = None
    decimals: int = 0
    compared: bool = True

    @property
    def change(self):
        if not self.compared or self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    # Formatted here rather than in the template, where each value's filter and
    # conditions cost more than the figure's query.
    def _text(self, value, whole):
        if value is None:
            return "\u2013"
        if type(value) is int and not self.decimals:
            return whole(value)  # as floatformat writes it, without Decimal
        return floatformat(value, self.decimals)

    @property
    def texts(self):
        """The current, previous and change columns as shown."""
        whole = charts.number_text()
        change = self.change
        change_text = self._text(change, whole)
        if change is not None and change > 0:
            change_text = f"+{change_text}"
        return self._text(self.current, whole), self._text(self.previous, whole), change_text

    @property
    def cells(self):
        """The three columns as table cells: one value for the template, not a loop."""
        return charts.number_cells(self.texts, escape)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def rows(self):
        """The table's rows, each figure's label and its three cells. Put together here, as
        the charts are: the template's loop and lookups cost more than the rows' text."""
        return mark_safe("".join(charts.label_row(f.label, f.cells) for f in self.figures))


def per_thousand(incidents, visits):
    """Incidents per 1,000 visits to one decimal, None when no visits were counted."""
    return incident_stats.per_thousand(incidents, visits)


def period_reads(centre_ids, organisation_id, spans, now):
    """The reads of the figures that the dashboard compares year on year, for each
    (first day, last day) of `spans`, and of the advice tables of the first; by name."""
    return {
        "visits": centre_stats.visit_totals_per_period.read(centre_ids, spans),
        "census": centre_stats.census_at_dates.read(centre_ids, [last for _first, last in spans]),
        "activities": activity_stats.occurrence_totals_per_period.read(centre_ids, spans, now=now),
        "incidents": incident_stats.incident_totals_per_period.read(centre_ids, spans),
        "advice": advice_stats.contacts_and_no_show_rates.read(centre_ids, spans),
        "advice_tables": advice_stats.dashboard_tables.read(centre_ids, organisation_id, *spans[0]),
        **{
            ("openings", i): centre_stats.opening_figures.read(centre_ids, first, last)
            for i, (first, last) in enumerate(spans)
        },
    }


def period_figures(read, spans):
    """The figures of each of `spans` from the results of period_reads (`read`)."""
    figures = []
    for i in range(len(spans)):
        visits, incidents = read["visits"][i], read["incidents"][i]
        hours, understaffed = read["openings", i]
        contacts, no_show_rate = read["advice"][i]
        figures.append(
            {
                "contacts": contacts,
                "no_show_rate": no_show_rate,
                "visits": visits,
                "census": read["census"][i],
                "hours": hours,
                "understaffed": understaffed,
                "activities": read["activities"][i],
                "incidents": incidents,
                "rate": per_thousand(incidents["total"], visits["visits"]),
            }
        )
    return figures


@reader
def right_now(centre_ids, organisation_id, today):
    """The figures of the "Right now" section, of the day and the data whatever the
    period: each app's own, read in one statement."""
    return one_statement.read(
        *incident_stats.follow_up_figures(centre_ids, organisation_id, today),
        *centre_stats.key_figures(centre_ids, organisation_id),
    )


def dashboard(*, centre_ids, organisation_id, period, now=None):
    """Return the dashboard's context: sections of compared figures, charts and tables.

    A period that holds today is shown so far (Period.so_far): its figures run to today,
    beside the same days a year earlier, and rates divide by the days that have passed.
    Every figure is read in one round trip (centres.reads.together): a dozen statements
    one by one cost a third more than together.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = period.so_far(today)
    earlier = period.year_earlier()
    spans = [(period.start, period.end), (earlier.start, earlier.end)]
    reads = {
        **period_reads(centre_ids, organisation_id, spans, now),
        **chart_reads(centre_ids, period, now),
        "now": right_now.read(centre_ids, organisation_id, today),
    }
    read = dict(zip(reads, together(*reads.values()), strict=True))
    current, previous = period_figures(read, spans)
    return {
        "period": period,
        "earlier": earlier,
        **sections(current, previous, read["now"], period, earlier),
        **charts_and_tables(read, period),
    }


def sections(current, previous, now, period, earlier):
    """{"sections": [Section], "now_section": Section} from the figures of the period
    (`current`), of the year-earlier period (`previous`), of right_now (`now`) and the two
    periods. No database: figures in, sections out."""
    compare = Comparison(current, previous, period, earlier)
    return {
        "sections": [
            visits_section(compare),
            census_section(compare),
            hours_section(compare),
            activities_section(compare),
            advice_section(compare),
            incidents_section(compare),
        ],
        "now_section": now_section(now),
    }


@dataclass
class Comparison:
    """The figures of a period and of the same period a year earlier, side by side."""

    current: dict
    previous: dict
    period: object
    earlier: object

    def pair(self, label, getter, decimals=0, compared=True):
        return Figure(
            label, getter(self.current), getter(self.previous), decimals, compared=compared
        )

    def per_span(self, label, getter, span):
        """A figure divided by the span (days, weeks) each period has had so far."""
        return Figure(
            label,
            round(getter(self.current) / span(self.period), 1),
            round(getter(self.previous) / span(self.earlier), 1),
            decimals=1,
        )


def _days(period):
    return period.days


def _weeks(period):
    return period.weeks


def _per_opening_hour(figures):
    hours = figures["hours"][OpeningKind.STAFFED] + figures["hours"][OpeningKind.USER_RUN]
    return round(figures["visits"]["visits"] / hours, 1) if hours else None


def _rounded(value):
    return None if value is None else round(value, 1)


def visits_section(compare):
    def visits(f):
        return f["visits"]["visits"]

    return Section(
        "visits",
        _("Visits"),
        [
            compare.pair(_("Visits"), visits),
            compare.pair(_("Staffed"), lambda f: f["visits"]["staffed"]),
            compare.pair(_("User-run"), lambda f: f["visits"]["user_run"]),
            compare.pair(_("New visitors"), lambda f: f["visits"]["new_visits"]),
            compare.per_span(_("Visits per day"), visits, _days),
            compare.per_span(_("Visits per week"), visits, _weeks),
            compare.pair(_("Visits per opening hour"), _per_opening_hour, decimals=1),
        ],
    )


def census_section(compare):
    return Section(
        "census",
        _("Regular users (latest census)"),
        [
            compare.pair(_("Weekly users"), lambda f: f["census"]["weekly"]),
            compare.pair(_("Monthly users"), lambda f: f["census"]["monthly"]),
            compare.pair(_("Occasional users"), lambda f: f["census"]["occasional"]),
            compare.pair(_("Regular users in all"), lambda f: f["census"]["total"]),
        ],
    )


def hours_section(compare):
    kinds = (
        (OpeningKind.STAFFED, _("Staffed")),
        (OpeningKind.USER_RUN, _("User-run")),
        (OpeningKind.MAYBE, _("Maybe open")),
    )
    return Section(
        "hours",
        _("Opening hours per week"),
        [compare.per_span(label, lambda f, k=kind: f["hours"][k], _weeks) for kind, label in kinds]
        + [
            compare.pair(
                _("Staffed openings with fewer than two staff"), lambda f: f["understaffed"]
            )
        ],
    )


def activities_section(compare):
    return Section(
        "activities",
        _("Activities"),
        [
            compare.pair(_("Held"), lambda f: f["activities"]["held"]),
            compare.pair(_("Cancelled"), lambda f: f["activities"]["cancelled"]),
            compare.pair(
                _("Average attendance"),
                lambda f: _rounded(f["activities"]["average_attendance"]),
                decimals=1,
            ),
        ],
    )


def advice_section(compare):
    return Section(
        "advice",
        _("Advice"),
        [
            compare.pair(_("Advice contacts"), lambda f: f["contacts"]),
            compare.pair(
                _("No-shows at outreach meetings (%)"),
                lambda f: _rounded(f["no_show_rate"]),
                decimals=1,
            ),
        ],
    )


def incidents_section(compare):
    return Section(
        "incidents",
        _("Incidents"),
        [
            compare.pair(_("Incidents"), lambda f: f["incidents"]["total"]),
            compare.pair(_("Incidents per 1,000 visits"), lambda f: f["rate"], decimals=1),
            *[
                compare.pair(label, lambda f, k=value: f["incidents"]["kind"][k])
                for value, label in Kind.choices
            ],
            *[
                compare.pair(label, lambda f, s=value: f["incidents"]["severity"][s])
                for value, label in Severity.choices
            ],
        ],
    )


def now_section(now):
    """The "Right now" section from right_now's figures: not compared."""
    figures = [
        (_("Open follow-up items"), now["open_follow_ups"]),
        (_("Overdue follow-up items"), now["overdue_follow_ups"]),
        (_("Work-injury reports due"), now["work_injuries_due"]),
        (_("Bans in force"), now["active_bans"]),
        (
            _("Centres with an overdue or missing risk assessment"),
            now["risk_assessments_overdue"],
        ),
        (_("Key fobs lent out"), now["fobs_out"]),
        (_("Key holders without a safety briefing"), now["holders_without_briefing"]),
    ]
    return Section(
        "now", _("Right now"), [Figure(label, value, compared=False) for label, value in figures]
    )


def chart_reads(centre_ids, period, now):
    """The reads of the charts and tables below the figures, by name."""
    return {
        "per_day": centre_stats.visits_per_day.read(centre_ids, period.start, period.end),
        "heat": centre_stats.heat_map.read(centre_ids, period.start, period.end),
        "census_trend": centre_stats.census_trend.read(
            centre_ids, period.end - datetime.timedelta(days=2 * 365), period.end
        ),
        "best_attended": activity_stats.best_attended.read(
            centre_ids, period.start, period.end, now=now
        ),
    }


def charts_and_tables(read, period):
    """The charts and tables below the figures from the results of chart_reads and
    period_reads (`read`): visits by day or week, the heat map, the census trend, the
    best-attended activities and the period's advice tables."""
    per_day = read["per_day"]
    if period.days <= DAYS_IN_DAILY_CHART:
        visit_series = [(d, counts) for d, counts in per_day.items()]
        visit_unit = "day"
    else:
        visit_series = sorted(centre_stats.per_week(per_day).items())
        visit_unit = "week"
    census_trend = read["census_trend"]
    short_date = formats.get_format("SHORT_DATE_FORMAT")
    visit_chart = charts.stacked_bars(
        [
            (label, counts)
            for label, (_d, counts) in zip(
                labels_for(visit_series, visit_unit), visit_series, strict=True
            )
        ],
        [("staffed", _("Staffed")), ("user_run", _("User-run"))],
    )
    return {
        "visit_chart": visit_chart,
        "visit_rows": charts.table_rows(
            (row["label"], [*row["values"], row["total"]]) for row in visit_chart["rows"]
        ),
        "visit_unit": visit_unit,
        "heat_map": charts.heat_map(read["heat"]),
        "census_trend": charts.bars([(d, total) for d, total in census_trend]),
        "census_rows": charts.table_rows(
            (dateformat.format(d, short_date), [total]) for d, total in census_trend
        ),
        "best_attended": read["best_attended"],
        "advice_tables": [
            {
                "key": table.key,
                "title": table.title,
                "rows": charts.table_rows((row.label, [row.count]) for row in table.rows),
            }
            for table in read["advice_tables"]
        ],
    }


def labels_for(series, unit):
    """The chart's label of each (date, counts) of `series`: the week, or the weekday and
    short date."""
    if unit == "week":
        return [_("Week %(week)s") % {"week": date.isocalendar()[1]} for date, _c in series]
    # The format looked up once, not twice a day.
    day = f"D {formats.get_format('SHORT_DATE_FORMAT')}"
    return [dateformat.format(date, day) for date, _c in series]
