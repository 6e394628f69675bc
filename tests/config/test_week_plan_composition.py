"""The centres' week plan shows what the other apps add: activities and outreach hours."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.activities.factories import ActivityFactory
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory

pytestmark = pytest.mark.any_day


def next_tuesday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)


def week_plan(client, centre, day):
    url = reverse("centres:week_plan", args=[centre.pk]) + f"?week={day.isoformat()}"
    return client.get(url).content.decode()


def test_week_plan_shows_the_centres_activities_and_not_cancelled_ones(world, client_for):
    walk = ActivityFactory(organisation=world.org_a, title="Gågruppe", centres=[world.centre_a])
    ActivityFactory(organisation=world.org_a, title="Krea", centres=[world.centre_b])
    tuesday = next_tuesday()
    client = client_for(world.staff_a)
    html = week_plan(client, world.centre_a, tuesday)
    assert "Gågruppe" in html and "Krea" not in html
    walk.occurrences.filter(start__date=tuesday).update(cancelled=True, cancel_reason="Regnvejr")
    assert "Gågruppe" not in week_plan(client, world.centre_a, tuesday)


def test_week_plan_shows_outreach_hours_except_absences(world, client_for):
    tuesday = next_tuesday()
    hours = OutreachHoursFactory(centre=world.centre_a, display_name="Mette", weekday=1)
    client = client_for(world.staff_a)
    html = week_plan(client, world.centre_a, tuesday)
    assert "Mette (" in html
    assert "09:00\u201312:00" in html  # an en dash between the times
    OutreachAbsenceFactory(hours=hours, start_date=tuesday, end_date=tuesday)
    assert "Mette" not in week_plan(client, world.centre_a, tuesday)


def test_week_plan_queries_do_not_grow_with_activities(
    world, client_for, django_assert_max_num_queries
):
    tuesday = next_tuesday()
    client = client_for(world.staff_a)
    for n in range(3):
        ActivityFactory(organisation=world.org_a, title=f"Aktivitet {n}", centres=[world.centre_a])
        OutreachHoursFactory(centre=world.centre_a, display_name=f"Rådgiver {n}", weekday=1)
    with django_assert_max_num_queries(18):
        week_plan(client, world.centre_a, tuesday)
    for n in range(3, 12):
        ActivityFactory(organisation=world.org_a, title=f"Aktivitet {n}", centres=[world.centre_a])
        OutreachHoursFactory(centre=world.centre_a, display_name=f"Rådgiver {n}", weekday=1)
    with django_assert_max_num_queries(18):
        html = week_plan(client, world.centre_a, tuesday)
    assert "Aktivitet 11" in html and "Rådgiver 11" in html
