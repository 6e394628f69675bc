"""This app's rows of the permission table (see tests/test_permissions.py).

ROWS maps a URL name to (kwargs, statuses). A kwargs value naming an attribute of the
world (e.g. "centre_a") stands for that object's pk. Statuses are in PERSONAS order:
anonymous, staff_a, staff_b, leader, outreach, association, other_leader.

Outreach workers and association members get nothing of incidents: 403, except that an
object at a centre outside their scope is still a 404 (scope first, then role).
"""

R, F, N, OK, NA = 302, 403, 404, 200, 405

EVERY_WORKER = (R, OK, OK, OK, F, F, OK)
LEADERS = (R, F, F, OK, F, F, OK)
CENTRE_A_WORKERS = (R, OK, N, OK, F, F, N)
CENTRE_A_LEADER = (R, F, N, OK, F, F, N)
POST_ONLY = (NA,) * 7
# A quarter long past, whatever the day the tests run.
REVIEW_A = {"centre_pk": "centre_a", "year": "2025", "quarter": "1"}

INCIDENT_ROWS = {
    "incidents:list": ({}, EVERY_WORKER),
    "incidents:quick": ({}, EVERY_WORKER),
    "incidents:create": ({}, EVERY_WORKER),
    "incidents:overview": ({}, EVERY_WORKER),
    "incidents:detail": ({"pk": "incident_a"}, CENTRE_A_WORKERS),
    "incidents:edit": ({"pk": "incident_a"}, CENTRE_A_WORKERS),
    "incidents:print": ({"pk": "incident_a"}, CENTRE_A_WORKERS),
    "incidents:advance": ({"pk": "incident_a"}, POST_ONLY),
    "incidents:reporting": ({"pk": "incident_a"}, CENTRE_A_LEADER),
    "incidents:follow_up_create": ({"pk": "incident_a"}, CENTRE_A_LEADER),
    "incidents:follow_up_done": ({"pk": "incident_a", "item_pk": "follow_up_a"}, POST_ONLY),
    "incidents:ban_list": ({}, EVERY_WORKER),
    "incidents:ban_create": ({}, LEADERS),
    "incidents:ban_detail": ({"pk": "ban_a"}, CENTRE_A_WORKERS),
    "incidents:ban_edit": ({"pk": "ban_a"}, CENTRE_A_LEADER),
    "incidents:centre_bans": ({"centre_pk": "centre_a"}, CENTRE_A_WORKERS),
    "incidents:risk_list": ({}, EVERY_WORKER),
    "incidents:risk_create": ({"centre_pk": "centre_a"}, CENTRE_A_WORKERS),
    "incidents:procedure_list": ({}, EVERY_WORKER),
    "incidents:procedure_create": ({"centre_pk": "centre_a"}, CENTRE_A_LEADER),
    "incidents:procedure_acknowledge": ({"pk": "procedure_a"}, POST_ONLY),
    "incidents:figures": ({}, LEADERS),
    "incidents:figures_xlsx": ({}, LEADERS),
    "incidents:day_sheets": ({}, EVERY_WORKER),
    "incidents:day_sheet": ({"centre_pk": "centre_a"}, CENTRE_A_WORKERS),
    "incidents:review_list": ({}, EVERY_WORKER),
    # Staff at the centre read the review; the leader and safety representatives act on it.
    "incidents:review": (REVIEW_A, CENTRE_A_WORKERS),
    "incidents:review_decision_add": (REVIEW_A, POST_ONLY),
    "incidents:review_sign": (REVIEW_A, POST_ONLY),
    "incidents:review_decision_edit": ({"pk": "decision_a"}, CENTRE_A_LEADER),
    "incidents:review_decision_done": ({"pk": "decision_a"}, POST_ONLY),
}

ROWS = INCIDENT_ROWS


def extend_world(world):
    """Create the objects this app's URLs need (all of organisation A, at centre A)."""
    from tests.incidents.factories import (
        BanFactory,
        FollowUpItemFactory,
        IncidentFactory,
        ProcedureFactory,
        QuarterReviewFactory,
        ReviewDecisionFactory,
    )

    world.incident_a = IncidentFactory(centre=world.centre_a, reported_by=world.staff_a)
    world.follow_up_a = FollowUpItemFactory(incident=world.incident_a, owner=world.staff_a)
    world.ban_a = BanFactory(centre=world.centre_a, decided_by=world.leader)
    world.procedure_a = ProcedureFactory(
        centre=world.centre_a, published_by=world.leader, version=1
    )
    world.review_a = QuarterReviewFactory(centre=world.centre_a, year=2025, quarter=1)
    world.decision_a = ReviewDecisionFactory(review=world.review_a, owner=world.staff_a)
    return world
