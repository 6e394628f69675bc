"""Form fields shared by the apps."""

import datetime

from django import forms
from django.utils import timezone

from centres.plausible import plausible


class WallClockDateTimeField(forms.DateTimeField):
    """A local date and time read as the wall clock shows it, the way the rest of the app
    reads one (a datetime with the Copenhagen zone): in the night summer time ends, 02:30
    is the first 02:30 (summer time); in the night it begins, the skipped 02:30 is 03:30.

    Django's own field refuses both, so an episode at 02:20 that night, entered with the
    form's own "now", could not be saved."""

    default_validators = [plausible]

    def to_python(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value
        # Parsed in UTC, which has no gaps or repeats; then the same wall-clock digits are
        # read in the current zone.
        with timezone.override(datetime.UTC):
            parsed = super().to_python(value)
        if parsed is None:
            return None
        return parsed.replace(tzinfo=timezone.get_current_timezone())
