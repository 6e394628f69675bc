"""Entering a day's figures afterwards in Chromium: the day's taps on the form, add or
replace, and a confirmation that says which was done; checked with axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centres import services
from centres.models import VisitCount, VisitKind
from tests.browser.test_shell import tap_targets_smaller_than
from tests.browser_support import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.any_day


def small_tap_targets(page):
    """tap_targets_smaller_than(page, 44), where a radio button's label counts as its
    target (a tap anywhere on the label chooses it)."""
    radios_with_large_labels = page.evaluate(
        """() => [...document.querySelectorAll('input[type=radio]')]
            .filter(el => [...el.labels].some(l => l.getBoundingClientRect().height >= 44))
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    return [
        target
        for target in tap_targets_smaller_than(page, 44)
        if not any(target.startswith(radio) for radio in radios_with_large_labels)
    ]


def test_staff_adds_to_yesterday_then_replaces_it_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.add_visits(
        centre=world.centre_a, date=yesterday, hour=10, kind=VisitKind.STAFFED, visits=45
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + f"/centres/{world.centre_a.pk}/tally/")
    page.get_by_role("link", name="Indtast en dag bagefter").click()
    expect(page.get_by_role("heading", name="Indtast en dag bagefter")).to_be_visible()

    # Picking yesterday shows what the counter holds for it.
    page.get_by_label("Dato").fill(yesterday.isoformat())
    counted = page.locator("#day-counted")
    expect(counted).to_contain_text("talt med tælleren: 45 besøgende")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert small_tap_targets(page) == []
    assert_accessible(page)

    page.locator("#id_visits").fill("23")
    page.get_by_role("button", name="Gem").click()
    choose = "Vælg, om tallene skal lægges til eller erstatte dagens tal."
    expect(page.get_by_text(choose)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Læg til dagens tal").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dagen har nu i alt 68 besøgende")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Indtast en dag bagefter").click()
    page.get_by_label("Dato").fill(yesterday.isoformat())
    expect(counted).to_contain_text("i alt: 68 besøgende")
    page.get_by_label("Erstat dagens tal").check()
    page.locator("#id_visits").fill("30")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Tælleren har allerede 45 besøgende")).to_be_visible()
    assert_accessible(page)

    page.locator("#id_visits").fill("50")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("45 talt med tælleren og 5 registreret bagefter")).to_be_visible()
    assert VisitCount.objects.filter(centre=world.centre_a, date=yesterday).totals() == {
        "visits": 50,
        "new_visits": 0,
    }
    assert csp_violations == []
