"""The supervisory report pack: what Socialtilsynet asked for in its 2023 reports, for a
year and a set of centres, as a page and as an XLSX workbook.

A fixed number of queries whatever the number of centres. Where the pack is marked for
sharing outside the organisation, every table of counts of people and events is
suppressed with the organisation's threshold (centres.suppression: small numbers hidden,
and the numbers they could be worked out from; None, shown as "hidden"). The year that
holds today is counted so far (Period.so_far), as on the dashboard.
"""

import datetime
import math
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import stats as activity_stats
from advice import stats as advice_stats
from centres import stats as centre_stats
from centres.exports import Workbook as ExportWorkbook
from centres.exports import page_text
from centres.forms_base import Form
from centres.models import OpeningKind
from centres.suppression import DEFAULT_THRESHOLD, hidden_label, suppress
from config.dashboard.periods import Period, PeriodKind
from incidents import stats as incident_stats
from incidents.models import Kind


class PackForm(Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    centres = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Centres"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None chosen: all centres."),
    )
    shared = forms.BooleanField(required=False)

    def __init__(self, *args, centres, today, threshold=DEFAULT_THRESHOLD, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = today.year
        self.fields["centres"].choices = [(c.pk, c.name) for c in centres]
        self.fields["shared"].label = _(
            "For sharing outside the organisation (hide numbers under %(threshold)s)"
        ) % {"threshold": threshold}


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
    follow_ups: int | None
    follow_ups_done: int | None
    risk_assessed_on: datetime.date | None
    risk_review_on: datetime.date | None
    staff: int | None
    staff_introduced: int | None


@dataclass
class Pack:
    year: int
    shared: bool
    centres: list
    # The year, or of the year that holds today the part so far.
    period: Period | None = None
    organisation: str = ""
    made_at: datetime.datetime | None = None
    # The smallest number shown when shared (the organisation's).
    threshold: int = DEFAULT_THRESHOLD
    rows: list[CentreRow] = field(default_factory=list)
    weeks: list = field(default_factory=list)  # (monday, visits, staffed hours)
    week_matrix: dict = field(default_factory=dict)  # (centre id, monday) -> (visits, hours)
    changes: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def compute(
    *,
    centres,
    organisation_id,
    year,
    shared,
    threshold=DEFAULT_THRESHOLD,
    now=None,
    organisation="",
):
    """The pack of `year` for `centres`; a year that holds today runs up to today, and its
    figures per week divide by the weeks that have passed. `shared`: suppressed with
    `threshold` (the organisation's) for sharing outside the organisation."""
    now = now or timezone.now()
    period = Period.containing(PeriodKind.YEAR, datetime.date(year, 1, 1)).so_far(
        timezone.localdate(now)
    )
    ids = [c.pk for c in centres]
    figures = Figures.read(ids, organisation_id, period, now)
    weeks, matrix = week_by_week(centres, period, figures.visit_weeks, figures.hour_weeks)
    rows = [figures.row(centre, period) for centre in centres]
    pack = Pack(
        year=year,
        shared=shared,
        centres=centres,
        period=period,
        organisation=organisation,
        made_at=timezone.localtime(now),
        threshold=threshold,
        rows=rows,
        weeks=weeks,
        week_matrix=matrix,
        changes=list(centre_stats.opening_hours_changes(ids, period.start, period.end)),
        topics=figures.topics,
        kinds=Kind.choices,
        totals={
            "visits": sum(figures.visits_of.values()),
            "advice_contacts": sum(figures.contact_totals.values()),
            "incidents": sum(i["total"] for i in figures.incidents.values()),
        },
    )
    if shared:
        suppress_shared(pack, threshold)
    for row in rows:
        row.visits_per_week = None if row.visits is None else round(row.visits / period.weeks, 1)
    return pack


@dataclass
class Figures:
    """Each app's figures of the period per centre, a fixed number of queries."""

    censuses: dict
    visit_weeks: dict
    hour_weeks: dict
    activities: dict
    meetings: dict
    topics: list
    topic_counts: dict
    contact_totals: dict
    incidents: dict
    risks: dict
    introductions: dict
    visits_of: dict = field(default_factory=dict)
    staffed_of: dict = field(default_factory=dict)

    @classmethod
    def read(cls, ids, organisation_id, period, now):
        first, last = period.start, period.end
        topics, topic_counts, contact_totals = advice_stats.topics_per_centre(
            ids, organisation_id, first, last
        )
        figures = cls(
            censuses=centre_stats.census_per_centre(ids, last),
            visit_weeks=centre_stats.visits_per_centre_week(ids, first, last),
            hour_weeks=centre_stats.opening_hours_per_centre_week(ids, first, last),
            activities=activity_stats.per_centre(ids, first, last, now=now),
            meetings=activity_stats.house_meetings(ids, first, last, now=now),
            topics=topics,
            topic_counts=topic_counts,
            contact_totals=contact_totals,
            incidents=incident_stats.incidents_per_centre(ids, first, last),
            risks=incident_stats.risk_assessments(ids),
            introductions=incident_stats.procedure_introductions(ids, organisation_id),
        )
        for (centre_id, _week), n in figures.visit_weeks.items():
            figures.visits_of[centre_id] = figures.visits_of.get(centre_id, 0) + n
        for (centre_id, _week), hours in figures.hour_weeks.items():
            figures.staffed_of[centre_id] = (
                figures.staffed_of.get(centre_id, 0.0) + hours[OpeningKind.STAFFED]
            )
        return figures

    def row(self, centre, period):
        census = self.censuses.get(centre.pk)
        acts = self.activities.get(centre.pk, {})
        meets = self.meetings.get(centre.pk, {})
        inc = self.incidents.get(centre.pk, {})
        risk = self.risks.get(centre.pk)
        intro = self.introductions.get(centre.pk, {})
        return CentreRow(
            centre=centre,
            # Without a census the cells are empty, not hidden.
            census={
                "date": census.date if census else None,
                "weekly": census.weekly if census else "",
                "monthly": census.monthly if census else "",
                "occasional": census.occasional if census else "",
                "total": census.total if census else "",
            },
            visits=self.visits_of.get(centre.pk, 0),
            visits_per_week=None,
            staffed_hours_per_week=round(self.staffed_of.get(centre.pk, 0.0) / period.weeks, 1),
            activities_offered=acts.get("activities", 0),
            occurrences_held=acts.get("held", 0),
            house_meetings=meets.get("held", 0),
            minutes_published=meets.get("published", 0),
            advice_contacts=self.contact_totals.get(centre.pk, 0),
            advice_topics=[self.topic_counts.get(centre.pk, {}).get(t.pk, 0) for t in self.topics],
            incidents=inc.get("total", 0),
            incident_kinds=[inc.get("kind", {}).get(k, 0) for k in Kind.values],
            follow_ups=inc.get("follow_ups", 0),
            follow_ups_done=inc.get("follow_ups_done", 0),
            risk_assessed_on=risk.assessed_on if risk else None,
            risk_review_on=risk.review_on if risk else None,
            staff=intro.get("staff", 0),
            staff_introduced=intro.get("acknowledged", 0),
        )


def week_by_week(centres, period, visit_weeks, hour_weeks):
    """(weeks, matrix): each week's (monday, visits, staffed hours) over the centres, and
    each centre's (visits, staffed hours) by (centre id, monday)."""
    first, last = period.start, period.end
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
            matrix[(centre.pk, monday)] = (v, round(h, 2))
            visits += v
            hours += h
        weeks.append((monday, visits, round(hours, 2)))
    return weeks, matrix


def suppress_shared(pack, threshold):
    """Suppress every table of counts of people and events in `pack`, in place.

    Each table is declared with every total that is published of it here or that can be
    read elsewhere (the page's weekly visits, a centre's visits on the first sheet, the
    organisation's figures the association sees), so what is hidden stays hidden against
    all of them. Activities, sessions and house meetings count the centres' own
    programme, not people or episodes, and staffed hours are hours: those are shown.
    Sheets whose cells need not add up (an episode of several kinds, a contact with
    several topics) are protected as if they did.
    """
    suppress_census(pack.rows, threshold)
    suppress_visits(pack, threshold)
    # Advice contacts by topic and centre, beside each centre's contacts; incidents by
    # kind and centre, beside each centre's incidents.
    suppress_by_centre(pack, threshold, "advice_topics", "advice_contacts", len(pack.topics))
    suppress_by_centre(pack, threshold, "incident_kinds", "incidents", len(pack.kinds))
    # Follow-up items done and not done, and staff introduced to the procedure or not:
    # the shown "done of all" gives the other away, so both are in the table.
    for total, part in (("follow_ups", "follow_ups_done"), ("staff", "staff_introduced")):
        suppress_part_of_total(pack.rows, threshold, total, part)


def suppress_census(rows, threshold):
    """Regular users: a row per centre with a census; weekly, monthly and occasional
    users add up to the users in all."""
    counted = [row for row in rows if row.census["date"]]
    census = suppress(
        [[row.census[k] for k in ("weekly", "monthly", "occasional")] for row in counted],
        threshold,
        row_totals=True,
        column_totals=True,
        grand_total=True,
    )
    for row, cells, total in zip(counted, census.cells, census.row_totals, strict=True):
        row.census.update(weekly=cells[0], monthly=cells[1], occasional=cells[2], total=total)


def suppress_visits(pack, threshold):
    """Visits: weeks x centres; a week's visits over the centres on the page, a centre's
    over the weeks on the first sheet."""
    centres = pack.centres
    mondays = [monday for monday, _visits, _hours in pack.weeks]
    visits = suppress(
        [[pack.week_matrix[(c.pk, monday)][0] for c in centres] for monday in mondays],
        threshold,
        row_totals=True,
        column_totals=True,
        grand_total=True,
    )
    for i, monday in enumerate(mondays):
        for j, c in enumerate(centres):
            pack.week_matrix[(c.pk, monday)] = (
                visits.cells[i][j],
                pack.week_matrix[(c.pk, monday)][1],
            )
        pack.weeks[i] = (monday, visits.row_totals[i], pack.weeks[i][2])
    for row, total in zip(pack.rows, visits.column_totals, strict=True):
        row.visits = total
    pack.totals["visits"] = visits.grand_total


def suppress_by_centre(pack, threshold, parts, total, count):
    """A table of `count` lines (the rows' list `parts`) by centre, beside each centre's
    `total` and the pack's."""
    rows = pack.rows
    table = suppress(
        [[getattr(row, parts)[i] for row in rows] for i in range(count)],
        threshold,
        row_totals=True,
        column_totals=[getattr(row, total) for row in rows],
        grand_total=pack.totals[total],
    )
    for j, row in enumerate(rows):
        setattr(row, parts, [cells[j] for cells in table.cells])
        setattr(row, total, table.column_totals[j])
    pack.totals[total] = table.grand_total


def suppress_part_of_total(rows, threshold, total, part):
    table = suppress(
        [[getattr(row, part), getattr(row, total) - getattr(row, part)] for row in rows],
        threshold,
        row_totals=True,
        column_totals=True,
        grand_total=True,
    )
    for row, cells, row_total in zip(rows, table.cells, table.row_totals, strict=True):
        setattr(row, part, cells[0])
        setattr(row, total, row_total)


# Excel's tag for the language numbers and dates are shown in ([$-406]: Danish): LibreOffice
# then shows 1.234,5 and not 1,234.5 whatever the reader's own settings; Excel shows the
# reader's separators, which for a Danish reader are the same.
EXCEL_LOCALES = {"da": "[$-406]", "en": "[$-809]"}
# Django's date format characters and Excel's.
EXCEL_DATE_PARTS = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}
# Printed on A4 landscape, fitted to the page's width; the column heads are repeated on
# every page, whose header and footer name the organisation, the subject, the period and
# who the pack is for.
PAPER_A4 = 9
MAX_COLUMN_WIDTH = 60
# Arial 10's own row height (xlsxwriter's default suits Calibri 11).
ROW_HEIGHT = 12.75


