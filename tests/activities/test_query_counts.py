"""List pages keep the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from tests.activities.factories import (
    ActivityFactory,
    DecisionFactory,
    MeetingFactory,
    ProposalFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def add_rows(world, activity):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a, world.centre_b])
    meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    MeetingFactory(organisation=world.org_a)
    DecisionFactory(meeting=meeting)
    ProposalFactory(meeting=meeting, proposed_by=world.association)
    ProposalFactory(meeting=meeting, proposed_by=world.staff_a, on_behalf_of="Kim")
    services.sign_up_create(activity=activity, name="Lise")


@pytest.mark.parametrize(
    ("persona", "url_name", "with_pk"),
    [
        ("staff_a", "activities:activity_list", False),
        ("leader", "activities:figures", False),
        ("staff_a", "activities:meeting_list", False),
        ("association", "activities:meeting_list", False),
        ("staff_a", "activities:proposal_list", False),
        ("association", "activities:proposal_list", False),
        ("staff_a", "activities:activity_detail", True),
        ("staff_a", "activities:participant_list", True),
        ("leader", "activities:link_list", False),
        ("association", "home", False),
        ("staff_a", "home", False),
    ],
)
def test_query_count_is_constant(world, client_for, persona, url_name, with_pk):
    activity = ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a], capacity=2, signup_required=True
    )
    add_rows(world, activity)
    client = client_for(getattr(world, persona))
    url = reverse(url_name, args=[activity.pk] if with_pk else [])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for _ in range(5):
        add_rows(world, activity)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]
