"""The nightly job plans the weekly activities from the day of its slot."""

import datetime
from zoneinfo import ZoneInfo

from activities import tasks

CPH = ZoneInfo("Europe/Copenhagen")


def test_the_nightly_task_extends_occurrences_from_its_slots_day(monkeypatch):
    days = []
    monkeypatch.setattr(tasks, "extend_occurrences", lambda today: days.append(today))
    # 03:15 here, on the night summer time ends (01:15 UTC is 02:15 CET: skipped).
    skipped = datetime.datetime(2027, 10, 31, 1, 15, tzinfo=datetime.UTC)
    slot = datetime.datetime(2027, 10, 31, 3, 15, tzinfo=CPH)
    tasks.extend_occurrences_nightly(timestamp=int(skipped.timestamp()))
    tasks.extend_occurrences_nightly(timestamp=int(slot.timestamp()))
    assert days == [datetime.date(2027, 10, 31)]
