"""The UI shell as staff meet it: Danish first, English on request, usable on a phone."""

import re

from playwright.sync_api import expect

from tests.browser_support import PHONE, assert_accessible, open_menu, sign_in, sign_out


def test_staff_signs_in_in_danish_switches_to_english_and_signs_out(
    transactional_db, live_server, world, page, csp_violations
):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert_accessible(page)

    sign_in(page, live_server, "bob")
    expect(page.get_by_role("heading", name="I dag")).to_be_visible()
    expect(page.get_by_role("link", name="Værestedet 76F")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)

    sign_out(page, "Sign out")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    assert csp_violations == []


def test_wrong_password_shows_a_danish_message(transactional_db, live_server, world, page):
    sign_in(page, live_server, "bob", password="forkert")
    expect(page.get_by_text("korrekt brugernavn og adgangskode")).to_be_visible()
    assert_accessible(page)


def tap_targets_smaller_than(page, minimum):
    return page.evaluate(
        """(minimum) => [...document.querySelectorAll(
                'a, button, input:not([type=hidden]), select, textarea')]
            .filter(el => el.offsetParent !== null && !el.matches('.visually-hidden-focusable'))
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
            .filter(([_, r]) => r.height < minimum || r.width < minimum)
            .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        minimum,
    )


def test_the_shell_works_one_handed_on_a_360px_phone(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/account/login/")
    assert tap_targets_smaller_than(page, 44) == []
    sign_in(page, live_server, "alice")
    menu = open_menu(page, "Steder")
    expect(menu.get_by_role("link", name="Personer", exact=True)).to_be_visible()
    assert tap_targets_smaller_than(page, 44) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    menu.get_by_role("link", name="Personer", exact=True).click()
    expect(page.get_by_role("heading", name="Personer og roller")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert csp_violations == []
