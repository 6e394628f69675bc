"""Association members make and revoke their own private calendar links; the leader
sees every link of the organisation and may revoke any. The feed holds closed days."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import CalendarLink
from centres.models import Role
from tests.activities.factories import CalendarLinkFactory
from tests.centres.factories import ClosureFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


@pytest.fixture
def other_member(world):
    return UserFactory(organisation=world.org_a, role=Role.ASSOCIATION, first_name="Bente")


def create(client, **data):
    return client.post(reverse("activities:link_create"), {"label": "Min telefon", **data})


def test_a_member_creates_a_link_of_their_own(world, client_for):
    response = create(client_for(world.association), centre=world.centre_a.pk)
    assert response.status_code == 302
    link = CalendarLink.objects.get()
    assert link.created_by == world.association
    assert link.organisation == world.org_a and link.centre == world.centre_a


def test_a_member_sees_only_their_own_links(world, client_for, other_member):
    mine = CalendarLinkFactory(organisation=world.org_a, created_by=world.association)
    theirs = CalendarLinkFactory(
        organisation=world.org_a, created_by=other_member, label="Bentes tablet"
    )
    leaders = CalendarLinkFactory(
        organisation=world.org_a, created_by=world.leader, label="Opslagstavlen i caféen"
    )
    page = client_for(world.association).get(reverse("activities:link_list")).content.decode()
    assert mine.token in page
    assert theirs.token not in page and "Bentes tablet" not in page
    assert leaders.token not in page


def test_the_leader_sees_every_link_with_who_made_it(world, client_for, other_member):
    CalendarLinkFactory(organisation=world.org_a, created_by=other_member, label="Bentes tablet")
    CalendarLinkFactory(organisation=world.org_z, created_by=world.other_leader, label="Zoes skærm")
    page = client_for(world.leader).get(reverse("activities:link_list")).content.decode()
    assert "Bentes tablet" in page and "Bente" in page
    assert "Zoes skærm" not in page


def test_a_member_revokes_their_own_link_but_not_anyone_elses(world, client_for, other_member):
    mine = CalendarLinkFactory(organisation=world.org_a, created_by=world.association)
    theirs = CalendarLinkFactory(organisation=world.org_a, created_by=other_member)
    client = client_for(world.association)
    assert client.post(reverse("activities:link_revoke", args=[mine.pk])).status_code == 302
    assert client.post(reverse("activities:link_revoke", args=[theirs.pk])).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_the_leader_revokes_a_members_link(world, client_for):
    link = CalendarLinkFactory(organisation=world.org_a, created_by=world.association)
    client_for(world.leader).post(reverse("activities:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_member_cannot_make_a_link_for_another_organisations_centre(world, client_for):
    response = create(client_for(world.association), centre=world.centre_z.pk)
    assert response.status_code == 400
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not CalendarLink.objects.exists()


def test_a_label_with_a_cpr_number_is_refused(world, client_for):
    response = create(client_for(world.association), label="Asta 010190-1234")
    assert response.status_code == 400
    assert "CPR" in response.content.decode()
    assert not CalendarLink.objects.exists()


@pytest.mark.parametrize("persona", ["staff_a", "outreach"])
def test_staff_and_outreach_workers_make_no_links(world, client_for, persona):
    assert create(client_for(getattr(world, persona))).status_code == 403
    assert not CalendarLink.objects.exists()


def test_the_calendar_offers_members_a_link_to_subscribe(world, client_for):
    page = client_for(world.association).get(reverse("activities:calendar")).content.decode()
    assert reverse("activities:link_list") in page


def test_the_link_page_says_how_to_subscribe_on_a_phone(world, client_for):
    link = CalendarLinkFactory(organisation=world.org_a, created_by=world.association)
    page = client_for(world.association).get(reverse("activities:link_list")).content.decode()
    feed = reverse("activities:calendar_feed", args=[link.token])
    assert f"webcal://testserver{feed}" in page
    assert "iPhone" in page and "Android" in page


def test_the_link_list_takes_the_same_queries_for_many_links(
    world, client_for, django_assert_max_num_queries, other_member
):
    client = client_for(world.leader)
    client.get(reverse("activities:link_list"))
    for n in range(10):
        CalendarLinkFactory(
            organisation=world.org_a,
            created_by=other_member if n % 2 else world.association,
            centre=world.centre_a if n % 3 else None,
        )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("activities:link_list"))
    count = len(few.captured_queries)
    for _n in range(10):
        CalendarLinkFactory(organisation=world.org_a, created_by=other_member)
    with django_assert_max_num_queries(count):
        client.get(reverse("activities:link_list"))


def test_the_feed_holds_closures_and_public_holidays_as_whole_days(world, client):
    today = timezone.localdate()
    closed_on = today + dt.timedelta(days=10)
    ClosureFactory(centre=world.centre_a, starts=closed_on, ends=closed_on, reason="Maling")
    link = CalendarLinkFactory(organisation=world.org_a, centre=world.centre_a)
    response = client.get(reverse("activities:calendar_feed", args=[link.token]))
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    closures = {e.decoded("DTSTART"): e for e in events if str(e["UID"]).startswith("closure-")}
    closure = closures[closed_on]
    assert closure.decoded("DTEND") == closed_on + dt.timedelta(days=1)
    assert "Maling" in str(closure["DESCRIPTION"])
    assert world.centre_a.name in str(closure["LOCATION"])
    # Christmas Day, the next one within the feed's reach, is a holiday.
    year = today.year if today < dt.date(today.year, 12, 25) else today.year + 1
    christmas = dt.date(year, 12, 25)
    assert "Juledag" in str(closures[christmas]["DESCRIPTION"])
