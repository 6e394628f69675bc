"""The private calendar link and its iCal feed: public by token, revocable."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import CalendarLink
from activities.recurrence import COPENHAGEN
from tests.activities.factories import ActivityFactory, CalendarLinkFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def feed(client, link):
    response = client.get(reverse("activities:calendar_feed", args=[link.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_round_trips_every_occurrence_with_stable_uids(world, client):
    walk = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        schedule__weekdays="1",
        schedule__valid_from=timezone.localdate(),
        schedule__valid_until=timezone.localdate() + dt.timedelta(weeks=30),
    )
    ActivityFactory(organisation=world.org_a, centres=[world.centre_b], title="Kun B")
    ActivityFactory(organisation=world.org_z, centres=[world.centre_z], title="Andet sted")
    MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    cancelled = walk.occurrences.all()[1]
    cancelled.cancelled, cancelled.cancel_reason = True, "Personalet på kursus"
    cancelled.save()
    link = CalendarLinkFactory(organisation=world.org_a, centre=world.centre_a)

    calendar = feed(client, link)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"
    events = calendar.walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    occurrences = list(walk.occurrences.all())
    assert len(occurrences) > 20
    for occurrence in occurrences:
        event = by_uid[occurrence.uid]
        assert event.decoded("DTSTART") == occurrence.start
        assert event.decoded("DTEND") == occurrence.end
        assert event.decoded("DTSTART").tzinfo.key == "Europe/Copenhagen"
    assert str(by_uid[cancelled.uid]["STATUS"]) == "CANCELLED"
    titles = {str(e["SUMMARY"]) for e in events}
    assert "Kun B" not in titles and "Andet sted" not in titles
    assert "Husmøde" in titles
    # The same UIDs the next time: phones update events rather than duplicate them.
    walk.materialise()
    assert {str(e["UID"]) for e in feed(client, link).walk("VEVENT")} == set(by_uid)


def test_the_shared_calendar_works_signed_out_and_stops_when_revoked(world, client_for):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_b], title="Petanque")
    link = CalendarLinkFactory(organisation=world.org_a)
    anonymous = client_for(None)
    url = reverse("activities:shared_calendar", args=[link.token])
    assert "Petanque" in anonymous.get(url).text
    leader = client_for(world.leader)
    leader.post(reverse("activities:link_revoke", args=[link.pk]))
    anonymous = client_for(None)
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(reverse("activities:calendar_feed", args=[link.token])).status_code == 404
    assert anonymous.get(reverse("activities:shared_calendar", args=["nope"])).status_code == 404


def test_only_the_leader_of_the_organisation_can_revoke(world, client_for):
    link = CalendarLinkFactory(organisation=world.org_a)
    client_for(world.other_leader).post(reverse("activities:link_revoke", args=[link.pk]))
    client_for(world.staff_a).post(reverse("activities:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is None


def test_leader_creates_a_link_for_a_centre(world, client_for):
    client = client_for(world.leader)
    response = client.post(
        reverse("activities:link_create"), {"label": "Skærmen", "centre": world.centre_b.pk}
    )
    assert response.status_code == 302
    link = CalendarLink.objects.get()
    assert link.centre == world.centre_b and len(link.token) >= 32
    response = client.post(
        reverse("activities:link_create"), {"label": "", "centre": world.centre_z.pk}
    )
    assert response.status_code == 400
    assert CalendarLink.objects.count() == 1


def test_shared_calendar_query_count_is_constant(world, client, django_assert_num_queries):
    link = CalendarLinkFactory(organisation=world.org_a)
    url = reverse("activities:shared_calendar", args=[link.token]) + "?view=month"
    # Occurrences on every day of the month, whatever day of it the test runs on.
    first_of_month = timezone.localdate().replace(day=1)
    ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a], schedule__weekdays="0123456"
    ).materialise(since=dt.datetime.combine(first_of_month, dt.time(), tzinfo=COPENHAGEN))
    # Link, centres; occurrences, activities' centres, meetings; closed days (for the
    # closures and the outreach hours the project registers), openings; outreach hours.
    # The same every time.
    for _ in range(2):
        with django_assert_num_queries(8):
            client.get(url)
    for _ in range(6):
        ActivityFactory(
            organisation=world.org_a, centres=[world.centre_a], schedule__weekdays="0246"
        )
        MeetingFactory(
            organisation=world.org_a,
            starts_at=dt.datetime.combine(timezone.localdate(), dt.time(15), tzinfo=COPENHAGEN),
        )
    with django_assert_num_queries(8):
        client.get(url)
