"""A new leader sets up two-factor sign-in on first sign-in, then signs in with the app."""

import re
from base64 import b32decode

from playwright.sync_api import expect

from centres.models import Role
from tests.browser_support import assert_accessible, open_menu, sign_out
from tests.factories import UserFactory, code_for_key


def sign_in_with_password(page, live_server, username):
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("correct horse battery staple")
    page.get_by_role("button", name="Log ind").click()


def test_new_leader_sets_up_the_app_and_then_signs_in_with_it(
    transactional_db, live_server, world, page, csp_violations
):
    UserFactory(username="lene", organisation=world.org_a, role=Role.LEADER)
    sign_in_with_password(page, live_server, "lene")
    expect(page.get_by_role("heading", name="Totrinslogin")).to_be_visible()
    expect(page.get_by_text("Sæt det op, før du går videre")).to_be_visible()
    qr = page.get_by_role("img", name="QR-kode til godkendelsesappen")
    expect(qr).to_be_visible()
    # The image loads after the page does: wait for it rather than look once.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000
    )
    assert_accessible(page)

    # Another page is not reachable before the app is set up.
    page.goto(live_server.url + "/incidents/")
    expect(page.get_by_role("heading", name="Totrinslogin")).to_be_visible()

    secret = page.locator("#two-factor-secret").inner_text()
    key = b32decode(secret.replace(" ", ""))
    page.get_by_label("Kode").fill(code_for_key(key))
    page.get_by_role("button", name="Slå til").click()
    expect(page.get_by_role("heading", name="Reservekoder")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="Jeg har skrevet dem ned").click()
    expect(page.get_by_role("heading", name="Banebryderne")).to_be_visible()

    sign_out(page)
    sign_in_with_password(page, live_server, "lene")
    expect(page.get_by_role("heading", name="Indtast kode")).to_be_visible()
    assert_accessible(page)
    # The next 30-second step's code: the one just used is spent.
    page.get_by_label("Kode").fill(code_for_key(key, offset=1))
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_role("heading", name="Banebryderne")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    open_menu(page).get_by_role("link", name="Totrinslogin").click()
    expect(page.get_by_text("Du har 10 ubrugte reservekoder tilbage.")).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []
