"""Journeys through the centres pages in Chromium, each checked with axe."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from centres.models import KeyLoan, VisitCount
from tests.browser.test_shell import tap_targets_smaller_than
from tests.browser_support import PHONE, assert_accessible, sign_in
from tests.centres.factories import KeyFobFactory, KeyHolderFactory
from tests.clock_support import WEEKDAY_NAMES, working_weekday


def test_staff_taps_visitors_on_a_phone_and_undoes_one(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.get_by_role("link", name="Værestedet 76F").click()
    page.get_by_role("link", name="Tæl besøgende").click()
    expect(page.get_by_role("heading", name="Tæl besøgende")).to_be_visible()
    assert tap_targets_smaller_than(page, 44) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    counter = page.locator(".tally-number")
    page.get_by_role("button", name="+1 besøgende").click()
    expect(counter).to_have_text("1")
    page.get_by_role("button", name="+1 besøgende").click()
    expect(counter).to_have_text("2")
    page.get_by_role("button", name="+1 ny besøgende").click()
    expect(counter).to_have_text("3")
    page.get_by_role("button", name=re.compile("Fortryd sidste tryk")).click()
    expect(counter).to_have_text("2")
    expect(page.get_by_text("Sidste tryk er fortrudt.")).to_be_visible()
    assert_accessible(page)
    # The taps and the undo leave through the counter's queue: counted once sent.
    expect(page.locator(".tally-queue")).to_be_hidden(timeout=15000)
    assert VisitCount.objects.filter(centre=world.centre_a).totals() == {
        "visits": 2,
        "new_visits": 0,
    }
    assert csp_violations == []


def test_leader_adds_hours_from_next_week_and_sees_the_week_plan_change(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    weekday = working_weekday(next_monday)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + world.centre_a.get_absolute_url())
    page.get_by_role("link", name="Åbningstider og lukninger").click()
    assert_accessible(page)
    page.get_by_role("link", name="Tilføj åbningstid").click()
    page.get_by_label("Ugedag").select_option(label=WEEKDAY_NAMES[weekday])
    page.locator("#id_starts").fill("08:00")
    page.locator("#id_ends").fill("15:30")
    page.get_by_label("Type").select_option(label="Bemandet")
    page.get_by_label("Gyldig fra").fill(next_monday.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Åbningstiden er gemt.")).to_be_visible()
    expect(page.get_by_role("heading", name="Kommende åbningstider")).to_be_visible()

    week_plan = live_server.url + f"/centres/{world.centre_a.pk}/week/"
    page.goto(week_plan + f"?week={today.isoformat()}")
    expect(page.get_by_text("08:00\u201315:30")).to_have_count(0)
    page.get_by_role("link", name="Næste uge").click()
    expect(page.get_by_text("08:00\u201315:30")).to_be_visible()
    expect(page.get_by_text("Timer denne uge: 7,5 bemandet")).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []


def test_two_staff_lend_the_same_fob_and_the_second_gets_a_clear_message(
    transactional_db, live_server, world, page, browser
):
    KeyFobFactory(organisation=world.org_a, number="76F-01", centres=[world.centre_a])
    KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    KeyHolderFactory(organisation=world.org_a, alias="Mågen")
    other = browser.new_page(locale="en-GB")
    try:
        sign_in(page, live_server, "bob")
        sign_in(other, live_server, "alice")
        for p in (page, other):
            p.goto(live_server.url + "/keys/lend/")
            p.get_by_label("Nøglebrik").select_option(label="76F-01")
        page.get_by_label("Nøgleholder").select_option(label="Ravn")
        other.get_by_label("Nøgleholder").select_option(label="Mågen")
        assert_accessible(page)
        page.get_by_role("button", name="Gem").click()
        expect(page.get_by_text("Nøglebrik 76F-01 er lånt ud til Ravn.")).to_be_visible()
        other.get_by_role("button", name="Gem").click()
        expect(other.get_by_text("Nøglebrik 76F-01 er allerede udlånt til Ravn.")).to_be_visible()
        assert_accessible(other)
    finally:
        other.close()
    assert KeyLoan.objects.open().get().holder.alias == "Ravn"
