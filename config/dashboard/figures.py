"""The leader's dashboard: every app's figures for a period and set of centres, each beside
the same period a year earlier. Composed here; each app computes its own in its stats.py.

A fixed number of queries whatever the number of centres, days or rows.
"""

import datetime
from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from activities import stats as activity_stats
from advice import stats as advice_stats
from advice.models import Contact, MeetingTally
from centres import stats as centre_stats
from centres.models import OpeningKind
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
    def _text(self, value):
        return "\u2013" if value is None else floatformat(value, self.decimals)

    @property
    def texts(self):
        """The current, previous and change columns as shown."""
        change = self.change
        change_text = self._text(change)
        if change is not None and change > 0:
            change_text = f"+{change_text}"
        return self._text(self.current), self._text(self.previous), change_text


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


def per_thousand(incidents, visits):
    """Incidents per 1,000 visits to one decimal, None when no visits were counted."""
    return incident_stats.per_thousand(incidents, visits)


def period_figures(centre_ids, organisation_id, period, now, tables=True):
    """The figures of one period that the dashboard compares year on year; with `tables`,
    also the advice tables the dashboard shows for its own period only."""
    first, last = period.start, period.end
    visits = centre_stats.visit_totals(centre_ids, first, last)
    hours, understaffed = centre_stats.opening_figures(centre_ids, first, last)
    activities = activity_stats.occurrence_totals(centre_ids, first, last, now=now)
    incidents = incident_stats.incident_totals(centre_ids, first, last)
    if tables:
        advice = advice_stats.compute(
            contacts=Contact.objects.filter(centre_id__in=centre_ids),
            meetings=MeetingTally.objects.filter(centre_id__in=centre_ids),
            centres=[],
            organisation_id=organisation_id,
            start=first,
            end=last,
            suppressed=False,
        )
        contacts, no_show_rate = advice.total, advice.no_show_rate
    else:
        advice = None
        contacts, no_show_rate = advice_stats.contacts_and_no_show_rate(centre_ids, first, last)
    return {
        "contacts": contacts,
        "no_show_rate": no_show_rate,
        "visits": visits,
        "census": centre_stats.census_at(centre_ids, last),
        "hours": hours,
        "understaffed": understaffed,
        "activities": activities,
        "incidents": incidents,
        "advice": advice,
        "rate": per_thousand(incidents["total"], visits["visits"]),
    }


def right_now(centre_ids, organisation_id, today):
    """(follow-up state, keys) of the "Right now" section: figures of the day and the
    data, whatever the period."""
    return (
        incident_stats.follow_up_state(centre_ids, organisation_id, today),
        centre_stats.keys(centre_ids, organisation_id),
    )