def excel_date_format(django_format):
    """Excel's number format for a Django date format of days, months and years, e.g.
    "d.m.Y" -> "dd\\.mm\\.yyyy"."""
    parts = []
    for char in django_format:
        if char in EXCEL_DATE_PARTS:
            parts.append(EXCEL_DATE_PARTS[char])
        elif char.isalnum():
            raise ValueError(f"no Excel code for {char!r} of the date format {django_format!r}")
        else:
            parts.append("\\" + char)
    return "".join(parts)


def short_date(date):
    return formats.date_format(date, "SHORT_DATE_FORMAT")


def period_text(pack, short=False):
    """The pack's period in words: the year and its days, and whether the year is over."""
    days = f"{short_date(pack.period.start)}\N{EN DASH}{short_date(pack.period.end)}"
    if short:
        return days
    if pack.period.running:
        return _("%(year)s so far: %(days)s, up to and including the day the report was made") % {
            "year": pack.year,
            "days": days,
        }
    return f"{pack.year}: {days}"


def sharing_text(pack):
    """Who the pack is for, and the rule for small numbers."""
    values = {
        "threshold": pack.threshold,
        "hidden": f"\N{LEFT DOUBLE QUOTATION MARK}{hidden_label()}\N{RIGHT DOUBLE QUOTATION MARK}",
    }
    if pack.shared:
        return (
            _(
                "For sharing outside the organisation: numbers of people and events under "
                "%(threshold)s are shown as %(hidden)s, and so are numbers they could be "
                "worked out from, so no one can be recognised."
            )
            % values
        )
    return (
        _(
            "For use inside the organisation only: no numbers are hidden. In a report for "
            "sharing outside it, numbers of people and events under %(threshold)s are shown "
            "as %(hidden)s, and so are numbers they could be worked out from."
        )
        % values
    )


