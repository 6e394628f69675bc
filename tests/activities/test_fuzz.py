"""Whatever is typed or posted, the forms answer with a page, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Activity
from tests.activities.factories import ActivityFactory, MeetingFactory

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "99999999999", "2026-02-30", "25:61", "1e9", "1,5"]),
    st.dates().map(str),
    st.times().map(lambda t: t.strftime("%H:%M")),
)
FORMS = {
    "activities:activity_create": [
        "title",
        "category",
        "centres",
        "weekdays",
        "valid_from",
        "start_time",
        "end_time",
        "interval_weeks",
        "valid_until",
        "session_count",
        "price",
        "capacity",
        "led_by",
    ],
    "activities:meeting_create": ["kind", "centre", "date", "time", "place"],
    "activities:proposal_create": ["meeting", "title", "description", "on_behalf_of"],
    "activities:link_create": ["label", "centre"],
}


@pytest.mark.parametrize("url_name", list(FORMS))
def test_creation_forms_never_fail(world, client_for, url_name):
    client = client_for(world.leader)
    MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    fields = FORMS[url_name]

    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.fixed_dictionaries(dict.fromkeys(fields, junk)))
    def post(data):
        response = client.post(reverse(url_name), data)
        assert response.status_code in (302, 400)

    post()


def test_occurrence_forms_never_fail(world, client_for):
    client = client_for(world.staff_a)
    occurrence = ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a]
    ).occurrences.first()

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        st.sampled_from(["move", "cancel", "attendance"]),
        st.fixed_dictionaries(
            dict.fromkeys(("date", "start_time", "end_time", "reason", "attendance"), junk)
        ),
    )
    def post(action, data):
        url = reverse(f"activities:occurrence_{action}", args=[occurrence.pk])
        assert client.post(url, data).status_code in (302, 400)

    post()
    assert Activity.objects.count() == 1
