"""The dates and times a person can mean, in one place.

A date typed by mistake (year 1, year 9999) passes "not in the future" and the date
parsers, then breaks every page that does arithmetic on it (`timestamp too small`). So
every date and time a user enters lies between FIRST_DAY and YEARS_AHEAD years from
today: forms check it with the app's clock (`plausible`, on the model fields and on the
plain forms' fields), and the database holds each column to fixed bounds a little wider
(`plausible_dates`, `plausible_moments`), since SQL must never read its own clock.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10
# The database's bounds: fixed, and wide enough for every date the forms let through for
# the next 60 years and for a moment in any time zone on FIRST_DAY.
DB_FIRST_DAY = FIRST_DAY
DB_END_DAY = datetime.date(2100, 1, 1)
DB_FIRST_MOMENT = datetime.datetime(1999, 12, 31, tzinfo=datetime.UTC)
DB_END_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def last_day(today=None):
    """The last plausible day: YEARS_AHEAD years after today (28 February for 29th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def plausible(value):
    """Validator for every date or date and time a user enters."""
    if value is None:
        return
    day = value
    if isinstance(value, datetime.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    last = last_day()
    if not FIRST_DAY <= day <= last:
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s."),
            code="implausible_date",
            params={
                "first": formats.date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
                "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
            },
        )


class PlausibleDateField(forms.DateField):
    """A date field of a plain form, within the plausible range."""

    default_validators = [plausible]


def plausible_dates(*names):
    """Check constraints holding each date column `names` to the database's fixed bounds."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": DB_FIRST_DAY, f"{name}__lt": DB_END_DAY}),
            name=f"%(app_label)s_%(class)s_{name}_plausible",
        )
        for name in names
    ]


def plausible_moments(*names):
    """The same for each date-and-time column `names`."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": DB_FIRST_MOMENT, f"{name}__lt": DB_END_MOMENT}),
            name=f"%(app_label)s_%(class)s_{name}_plausible",
        )
        for name in names
    ]
