"""The period a dashboard or report shows, read from the query string, and its year-earlier twin."""

import datetime
from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centres.calendar_days import week_start
from centres.forms_base import Form
from centres.plausible import PlausibleDateField

# Longest custom period: five years and a leap day.
MAX_CUSTOM_DAYS = 5 * 365 + 1


class PeriodKind:
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"

    CHOICES = [
        (WEEK, _("Week")),
        (MONTH, _("Month")),
        (QUARTER, _("Quarter")),
        (YEAR, _("Year")),
        (CUSTOM, _("Custom")),
    ]


def year_earlier(date):
    """The same day a year earlier; 29 February becomes the 28th."""
    try:
        return date.replace(year=date.year - 1)
    except ValueError:
        return date.replace(year=date.year - 1, day=28)


def same_week_a_year_earlier(monday):
    """The Monday of the same ISO week of the year before; week 53 becomes that year's last
    week (52), as most years have no week 53."""
    year, week, _day = monday.isocalendar()
    weeks_then = datetime.date(year - 1, 12, 28).isocalendar()[1]
    return datetime.date.fromisocalendar(year - 1, min(week, weeks_then), 1)


def add_months(date, months):
    """The first of the month `months` after `date`'s month."""
    index = date.year * 12 + date.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A week, month, quarter, year or custom range of days, or the part of one that has
    passed (see `so_far`)."""

    kind: str
    start: datetime.date
    end: datetime.date  # inclusive: the last day with figures
    # Set on the part of a running period that has passed: the period's own last day.
    whole_end: datetime.date | None = None

    @classmethod
    def containing(cls, kind, date):
        """The week (Monday to Sunday), month, quarter or year that contains `date`."""
        if kind == PeriodKind.WEEK:
            start = week_start(date)
            return cls(kind, start, start + datetime.timedelta(days=6))
        if kind == PeriodKind.MONTH:
            start = date.replace(day=1)
            return cls(kind, start, add_months(start, 1) - datetime.timedelta(days=1))
        if kind == PeriodKind.QUARTER:
            start = datetime.date(date.year, 3 * ((date.month - 1) // 3) + 1, 1)
            return cls(kind, start, add_months(start, 3) - datetime.timedelta(days=1))
        if kind == PeriodKind.YEAR:
            return cls(kind, datetime.date(date.year, 1, 1), datetime.date(date.year, 12, 31))
        raise ValueError(kind)

    def so_far(self, today):
        """The part of the period from its first day up to and including `today` when the
        period holds today (a running period); the period itself otherwise.

        Today counts: staff count the day's visits as they come and a leader reads them the
        same day, and without it the first day of every period would show nothing. Until
        the day is over it is only partly counted, while the same day a year earlier is
        whole; the page says so ("up to and including today").
        """
        if self.running or not self.start <= today <= self.end:
            return self
        return Period(self.kind, self.start, today, whole_end=self.end)

    @property
    def running(self):
        """True for the part of a period that holds today (see `so_far`)."""
        return self.whole_end is not None

    @property
    def whole(self):
        """The whole period, days still to come included."""
        return Period(self.kind, self.start, self.whole_end) if self.running else self

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def weeks(self):
        return self.days / 7

    def year_earlier(self):
        """The same period a year earlier: for a week the same ISO week of the year before
        (same weekdays); for months, quarters and years the same dates; a custom range
        shifted by a year. Of a running period, the same days a year earlier: for a week
        from its Monday to the same weekday, otherwise from the first day to the same date
        (29 February: the 28th), and the whole period once the last day is reached."""
        if self.running:
            whole = self.whole.year_earlier()
            if self.end == self.whole_end:
                end = whole.end
            elif self.kind == PeriodKind.WEEK:
                end = whole.start + (self.end - self.start)
            else:
                end = year_earlier(self.end)
            return Period(self.kind, whole.start, end, whole_end=whole.end)
        if self.kind == PeriodKind.WEEK:
            start = same_week_a_year_earlier(self.start)
            return Period(self.kind, start, start + (self.end - self.start))
        if self.kind == PeriodKind.CUSTOM:
            return Period(self.kind, year_earlier(self.start), year_earlier(self.end))
        return Period.containing(self.kind, year_earlier(self.start))

    def previous(self):
        if self.kind == PeriodKind.CUSTOM:
            return None
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self):
        if self.kind == PeriodKind.CUSTOM:
            return None
        return Period.containing(self.kind, self.whole.end + datetime.timedelta(days=1))

    @property
    def label(self):
        """The period's name ("December 2026", "Week 49, 2026"); years are written plain."""
        if self.kind == PeriodKind.WEEK:
            year, week, _day = self.start.isocalendar()
            return _("Week %(week)s, %(year)s") % {"week": week, "year": year}
        if self.kind == PeriodKind.MONTH:
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT").capitalize()
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(quarter)s, %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        first, last = (
            formats.date_format(d, "SHORT_DATE_FORMAT") for d in (self.start, self.whole.end)
        )
        return f"{first}\N{EN DASH}{last}"


class PlainSelect(forms.Select):
    """A select whose options are written in Python: through the widget templates, a list
    of hundreds of centres costs a template render per option on every page view."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        attributes = flatatt({**self.build_attrs(self.attrs, attrs), "name": name})
        return format_html("<select{}>{}</select>", attributes, options)


class PeriodForm(Form):
    """The dashboard's choice of period and centre, from the query string.

    Drawn by the dashboard's own template with Bootstrap's classes set here, not by
    crispy-forms: it is drawn on every view of the dashboard, and crispy's templates cost
    more than the figures once those are kept.
    """

    period = forms.ChoiceField(
        label=_("Period"),
        choices=PeriodKind.CHOICES,
        required=False,
        initial=PeriodKind.MONTH,
        widget=PlainSelect,
    )
    date = PlausibleDateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = PlausibleDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = PlausibleDateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    centre = forms.TypedChoiceField(
        label=_("Centre"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, *args, centres, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["centre"].choices = [("", _("All centres")), *((c.pk, c.name) for c in centres)]
        for field in self.fields.values():
            kind = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = kind

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "class": self.fields[name].widget.attrs["class"] + " is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}_error",
                    }
                )

    @staticmethod
    def default_period(today):
        return Period.containing(PeriodKind.MONTH, today)

    def clean(self):
        data = super().clean()
        kind = data.get("period") or PeriodKind.MONTH
        if kind == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                if not self.errors:
                    raise forms.ValidationError(
                        _("A custom period needs a first and a last day."), code="incomplete"
                    )
                return data
            if end < start:
                raise forms.ValidationError(
                    _("The last day comes before the first day."), code="reversed"
                )
            if (end - start).days + 1 > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most five years."), code="too_long"
                )
            data["the_period"] = Period(kind, start, end)
        else:
            data["the_period"] = Period.containing(kind, data.get("date") or self.today)
        return data
