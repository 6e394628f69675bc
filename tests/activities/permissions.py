"""This app's rows of the permission table (see tests/test_permissions.py).

ROWS maps a URL name to (kwargs, statuses). A kwargs value naming an attribute of the
world (e.g. "centre_a") stands for that object's pk. Statuses are in PERSONAS order:
anonymous, staff_a, staff_b, leader, outreach, association, other_leader.
"""

R, F, N, OK, NA = 302, 403, 404, 200, 405

# Objects of centre A: staff_b (centre B) and other_leader cannot see them at all (404);
# outreach and association members see them in the calendar but may not manage (403).
MANAGE_AT_A = (R, OK, N, OK, F, F, N)
# Calendar links are public by token: every persona, signed in or not, gets the page.
BY_TOKEN = (OK,) * 7
TOKEN = "permission-table-token"

ROWS = {
    "activities:calendar": ({}, (R, OK, OK, OK, OK, OK, OK)),
    "activities:link_list": ({}, (R, F, F, OK, F, OK, OK)),
    "activities:link_create": ({}, (NA,) * 7),
    "activities:link_revoke": ({"pk": "calendar_link"}, (NA,) * 7),
    "activities:shared_calendar": ({"token": TOKEN}, BY_TOKEN),
    "activities:calendar_feed": ({"token": TOKEN}, BY_TOKEN),
    "activities:activity_list": ({}, (R, OK, OK, OK, F, F, OK)),
    "activities:activity_create": ({}, (R, OK, OK, OK, F, F, OK)),
    "activities:figures": ({}, (R, F, F, OK, F, F, OK)),
    "activities:activity_detail": ({"pk": "activity"}, MANAGE_AT_A),
    "activities:activity_edit": ({"pk": "activity"}, MANAGE_AT_A),
    "activities:signup_create": ({"pk": "activity"}, MANAGE_AT_A),
    "activities:participant_list": ({"pk": "activity"}, MANAGE_AT_A),
    "activities:second_team": ({"pk": "activity"}, (NA,) * 7),
    "activities:signup_cancel": ({"pk": "signup"}, (NA,) * 7),
    "activities:occurrence_cancel": ({"pk": "occurrence"}, MANAGE_AT_A),
    "activities:occurrence_move": ({"pk": "occurrence"}, MANAGE_AT_A),
    "activities:occurrence_attendance": ({"pk": "occurrence"}, MANAGE_AT_A),
    "activities:meeting_list": ({}, (R, OK, OK, OK, F, OK, OK)),
    "activities:meeting_create": ({}, (R, OK, OK, OK, F, F, OK)),
    # Association members read house meetings of every centre; outreach workers do not.
    "activities:meeting_detail": ({"pk": "meeting"}, (R, OK, N, OK, F, OK, N)),
    "activities:meeting_minutes": ({"pk": "meeting"}, MANAGE_AT_A),
    "activities:meeting_publish": ({"pk": "meeting"}, (NA,) * 7),
    "activities:agenda_item_create": ({"pk": "meeting"}, MANAGE_AT_A),
    "activities:decision_create": ({"pk": "meeting"}, MANAGE_AT_A),
    "activities:decision_done": ({"pk": "decision"}, (NA,) * 7),
    "activities:proposal_list": ({}, (R, OK, OK, OK, F, OK, OK)),
    "activities:proposal_create": ({}, (R, OK, OK, OK, F, OK, OK)),
    "activities:proposal_respond": ({"pk": "proposal"}, MANAGE_AT_A),
}


def extend_world(world):
    """Create the objects this app's URLs need (all of organisation A, at centre A)."""
    from tests.activities.factories import (
        ActivityFactory,
        CalendarLinkFactory,
        DecisionFactory,
        MeetingFactory,
        ProposalFactory,
        SignUpFactory,
    )

    world.activity = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    world.occurrence = world.activity.occurrences.first()
    world.signup = SignUpFactory(activity=world.activity)
    world.meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    world.decision = DecisionFactory(meeting=world.meeting)
    world.proposal = ProposalFactory(meeting=world.meeting, proposed_by=world.association)
    world.calendar_link = CalendarLinkFactory(organisation=world.org_a, token=TOKEN)
    return world
