"""The to-do list on the home page, its count in the navigation and the reminder
settings: what each person sees, what a page costs, and bad input."""

import datetime
import itertools

import pytest
from django.urls import reverse

from centres.models import User
from tests.activities.factories import MeetingFactory, ProposalFactory
from tests.centres.factories import KeyFobFactory, KeyLoanFactory
from tests.config.todo_support import NOW, checked, days
from tests.incidents.factories import BanFactory, FollowUpItemFactory, IncidentFactory

ALIASES = itertools.count()


def make_items(world, n):
    """n items of each rule for the leader of org A."""
    for i in range(n):
        incident = IncidentFactory(
            centre=world.centre_a, absence_first_day=days(-i - 1), injury=True
        )
        FollowUpItemFactory(incident=incident, owner=world.staff_a, due_on=days(i - 1))
        BanFactory(
            alias=f"Alias {next(ALIASES)}",
            centre=world.centre_b,
            decided_by=world.leader,
            starts_on=days(-30),
            ends_on=days(3),
        )
        KeyLoanFactory(
            fob=KeyFobFactory(organisation=world.org_a, centres=[world.centre_a]),
            holder__organisation=world.org_a,
            issued=days(-200 - i),
            issued_by=world.staff_a,
        )
        meeting = MeetingFactory(
            organisation=world.org_a,
            centre=world.centre_a,
            starts_at=NOW - datetime.timedelta(days=10 + i),
        )
        ProposalFactory(meeting=meeting, proposed_by=world.association)


def test_leader_sees_the_list_and_the_count(world, client_for, todo_day):
    checked(world)
    make_items(world, 1)
    response = client_for(world.leader).get(reverse("home"))
    html = response.content.decode()
    assert 'id="todo"' in html and "At gøre" in html
    assert "6 at gøre" in html  # injury, follow-up, ban, loan, minutes, proposal
    assert "Overskredet: skulle være gjort" in html
    assert "Alias 0" not in html


def test_staff_see_their_own_and_nothing_to_do_says_so(world, client_for, todo_day):
    checked(world)
    make_items(world, 1)
    html = client_for(world.staff_a).get(reverse("home")).content.decode()
    assert "2 at gøre" in html  # the follow-up and the fob loan
    assert "Opfølgning" in html
    html = client_for(world.staff_b).get(reverse("home")).content.decode()
    assert "Der er intet at gøre lige nu." in html
    html = client_for(world.association).get(reverse("home")).content.decode()
    assert "Der er intet at gøre lige nu." in html


def test_the_count_loads_on_other_pages(world, client_for, todo_day):
    checked(world)
    make_items(world, 1)
    client = client_for(world.staff_a)
    html = client.get(reverse("centres:keys")).content.decode()
    assert f'hx-get="{reverse("todo_count")}"' in html
    count = client.get(reverse("todo_count")).content.decode()
    assert "2 at gøre" in count and 'href="/#todo"' in count
    nothing = client_for(world.staff_b).get(reverse("todo_count")).content.decode()
    assert "todo-count" not in nothing and "Intet at gøre" in nothing


@pytest.mark.parametrize("url_name", ["home", "todo_count", "centres:keys"])
def test_queries_do_not_grow_with_the_items(
    world, client_for, todo_day, django_assert_max_num_queries, url_name
):
    checked(world)
    make_items(world, 1)
    client = client_for(world.leader)
    client.get(reverse(url_name))  # warm what pages keep
    with django_assert_max_num_queries(60) as few:
        client.get(reverse(url_name))
    make_items(world, 4)
    client.get(reverse(url_name))
    with django_assert_max_num_queries(60) as many:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) > 0


def test_home_and_count_costs(world, client_for, todo_day, django_assert_max_num_queries):
    """What the list costs in all: a bounded number, whatever the list holds."""
    checked(world)
    make_items(world, 4)
    client = client_for(world.leader)
    client.get(reverse("todo_count"))
    with django_assert_max_num_queries(25):
        client.get(reverse("todo_count"))


def test_reminder_settings_save_and_refuse_bad_input(world, client_for):
    client = client_for(world.staff_a)
    response = client.get(reverse("reminders"))
    assert "Påmindelser" in response.content.decode()
    response = client.post(reverse("reminders"), {"language": "en"})
    assert response.status_code == 302
    person = User.objects.get(pk=world.staff_a.pk)
    assert person.language == "en" and person.receives_digest is False
    response = client.post(reverse("reminders"), {"language": "klingon", "receives_digest": "on"})
    assert response.status_code == 200
    assert "klingon" in response.content.decode()
    assert response.context["form"].errors["language"]
    person.refresh_from_db()
    assert person.language == "en" and person.receives_digest is False
    response = client.post(reverse("reminders"), {"language": "da", "receives_digest": "on"})
    person.refresh_from_db()
    assert person.language == "da" and person.receives_digest is True


def test_reminder_settings_change_only_ones_own_account(world, client_for):
    client_for(world.leader).post(
        reverse("reminders"), {"language": "en", "pk": world.staff_a.pk, "username": "x"}
    )
    world.staff_a.refresh_from_db()
    world.leader.refresh_from_db()
    assert world.staff_a.language == "da"
    assert world.leader.language == "en" and world.leader.username == "alice"
