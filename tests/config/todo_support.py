"""The day the to-do tests stand on, and a world where nothing is due for anyone."""

import datetime
from zoneinfo import ZoneInfo

from incidents.models import ReviewSignature, SignatoryRole
from tests.incidents.factories import QuarterReviewFactory, RiskAssessmentFactory

CPH = ZoneInfo("Europe/Copenhagen")
# A Wednesday, mid-morning.
TODAY = datetime.date(2026, 12, 9)
NOW = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=CPH)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def checked(world):
    """Quiet the rules that hold for a bare world: profiles checked, assessments current,
    last quarter's violence review signed by the leader, in both organisations."""
    for centre, leader in (
        (world.centre_a, world.leader),
        (world.centre_b, world.leader),
        (world.centre_z, world.other_leader),
    ):
        centre.tilbudsportalen_checked = days(-10)
        centre.save()
        RiskAssessmentFactory(
            centre=centre, assessed_on=days(-10), review_on=days(300), written_by=leader
        )
        review = QuarterReviewFactory(centre=centre, year=2026, quarter=3)
        ReviewSignature.objects.create(
            review=review,
            role=SignatoryRole.LEADER,
            signed_by=leader,
            signed_at=NOW - datetime.timedelta(days=30),
            figures={},
        )
