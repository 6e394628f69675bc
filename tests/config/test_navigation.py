"""The main navigation: each app's entries grouped in menus, per role; nothing of the app
before the second sign-in step; the week plan reachable for everyone who may see it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from centres.navigation import NavItem
from config.context_processors import grouped
from tests.centres.factories import CentreFactory
from tests.factories import UserFactory


def test_entries_of_a_group_share_one_menu_at_the_place_of_the_first():
    items = [
        NavItem("Home", "/"),
        NavItem("Calendar", "/calendar/", "Activities"),
        NavItem("Keys", "/keys/", "Centres"),
        NavItem("Meetings", "/meetings/", "Activities"),
        NavItem("Admin", "/admin/"),
    ]
    entries = grouped(items, "/meetings/")
    assert [entry["label"] for entry in entries] == ["Home", "Activities", "Keys", "Admin"]
    activities = entries[1]
    assert [link["label"] for link in activities["links"]] == ["Calendar", "Meetings"]
    assert activities["active"] and [link["active"] for link in activities["links"]] == [
        False,
        True,
    ]
    # A group of one entry is a plain link.
    assert entries[2] == {"label": "Keys", "url": "/keys/", "active": False}


def menus_of(response):
    """{menu label, or None for the plain links: [link labels]} of the page's navigation."""
    found = {None: []}
    for entry in response.context["nav_items"]:
        if "links" in entry:
            found[str(entry["label"])] = [str(link["label"]) for link in entry["links"]]
        else:
            found[None].append(str(entry["label"]))
    return found


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "leader",
            {
                None: ["Forside", "Overblik"],
                "Steder": [
                    "Ugeplan",
                    "Nøgler",
                    "Mine vagter",
                    "Personer",
                    "Bemanding i fare",
                    "Fravær",
                    "Kiosk-tablets",
                ],
                "Aktiviteter": ["Kalender", "Aktiviteter", "Møder", "Forslag"],
                "Rådgivning": ["Registrér rådgivning", "Rådgivningstal"],
                "Hændelser": [
                    "Hændelser",
                    "Karantæner",
                    "Dagssedler",
                    "Kvartalsgennemgange",
                    "Hændelsestal",
                ],
            },
        ),
        (
            "staff_a",
            {
                None: ["Forside", "Overblik"],
                "Steder": ["Ugeplan", "Nøgler", "Mine vagter"],
                "Aktiviteter": ["Kalender", "Aktiviteter", "Møder", "Forslag"],
                "Rådgivning": ["Registrér rådgivning", "Rådgivningstal"],
                "Hændelser": ["Hændelser", "Karantæner", "Dagssedler", "Kvartalsgennemgange"],
            },
        ),
        (
            "outreach",
            {
                None: ["Forside", "Ugeplan", "Kalender"],
                "Rådgivning": ["Registrér rådgivning", "Mine tider"],
            },
        ),
        (
            "association",
            {
                None: ["Forside", "Ugeplan", "Rådgivningstal"],
                "Aktiviteter": ["Kalender", "Møder", "Forslag"],
            },
        ),
    ],
)
def test_each_role_gets_its_entries_grouped_by_app(world, client_for, persona, expected):
    response = client_for(world.persona(persona)).get(reverse("home"))
    assert menus_of(response) == expected
    html = response.content.decode()
    for menu, links in expected.items():
        if menu is not None:
            assert f'data-bs-toggle="dropdown" aria-expanded="false">{menu}</button>' in html
        for link in links:
            assert f">{link}</a>" in html


def test_the_account_menu_is_under_the_users_name(world, client_for):
    html = client_for(world.staff_a).get(reverse("home")).content.decode()
    account = html[html.index('<ul class="navbar-nav">') : html.index("</nav>")]
    assert 'class="nav-link dropdown-toggle user-name"' in account and ">Bob</button>" in account
    for label in ("Skift adgangskode", "Totrinslogin", "Log ud"):
        assert label in account


def test_the_page_shown_is_marked_in_its_menu(world, client_for):
    html = client_for(world.staff_a).get(reverse("centres:keys")).content.decode()
    assert 'class="nav-link dropdown-toggle active"' in html
    assert f'class="dropdown-item active" href="{reverse("centres:keys")}" aria-current="page"' in (
        html
    )


def test_a_session_before_its_second_step_sees_no_navigation_into_the_app(world, client):
    # Alice has an authenticator app; a password alone holds her at the code page.
    client.force_login(world.leader)
    response = client.get(reverse("two_factor_verify"))
    html = response.content.decode()
    assert response.status_code == 200 and "Indtast kode" in html
    assert 'id="main-nav"' not in html
    for url in (reverse("home"), reverse("incidents:list"), reverse("centres:keys")):
        assert f'href="{url}"' not in html
    assert reverse("logout") in html
    # Once the code is given, the navigation is there.
    client.logout()
    html = client_for_verified(client, world.leader).get(reverse("home")).content.decode()
    assert 'id="main-nav"' in html


def client_for_verified(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.factories import app_device_for

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_device_for(user).persistent_id
    session.save()
    return client


def test_a_leader_without_an_app_sees_no_navigation_on_the_set_up_page(world, client):
    new_leader = UserFactory(organisation=world.org_a, role="leader")
    client.force_login(new_leader)
    html = client.get(reverse("two_factor")).content.decode()
    assert 'id="main-nav"' not in html and reverse("incidents:list") not in html


def test_staff_who_turned_two_factor_on_see_no_navigation_before_the_code(world, client):
    from tests.factories import TOTPDeviceFactory

    TOTPDeviceFactory(user=world.staff_a)
    client.post(reverse("login"), {"username": "bob", "password": "correct horse battery staple"})
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert "Indtast kode" in html and 'id="main-nav"' not in html


# --- The week plan from the navigation ---------------------------------------------------


def test_one_centre_goes_straight_to_its_week_plan(world, client_for):
    response = client_for(world.staff_a).get(reverse("centres:week_plans"), {"week": "2026-12-07"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("centres:week_plan", args=[world.centre_a.pk]) + "?week=2026-12-07"
    )


def test_several_centres_are_a_choice(world, client_for, django_assert_max_num_queries):
    CentreFactory(organisation=world.org_z)
    client = client_for(world.leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("centres:week_plans"))
    html = response.content.decode()
    for centre in (world.centre_a, world.centre_b):
        assert reverse("centres:week_plan", args=[centre.pk]) in html
    assert world.centre_z.name not in html


def test_no_centre_says_so(world, client_for):
    lonely = UserFactory(organisation=world.org_a, role="staff")
    html = client_for(lonely).get(reverse("centres:week_plans")).content.decode()
    assert "Du er ikke tilknyttet et værested endnu" in html


def test_the_navigation_costs_no_query_of_its_own(world, client_for):
    """The menus are worked out from the role alone: a page costs the same with them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.context_processors import nav_items

    request = RequestFactory().get("/")
    request.user = world.staff_a
    request.session = {}
    world.staff_a.is_verified = lambda: True
    with CaptureQueriesContext(connection) as queries:
        assert nav_items(request)
    assert len(queries) == 0
