"""The activities calendar shows outreach hours, composed in config/ (activities may not
import advice)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory

pytestmark = pytest.mark.any_day


def next_tuesday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)


def calendar(client, day, **params):
    query = "&".join(f"{k}={v}" for k, v in {"view": "week", "date": day, **params}.items())
    return client.get(reverse("activities:calendar") + "?" + query)


def test_the_association_sees_who_holds_outreach_hours_when(world, client_for):
    tuesday = next_tuesday()
    hours = OutreachHoursFactory(centre=world.centre_a, display_name="Mette", weekday=1)
    OutreachHoursFactory(centre=world.centre_z, display_name="Zenia", weekday=1)
    client = client_for(world.association)
    html = calendar(client, tuesday.isoformat()).content.decode()
    assert "Mette (" in html and "Zenia" not in html
    only_outreach = calendar(client, tuesday.isoformat(), kind="outreach").content.decode()
    assert "Mette (" in only_outreach
    OutreachAbsenceFactory(hours=hours, start_date=tuesday, end_date=tuesday)
    assert "Mette (" not in calendar(client, tuesday.isoformat()).content.decode()


def test_outreach_hours_keep_the_calendars_query_count_constant(
    world, client_for, django_assert_max_num_queries
):
    tuesday = next_tuesday().isoformat()
    client = client_for(world.staff_a)
    OutreachHoursFactory(centre=world.centre_a, display_name="Rådgiver 0", weekday=1)
    response = calendar(client, tuesday)
    assert response.status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        calendar(client, tuesday)
    for n in range(1, 12):
        OutreachHoursFactory(centre=world.centre_a, display_name=f"Rådgiver {n}", weekday=n % 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = calendar(client, tuesday).content.decode()
    assert "Rådgiver 6 (" in html
