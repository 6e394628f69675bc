"""The monthly job pseudonymises the reports past the retention period at its slot."""

import datetime
from zoneinfo import ZoneInfo

from incidents import tasks
from incidents.models import Status
from tests.incidents.factories import IncidentFactory

CPH = ZoneInfo("Europe/Copenhagen")


def test_the_monthly_task_pseudonymises_what_is_past_retention_at_its_slot(world, settings):
    settings.INCIDENT_RETENTION_DAYS = 30
    slot = datetime.datetime(2027, 7, 1, 4, 30, tzinfo=CPH)

    def closed(days_before):
        return IncidentFactory(
            centre=world.centre_a,
            status=Status.CLOSED,
            closed_at=slot - datetime.timedelta(days=days_before),
        )

    old, young = closed(31), closed(29)
    tasks.pseudonymise_incidents_monthly(timestamp=int(slot.timestamp()))
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.pseudonymised_at is not None and old.involved_aliases == []
    assert young.pseudonymised_at is None
