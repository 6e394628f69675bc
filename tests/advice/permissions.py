"""This app's rows of the permission table (see tests/test_permissions.py).

ROWS maps a URL name to (kwargs, statuses). A kwargs value naming an attribute of the
world (e.g. "centre_a") stands for that object's pk. Statuses are in PERSONAS order:
anonymous, staff_a, staff_b, leader, outreach, association, other_leader.

Outreach workers record contacts and keep their own hours' absences ("my hours"), nothing
else (they see the other outreach hours in the calendar).
The association sees only the figures, with small cells suppressed.
"""

R, F, N, OK = 302, 403, 404, 200
NA = 405  # POST-only

ADVICE_ROWS = {
    "advice:record": ({}, (R, OK, OK, OK, OK, F, OK)),
    "advice:record_undo": ({}, (NA,) * 7),
    "advice:topics": ({}, (R, F, F, OK, F, F, OK)),
    "advice:topic_toggle": ({"pk": "topic_a"}, (NA,) * 7),
    "advice:outreach_hours": ({}, (R, OK, OK, OK, F, F, OK)),
    "advice:outreach_hours_create": ({}, (R, OK, OK, OK, F, F, OK)),
    "advice:outreach_hours_edit": ({"pk": "outreach_hours_a"}, (R, OK, N, OK, F, F, N)),
    "advice:absence_create": ({"pk": "outreach_hours_a"}, (R, OK, N, OK, F, F, N)),
    # Removing asks first: the GET is the confirmation page.
    "advice:absence_delete": ({"pk": "outreach_absence_a"}, (R, OK, N, OK, F, F, N)),
    "advice:meetings": ({}, (R, OK, OK, OK, F, F, OK)),
    "advice:figures": ({}, (R, OK, OK, OK, F, OK, OK)),
    "advice:figures_csv": ({}, (R, OK, OK, OK, F, OK, OK)),
    "advice:figures_xlsx": ({}, (R, OK, OK, OK, F, OK, OK)),
    "advice:my_hours": ({}, (R, F, F, F, OK, F, F)),
    # Cancelling asks first: the GET is the confirmation page.
    "advice:my_absence_cancel": ({"pk": "own_absence_a"}, (R, F, F, F, OK, F, F)),
}


ROWS = ADVICE_ROWS


def extend_world(world):
    """Create the objects this app's URLs need (all of organisation A, at centre A)."""
    import datetime

    from django.utils import timezone

    from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory, TopicFactory

    world.topic_a = TopicFactory(organisation=world.org_a, name="Budget")
    world.outreach_hours_a = OutreachHoursFactory(centre=world.centre_a)
    world.outreach_absence_a = OutreachAbsenceFactory(hours=world.outreach_hours_a)
    # Otto's own hours, with an absence that has not begun (so he may cancel it).
    world.own_hours_a = OutreachHoursFactory(centre=world.centre_a, worker=world.outreach)
    coming = timezone.localdate() + datetime.timedelta(days=30)
    world.own_absence_a = OutreachAbsenceFactory(
        hours=world.own_hours_a, start_date=coming, end_date=coming
    )
