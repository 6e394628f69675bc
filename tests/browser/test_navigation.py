"""The main navigation in Chromium: it fits without scrolling sideways from a phone to a
wide screen for every role, its menus work with the keyboard, the week plan is in it, and
nothing of it shows before the second sign-in step. Every state is checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import assert_accessible, go_to, open_menu, sign_in

WIDTHS = [360, 1024, 1280, 1920]
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize(
    ("username", "menus"),
    [
        ("alice", ["Steder", "Aktiviteter", "Rådgivning", "Hændelser"]),
        ("bob", ["Steder", "Aktiviteter", "Rådgivning", "Hændelser"]),
        ("otto", []),
        ("asta", ["Aktiviteter"]),
    ],
    ids=["leader", "staff", "outreach", "association"],
)
def test_the_navigation_fits_every_width_for_every_role(
    transactional_db, live_server, world, page, csp_violations, username, menus
):
    sign_in(page, live_server, username)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + "/")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{username} scrolls sideways at {width}px"
        for menu in [*menus, None]:
            links = open_menu(page, menu).get_by_role("link")
            expect(links.first).to_be_visible()
            for link in links.all():
                box = link.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
                    f"{link.inner_text()} is off-screen at {width}px"
                )
            assert page.evaluate(NO_SIDEWAYS_SCROLL)
            assert_accessible(page)
            page.keyboard.press("Escape")
    assert csp_violations == []


def test_a_menu_works_with_the_keyboard_alone(transactional_db, live_server, world, page):
    sign_in(page, live_server, "alice")
    incidents = page.locator("#main-nav").get_by_role("button", name="Hændelser")
    incidents.focus()
    page.keyboard.press("Enter")
    expect(incidents).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Karantæner")).to_be_focused()
    page.keyboard.press("Escape")
    expect(incidents).to_have_attribute("aria-expanded", "false")
    expect(incidents).to_be_focused()
    page.keyboard.press("Enter")
    # Hændelser, Karantæner, Dagssedler, Kvartalsgennemgange, Hændelsestal.
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Hændelsestal")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hændelsestal", level=1)).to_be_visible()
    expect(incidents).to_have_class(re.compile(r"\bactive\b"))
    assert_accessible(page)


def test_staff_find_the_week_plan_in_the_menu_on_a_phone(
    transactional_db, live_server, world, page
):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "bob")
    go_to(page, "Steder", "Ugeplan")
    expect(
        page.get_by_role("heading", name=re.compile(f"^{world.centre_a.name}: uge"))
    ).to_be_visible()
    assert_accessible(page)


def test_the_leader_chooses_a_centres_week_plan(transactional_db, live_server, world, page):
    sign_in(page, live_server, "alice")
    go_to(page, "Steder", "Ugeplan")
    assert_accessible(page)
    page.get_by_role("link", name=world.centre_b.name).click()
    expect(page).to_have_url(re.compile(rf"/centres/{world.centre_b.pk}/week/"))


def test_the_code_page_shows_nothing_of_the_app(transactional_db, live_server, world, page):
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Brugernavn").fill("alice")
    page.get_by_label("Adgangskode").fill("correct horse battery staple")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Indtast kode")).to_be_visible()
    nav = page.get_by_role("navigation", name="Hovedmenu")
    expect(nav.get_by_role("link")).to_have_count(0)
    expect(nav.get_by_role("button", name="Log ud")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    expect(nav.get_by_role("link")).to_have_count(0)
    expect(nav.get_by_role("button", name="Log ud")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)
    nav.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
