"""A local date and time typed into a form is read the way the rest of the app reads one."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms

from centres.fields import WallClockDateTimeField

CPH = ZoneInfo("Europe/Copenhagen")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2026-12-03T10:15", datetime.datetime(2026, 12, 3, 9, 15, tzinfo=UTC)),
        ("2026-07-01T10:15", datetime.datetime(2026, 7, 1, 8, 15, tzinfo=UTC)),
        # The night summer time ends, 02:20 comes twice: the first, still summer time.
        ("2027-10-31T02:20", datetime.datetime(2027, 10, 31, 0, 20, tzinfo=UTC)),
        # The night it begins, 02:20 never comes: the clocks show 03:20 then.
        ("2027-03-28T02:20", datetime.datetime(2027, 3, 28, 1, 20, tzinfo=UTC)),
    ],
)
def test_a_wall_clock_time_is_read_in_copenhagen(settings, typed, instant):
    value = WallClockDateTimeField().clean(typed)
    assert value.timestamp() == instant.timestamp()
    assert value.tzinfo == CPH
    assert value == datetime.datetime.fromisoformat(typed).replace(tzinfo=CPH)


def test_an_aware_value_is_kept_and_nonsense_refused():
    field = WallClockDateTimeField(required=False)
    aware = datetime.datetime(2027, 10, 31, 2, 20, fold=1, tzinfo=CPH)
    assert field.clean(aware) is aware
    assert field.clean("") is None
    with pytest.raises(forms.ValidationError) as error:
        field.clean("i går")
    assert "Indtast gyldig dato/tid" in str(error.value)
