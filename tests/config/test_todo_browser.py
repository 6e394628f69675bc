"""In Chromium, with axe: a staff member on a phone sees the count of things to do in the
navigation, opens the list on the home page, follows an item, does it, and the count
drops; the reminder settings page on a phone and a desktop."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import FollowUpItem
from tests.browser_support import DESKTOP, PHONE, assert_accessible, sign_in
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory

SHOTS = "/tmp/todo-shots"


def test_staff_member_does_an_item_and_the_count_drops(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    incident = IncidentFactory(centre=world.centre_a)
    late = FollowUpItemFactory(
        incident=incident, owner=world.staff_a, due_on=today - datetime.timedelta(days=2)
    )
    FollowUpItemFactory(
        incident=IncidentFactory(centre=world.centre_a),
        owner=world.staff_a,
        due_on=today + datetime.timedelta(days=3),
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")

    # Another page: the count loads into the navigation, beside the menu button.
    page.goto(live_server.url + "/keys/")
    count = page.locator(".todo-count")
    expect(count).to_have_text("2 at gøre")
    expect(count).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/keys-360.png")

    count.click()
    todo = page.locator("#todo")
    expect(todo.get_by_role("heading", name="At gøre")).to_be_visible()
    expect(todo.get_by_role("listitem")).to_have_count(2)
    first = todo.get_by_role("listitem").first
    expect(first).to_contain_text("Overskredet")
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/home-360.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"{SHOTS}/home-1280.png", full_page=True)
    page.set_viewport_size(PHONE)

    first.get_by_role("link").click()
    expect(page).to_have_url(live_server.url + f"/incidents/{incident.pk}/")
    page.get_by_role("button", name="Markér udført").first.click()
    expect(page.locator(".todo-count")).to_have_text("1 at gøre")
    late.refresh_from_db()
    assert late.done_on == today
    assert FollowUpItem.objects.open().filter(owner=world.staff_a).count() == 1


def test_reminder_settings_on_a_phone_and_a_desktop(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + "/account/reminders/")
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/reminders-360.png", full_page=True)
    page.get_by_label("Daglig påmindelse på e-mail").uncheck()
    page.get_by_label("Sprog i e-mails").select_option(value="en")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dine indstillinger for påmindelser er gemt.")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/reminders-1280.png", full_page=True)
    world.staff_a.refresh_from_db()
    assert world.staff_a.language == "en" and not world.staff_a.receives_digest