def shown_length(value):
    """About how many characters a cell's value takes as shown."""
    if value is None:
        return len(hidden_label())
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def wrapped_lines(text, width):
    """How many lines `text` takes, wrapped at spaces into lines of `width` characters."""
    lines, length = 1, 0
    for word in str(text).split():
        if length and length + 1 + len(word) > width:
            lines, length = lines + 1, len(word)
        else:
            length += (1 if length else 0) + len(word)
    return lines


class Workbook:
    """The pack's XLSX workbook as a supervisor reads it on screen and on paper."""

    def __init__(self, pack):
        self.pack = pack
        self.book = ExportWorkbook(
            # Arial: on every office machine, and LibreOffice lays it out with the
            # metric-compatible Liberation Sans, so widths and pages come out the same.
            default_format_properties={"font_name": "Arial", "font_size": 10},
        )
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        locale = EXCEL_LOCALES.get(language, EXCEL_LOCALES["da"])
        add = self.book.add_format
        heading = {"bold": True, "text_wrap": True, "border": 1, "bg_color": "#E7E6E6"}
        cell = {"valign": "top", "border": 1, "border_color": "#A6A6A6"}
        self.formats = {
            "title": add({"bold": True, "font_size": 14}),
            "note": add({"text_wrap": True, "valign": "top"}),
            "label": add({"bold": True, "valign": "top", "text_wrap": True}),
            "fact": add({"valign": "top", "text_wrap": True, "align": "left"}),
            "header": add({**heading, "valign": "bottom"}),
            "group": add({**heading, "align": "center", "valign": "vcenter"}),
            "text": add({**cell}),
            "int": add({**cell, "num_format": locale + "#,##0"}),
            "decimal": add({**cell, "num_format": locale + "#,##0.0#"}),
            "date": add(
                {
                    **cell,
                    "num_format": locale
                    + excel_date_format(formats.get_format("SHORT_DATE_FORMAT")),
                    "align": "left",
                }
            ),
            "hidden": add({**cell, "align": "right"}),
        }
        self.title = f"{_('Report for Socialtilsynet')} {pack.year}"
        # Short forms for the printed pages' headers and footers.
        self.period = period_text(pack, short=True)
        self.sharing = (
            _("For sharing outside the organisation: numbers under %(threshold)s hidden")
            % {"threshold": pack.threshold}
            if pack.shared
            else _("For use inside the organisation only")
        )
        made = formats.date_format(pack.made_at, "SHORT_DATETIME_FORMAT")
        self.notes = [
            f"{pack.organisation} \N{MIDDLE DOT} {period_text(pack)}",
            f"{sharing_text(pack)} {_('Made %(moment)s.') % {'moment': made}}",
        ]
        self.contents = []

    def put(self, sheet, row, col, value):
        if value is None:
            sheet.text(row, col, hidden_label(), self.formats["hidden"])
        elif isinstance(value, datetime.date):
            sheet.date(row, col, value, self.formats["date"])
        elif isinstance(value, int):
            sheet.number(row, col, value, self.formats["int"])
        elif isinstance(value, float):
            sheet.number(row, col, value, self.formats["decimal"])
        else:
            sheet.text(row, col, value, self.formats["text"])

    def set_up_page(self, sheet, title, repeat=None):
        """A4 landscape, one page wide; every printed page names the organisation, the
        subject, the period and who the pack is for in its header and footer, and repeats
        the rows `repeat` (first, last: the column heads)."""
        sheet.set_landscape()
        sheet.set_paper(PAPER_A4)
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        if repeat:
            sheet.repeat_rows(*repeat)

        pack = self.pack
        sheet.set_header(
            f"&L{page_text(pack.organisation)}&C&B{page_text(title)}&R{page_text(self.period)}"[
                :255
            ],
            {"margin": 0.3},
        )
        sheet.set_footer(
            f"&L{page_text(self.sharing)}&R{_('Page &P of &N')}"[:255], {"margin": 0.3}
        )

    def write_block(self, sheet, row, texts, width, last_col):
        """The title and notes across the columns, tall enough for their lines."""
        for text, style, height in texts:
            lines = max(1, math.ceil(len(text) * (1.3 if style == "title" else 1.05) / width))
            if last_col > 0:
                sheet.merge(row, 0, row, last_col, text, self.formats[style])
            else:
                sheet.text(row, 0, text, self.formats[style])
            sheet.set_row(row, height * lines)
            row += 1
        return row

    def table(self, tab, title, header, lines, groups=()):
        """A sheet of a title block, column heads and a row per line. `groups` are
        (label, first column, last column): a row above the heads naming the columns
        below it (a centre's)."""
        sheet = self.book.add_worksheet(tab)
        sheet.set_default_row(ROW_HEIGHT)
        self.contents.append((tab[:31], title))
        widths = []
        for col, head in enumerate(header):
            content = max((shown_length(line[col]) for line in lines), default=0)
            words = max((len(w) for w in str(head).split()), default=0) * 1.1
            # Heads wrap onto at most three lines.
            width = max(content + 2, words + 2, len(str(head)) * 1.1 / 3 + 2, 7)
            widths.append(min(math.ceil(width), MAX_COLUMN_WIDTH))
        for label, first, last in groups:
            need = len(str(label)) * 1.1 + 2
            have = sum(widths[first : last + 1])
            if need > have:
                extra = math.ceil((need - have) / (last - first + 1))
                for col in range(first, last + 1):
                    widths[col] += extra
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)

        last_col = len(header) - 1
        row = self.write_block(
            sheet,
            0,
            [
                (title, "title", 20),
                *((note, "note", ROW_HEIGHT) for note in self.notes),
                ("", "note", 6),
            ],
            sum(widths),
            last_col,
        )
        first_head = row
        if groups:
            grouped = set()
            for label, first, last in groups:
                sheet.merge(row, first, row, last, label, self.formats["group"])
                grouped.update(range(first, last + 1))
            for col, head in enumerate(header):
                if col not in grouped:
                    sheet.merge(row, col, row + 1, col, head, self.formats["header"])
            row += 1
        head_lines = max(
            wrapped_lines(head, widths[col] / 1.1 - 1) for col, head in enumerate(header)
        )
        for col, head in enumerate(header):
            if not groups or col in grouped:
                sheet.text(row, col, head, self.formats["header"])
        sheet.set_row(row, ROW_HEIGHT * head_lines + 2)
        self.set_up_page(sheet, title, (first_head, row))
        sheet.freeze_panes(row + 1, 1)
        for line in lines:
            row += 1
            for col, value in enumerate(line):
                self.put(sheet, row, col, value)
        return sheet

    def cover(self):
        """The first sheet: what the workbook holds, for whom, and made when."""
        pack = self.pack
        sheet = self.book.add_worksheet(_("About this report"))
        sheet.set_default_row(ROW_HEIGHT)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 1, 100)
        sheet.text(0, 0, self.title, self.formats["title"])
        sheet.set_row(0, 24)
        facts = [
            (_("Organisation"), pack.organisation),
            (_("Period"), period_text(pack)),
            *(
                (_("Centres") if i == 0 else "", centre.name)
                for i, centre in enumerate(pack.centres)
            ),
            (_("Made"), formats.date_format(pack.made_at, "SHORT_DATETIME_FORMAT")),
            (_("For sharing outside the organisation"), _("Yes") if pack.shared else _("No")),
            (_("Small numbers"), sharing_text(pack)),
        ]
        row = 2
        for label, value in facts:
            sheet.text(row, 0, label, self.formats["label"])
            sheet.text(row, 1, value, self.formats["fact"])
            sheet.set_row(row, ROW_HEIGHT * wrapped_lines(value, 95))
            row += 1
        row += 1
        sheet.text(row, 0, _("Sheets"), self.formats["header"])
        sheet.text(row, 1, _("What they hold"), self.formats["header"])
        return sheet, row

    def close(self, cover, row):
        for tab, title in self.contents:
            row += 1
            cover.text(row, 0, tab, self.formats["text"])
            cover.text(row, 1, title, self.formats["text"])
        self.set_up_page(cover, _("About this report"))
        self.book.set_properties(
            {"title": self.title, "company": self.pack.organisation, "author": ""}
        )
        return self.book.close()


