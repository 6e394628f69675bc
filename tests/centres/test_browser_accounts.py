"""The leader invites a student, who signs up from the e-mail, in Chromium with axe."""

import os
import re

from django.core import mail
from playwright.sync_api import expect

from centres.models import Qualification, User
from tests.browser_support import PHONE, assert_accessible, sign_in, sign_out
from tests.queue_support import run_due_jobs

PASSWORD = "lang nok adgangskode 42"
# Set to a folder to keep screenshots of the pages at 360 and 1280 px, to look at.
SHOTS = os.environ.get("VAERESTED_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png", full_page=True)


def test_leader_invites_a_student_who_signs_up_from_the_email(
    transactional_db, live_server, world, page, csp_violations
):
    sign_in(page, live_server, "alice")
    page.get_by_role("link", name="Personer og roller").click()
    expect(page.get_by_role("heading", name="Personer og roller")).to_be_visible()
    assert_accessible(page)
    shot(page, "people")
    page.get_by_role("link", name="Invitér en person").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Dette felt er påkrævet.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fornavn").fill("Sara")
    page.get_by_label("Efternavn").fill("Holm")
    page.get_by_label("Brugernavn").fill("sara")
    page.get_by_label("E-mail").fill("sara@example.org")
    page.get_by_label("Rolle").select_option(label="Personale")
    page.get_by_label("Værestedet 76F").check()
    page.get_by_label("Kvalifikation").select_option(label="Studerende eller praktikant")
    assert_accessible(page)
    shot(page, "invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Sara Holm er inviteret.")).to_be_visible()
    expect(page.get_by_text("Kvalifikation: Studerende eller praktikant")).to_be_visible()
    assert_accessible(page)
    shot(page, "person")
    sign_out(page)

    run_due_jobs()  # the worker sends the invitation
    [message] = mail.outbox
    assert message.to == ["sara@example.org"]
    link = re.search(r"http://\S+/account/invitation/\S+/", message.body).group(0)
    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.get_by_role("heading", name="Vælg din adgangskode")).to_be_visible()
    assert_accessible(page)
    shot(page, "invitation")
    page.get_by_role("textbox", name=re.compile("^Ny adgangskode")).fill("sara")
    page.get_by_label("Bekræftelse af ny adgangskode").fill("sara")
    page.get_by_role("button", name="Gem adgangskode").click()
    expect(page.get_by_text("for kort")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile("^Ny adgangskode")).fill(PASSWORD)
    page.get_by_label("Bekræftelse af ny adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Gem adgangskode").click()
    expect(page.get_by_text("Velkommen. Din adgangskode er gemt.")).to_be_visible()
    assert_accessible(page)
    sara = User.objects.get(username="sara")
    assert sara.check_password(PASSWORD) and sara.qualification == Qualification.STUDENT

    # The link works once.
    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Linket kan ikke bruges")).to_be_visible()
    assert_accessible(page)
    shot(page, "invitation-used")
    sign_in(page, live_server, "sara", PASSWORD)
    expect(page.get_by_role("heading", name="I dag")).to_be_visible()
    assert csp_violations == []


def test_leader_deactivates_and_reads_the_history_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + f"/people/{world.staff_a.pk}/")
    page.get_by_role("link", name="Deaktivér").click()
    expect(page.get_by_role("heading", name="Deaktivér Bob?")).to_be_visible()
    assert_accessible(page)
    shot(page, "deactivate")
    page.get_by_role("button", name="Deaktivér").click()
    expect(page.get_by_text("Bob er deaktiveret og logget ud.")).to_be_visible()
    expect(page.get_by_role("cell", name="Deaktiveret")).to_be_visible()
    assert_accessible(page)
    shot(page, "person-deactivated")
    page.get_by_role("link", name="Tilbage til personer og roller").click()
    assert_accessible(page)
    shot(page, "people")
    assert csp_violations == []
