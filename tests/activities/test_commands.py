import datetime as dt

import time_machine
from django.core.management import call_command

from activities.recurrence import COPENHAGEN
from tests.activities.factories import ActivityFactory


def test_extend_occurrences_rolls_the_horizon_forward(world, capsys):
    with time_machine.travel(dt.datetime(2026, 1, 5, 8, tzinfo=COPENHAGEN), tick=False):
        walk = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    before = walk.occurrences.count()
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, tzinfo=COPENHAGEN), tick=False):
        call_command("extend_occurrences")
    assert walk.occurrences.count() == before + 8
    assert "8 occurrences planned." in capsys.readouterr().out