def workbook(pack):
    """The pack as XLSX bytes: a cover sheet, then a sheet per subject, each titled with
    the organisation, the period and who it is for; a row per centre, or a row per week
    or topic with a column (group) per centre; frozen, repeated column heads; A4
    landscape fitted to the page's width; Danish number and date formats."""
    book = Workbook(pack)
    cover, contents_row = book.cover()
    for sheet in SHEETS:
        sheet(book, pack)
    return book.close(cover, contents_row)


def users_and_visits_sheet(book, pack):
    book.table(
        _("Users and visits"),
        _("Regular users and visits"),
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
        [
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
            for r in pack.rows
        ],
    )


def week_by_week_sheet(book, pack):
    mondays = [monday for monday, _v, _h in pack.weeks]
    week_columns = 3
    book.table(
        _("Week by week"),
        _("Visits and staffed hours week by week"),
        [
            _("Week"),
            _("From"),
            _("Until"),
            *[head for _c in pack.centres for head in (_("Visits"), _("Staffed hours"))],
        ],
        [
            (
                monday.isocalendar()[1],
                max(monday, pack.period.start),
                min(monday + datetime.timedelta(days=6), pack.period.end),
                *[value for c in pack.centres for value in pack.week_matrix[(c.pk, monday)]],
            )
            for monday in mondays
        ],
        groups=[
            (c.name, week_columns + 2 * i, week_columns + 2 * i + 1)
            for i, c in enumerate(pack.centres)
        ],
    )