def dashboard(
    *, centre_ids, organisation_id, period, now=None, earlier_figures=None, now_figures=None
):
    """Return the dashboard's context: sections of compared figures, charts and tables.

    `earlier_figures`, if given, returns the year-earlier period's figures in place of
    period_figures(..., tables=False), and `now_figures` those of right_now (the caller
    may keep them).

    A period that holds today is shown so far (Period.so_far): its figures run to today,
    beside the same days a year earlier, and rates divide by the days that have passed.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = period.so_far(today)
    earlier = period.year_earlier()
    cur = period_figures(centre_ids, organisation_id, period, now)
    if earlier_figures is None:
        prev = period_figures(centre_ids, organisation_id, earlier, now, tables=False)
    else:
        prev = earlier_figures(earlier)
    weeks, prev_weeks = period.weeks, earlier.weeks

    def weekly(value, span):
        return round(value / span, 1)

    def per_opening_hour(figures):
        hours = figures["hours"][OpeningKind.STAFFED] + figures["hours"][OpeningKind.USER_RUN]
        return round(figures["visits"]["visits"] / hours, 1) if hours else None

    def pair(label, getter, decimals=0, compared=True):
        return Figure(label, getter(cur), getter(prev), decimals=decimals, compared=compared)

    visits = Section(
        "visits",
        _("Visits"),
        [
            pair(_("Visits"), lambda f: f["visits"]["visits"]),
            pair(_("Staffed"), lambda f: f["visits"]["staffed"]),
            pair(_("User-run"), lambda f: f["visits"]["user_run"]),
            pair(_("New visitors"), lambda f: f["visits"]["new_visits"]),
            Figure(
                _("Visits per day"),
                round(cur["visits"]["visits"] / period.days, 1),
                round(prev["visits"]["visits"] / earlier.days, 1),
                decimals=1,
            ),
            Figure(
                _("Visits per week"),
                weekly(cur["visits"]["visits"], weeks),
                weekly(prev["visits"]["visits"], prev_weeks),
                decimals=1,
            ),
            pair(_("Visits per opening hour"), per_opening_hour, decimals=1),
        ],
    )
    census = Section(
        "census",
        _("Regular users (latest census)"),
        [
            pair(_("Weekly users"), lambda f: f["census"]["weekly"]),
            pair(_("Monthly users"), lambda f: f["census"]["monthly"]),
            pair(_("Occasional users"), lambda f: f["census"]["occasional"]),
            pair(_("Regular users in all"), lambda f: f["census"]["total"]),
        ],
    )
    hours = Section(
        "hours",
        _("Opening hours per week"),
        [
            Figure(
                label,
                weekly(cur["hours"][kind], weeks),
                weekly(prev["hours"][kind], prev_weeks),
                decimals=1,
            )
            for kind, label in (
                (OpeningKind.STAFFED, _("Staffed")),
                (OpeningKind.USER_RUN, _("User-run")),
                (OpeningKind.MAYBE, _("Maybe open")),
            )
        ]
        + [pair(_("Staffed openings with fewer than two staff"), lambda f: f["understaffed"])],
    )
    activities = Section(
        "activities",
        _("Activities"),
        [
            pair(_("Held"), lambda f: f["activities"]["held"]),
            pair(_("Cancelled"), lambda f: f["activities"]["cancelled"]),
            pair(
                _("Average attendance"),
                lambda f: (
                    None
                    if f["activities"]["average_attendance"] is None
                    else round(f["activities"]["average_attendance"], 1)
                ),
                decimals=1,
            ),
        ],
    )
    advice = Section(
        "advice",
        _("Advice"),
        [
            pair(_("Advice contacts"), lambda f: f["contacts"]),
            pair(
                _("No-shows at outreach meetings (%)"),
                lambda f: None if f["no_show_rate"] is None else round(f["no_show_rate"], 1),
                decimals=1,
            ),
        ],
    )
    incidents = Section(
        "incidents",
        _("Incidents"),
        [
            pair(_("Incidents"), lambda f: f["incidents"]["total"]),
            pair(_("Incidents per 1,000 visits"), lambda f: f["rate"], decimals=1),
            *[
                pair(label, lambda f, k=value: f["incidents"]["kind"][k])
                for value, label in Kind.choices
            ],
            *[
                pair(label, lambda f, s=value: f["incidents"]["severity"][s])
                for value, label in Severity.choices
            ],
        ],
    )
    if now_figures is None:
        state, keys = right_now(centre_ids, organisation_id, today)
    else:
        state, keys = now_figures()
    now_section = Section(
        "now",
        _("Right now"),
        [
            Figure(_("Open follow-up items"), state["open_follow_ups"], compared=False),
            Figure(_("Overdue follow-up items"), state["overdue_follow_ups"], compared=False),
            Figure(_("Work-injury reports due"), state["work_injuries_due"], compared=False),
            Figure(_("Bans in force"), state["active_bans"], compared=False),
            Figure(
                _("Centres with an overdue or missing risk assessment"),
                state["risk_assessments_overdue"],
                compared=False,
            ),
            Figure(_("Key fobs lent out"), keys["fobs_out"], compared=False),
            Figure(
                _("Key holders without a safety briefing"),
                keys["holders_without_briefing"],
                compared=False,
            ),
        ],
    )

    per_day = centre_stats.visits_per_day(centre_ids, period.start, period.end)
    if period.days <= DAYS_IN_DAILY_CHART:
        visit_series = [(d, counts) for d, counts in per_day.items()]
        visit_unit = "day"
    else:
        visit_series = sorted(centre_stats.per_week(per_day).items())
        visit_unit = "week"
    heat = centre_stats.heat_map(centre_ids, period.start, period.end)
    census_trend = centre_stats.census_trend(
        centre_ids, period.end - datetime.timedelta(days=2 * 365), period.end
    )
    return {
        "period": period,
        "earlier": earlier,
        "sections": [visits, census, hours, activities, advice, incidents],
        "now_section": now_section,
        "visit_chart": charts.stacked_bars(
            [(label_for(d, visit_unit), counts) for d, counts in visit_series],
            [("staffed", _("Staffed")), ("user_run", _("User-run"))],
        ),
        "visit_unit": visit_unit,
        "heat_map": charts.heat_map(heat),
        "census_trend": charts.bars([(d, total) for d, total in census_trend]),
        "best_attended": activity_stats.best_attended(
            centre_ids, period.start, period.end, now=now
        ),
        "advice": cur["advice"],
        "advice_tables": [cur["advice"].table(k) for k in ("topics", "channel", "helper_role")],
    }


def label_for(date, unit):
    if unit == "week":
        return _("Week %(week)s") % {"week": date.isocalendar()[1]}
    return f"{formats.date_format(date, 'D')} {formats.date_format(date, 'SHORT_DATE_FORMAT')}"
