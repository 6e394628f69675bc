from django.urls import reverse

from centres.models import Role
from tests.factories import UserFactory


def test_staff_home_shows_their_centre_today(world, client_for):
    html = client_for(world.staff_a).get(reverse("home")).content.decode()
    assert "Værestedet 76F" in html
    assert "Værestedet Frederiksgade" not in html
    assert "I dag" in html


def test_leader_home_lists_centres_with_staff_counts(world, client_for, django_assert_num_queries):
    client = client_for(world.leader)
    # session, user, the two-factor device that verified the session, organisation, centres
    # with staff counts; then the idle-timeout session
    # save (one update); the to-do list (config.todo): 19, whatever it holds
    # (tests/config/test_todo_views.py), of which the openings at risk are seven and the
    # violence review's decisions, signatures and centres three.
    with django_assert_num_queries(25):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Banebryderne" in html
    assert "1 medarbejder" in html
    assert reverse("centres:people") in html
    assert "Zentrum" not in html


def test_association_home_shows_the_centres_without_links(world, client_for):
    html = client_for(world.association).get(reverse("home")).content.decode()
    assert "Værestedet Frederiksgade" in html
    assert reverse("centres:detail", args=[world.centre_a.pk]) not in html


def test_superuser_home_points_to_the_administration(db, client_for, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    html = client_for(root).get(reverse("home")).content.decode()
    assert reverse("admin:index") in html


def test_centre_page_shows_the_team(world, client_for):
    response = client_for(world.staff_a).get(reverse("centres:detail", args=[world.centre_a.pk]))
    html = response.content.decode()
    assert "Bob" in html and "Otto" in html
    assert "Carol" not in html


def test_centre_page_of_another_organisation_is_not_found(world, client_for):
    response = client_for(world.leader).get(reverse("centres:detail", args=[world.centre_z.pk]))
    assert response.status_code == 404


def test_unknown_centre_is_not_found(world, client_for):
    response = client_for(world.leader).get(reverse("centres:detail", args=[999999]))
    assert response.status_code == 404


def test_people_page_lists_the_organisation_in_constant_queries(
    world, client_for, django_assert_num_queries
):
    for _ in range(10):
        UserFactory(organisation=world.org_a, role=Role.STAFF, centres=[world.centre_a])
    client = client_for(world.leader)
    # session, user, two-factor device, members, their centres, and the session save: not
    # one per member.
    with django_assert_num_queries(6):
        html = client.get(reverse("centres:people")).content.decode()
    assert "Carol" in html and "Zoe" not in html
    assert "Fremskudt medarbejder" in html


def test_forbidden_page_is_in_danish(world, client_for):
    response = client_for(world.staff_a).get(reverse("centres:people"))
    assert response.status_code == 403
    assert "Ikke for din rolle" in response.content.decode()


def test_navigation_follows_the_role(world, client_for):
    people = reverse("centres:people")
    assert people in client_for(world.leader).get(reverse("home")).content.decode()
    assert people not in client_for(world.staff_a).get(reverse("home")).content.decode()


def test_language_switch_changes_the_interface_to_english(world, client_for):
    client = client_for(world.staff_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Today" in html and "Sign out" in html


def test_interface_is_danish_even_when_the_browser_prefers_english(db, client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert "<h1>Log ind</h1>" in response.content.decode()


def test_a_stray_assignment_across_organisations_shows_no_names(world, client_for):
    # Zoe (organisation Z) wrongly assigned to centre A must not appear at A, and
    # centre Z must not appear on A's people page.
    world.other_leader.centres.add(world.centre_a)
    world.staff_a.centres.add(world.centre_z)
    stranger = UserFactory(first_name="Zelda", organisation=world.org_z, centres=[world.centre_z])
    stranger.centres.add(world.centre_a)
    client = client_for(world.leader)
    detail = client.get(reverse("centres:detail", args=[world.centre_a.pk])).content.decode()
    assert "Zelda" not in detail
    people = client.get(reverse("centres:people")).content.decode()
    assert "Zentrum" not in people
    home = client.get(reverse("home")).content.decode()
    assert home.count("1 medarbejder") == 2