def opening_hours_changes_sheet(book, pack):
    changed = {h.centre_id for h in pack.changes}
    book.table(
        _("Changes of opening hours"),
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
        ]
        # A centre whose hours did not change says so, so every page names its centres.
        + [
            (c.name, _("The opening hours did not change during the year."), "", "", "", "", "")
            for c in pack.centres
            if c.pk not in changed
        ],
    )


def activities_sheet(book, pack):
    book.table(
        _("Activities and house meetings"),
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
            for r in pack.rows
        ],
    )


def advice_sheet(book, pack):
    rows = pack.rows
    book.table(
        _("Advice"),
        _("Advice contacts by topic"),
        [_("Topic"), *[r.centre.name for r in rows]],
        [
            (_("All advice contacts"), *[r.advice_contacts for r in rows]),
            *(
                (topic.label, *[r.advice_topics[i] for r in rows])
                for i, topic in enumerate(pack.topics)
            ),
        ],
    )


def incidents_sheet(book, pack):
    rows = pack.rows
    book.table(
        _("Incidents"),
        _("Incidents, follow-up and risk assessments"),
        [_("Figure"), *[r.centre.name for r in rows]],
        [
            (_("Incidents"), *[r.incidents for r in rows]),
            *(
                (label, *[r.incident_kinds[i] for r in rows])
                for i, (_value, label) in enumerate(pack.kinds)
            ),
            (_("Follow-up items"), *[r.follow_ups for r in rows]),
            (_("Follow-up items done"), *[r.follow_ups_done for r in rows]),
            (_("Risk assessed on"), *[r.risk_assessed_on or _("None written") for r in rows]),
            (_("Risk assessment review"), *[r.risk_review_on or "" for r in rows]),
            (_("Staff"), *[r.staff for r in rows]),
            (_("Staff introduced to the procedure"), *[r.staff_introduced for r in rows]),
        ],
    )


# The workbook's sheets after the cover, in order.
SHEETS = [
    users_and_visits_sheet,
    week_by_week_sheet,
    opening_hours_changes_sheet,
    activities_sheet,
    advice_sheet,
    incidents_sheet,
]
