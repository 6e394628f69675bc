"""The leader asks who has looked at a key holder, in Chromium: the alias goes by POST
(never in the address bar), her own look is listed first, a CPR-like term is refused in
Danish; checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from centres.models import AccessLogEntry
from tests.browser_support import assert_accessible, sign_in
from tests.centres.factories import KeyHolderFactory

pytestmark = pytest.mark.any_day


def test_the_leader_sees_who_looked_at_a_key_holder(
    transactional_db, live_server, world, page, csp_violations
):
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/keys/")
    page.get_by_role("link", name="Ravn").first.click()
    expect(page.get_by_label("Kaldenavn eller fornavn")).to_have_value("Ravn")
    page.goto(live_server.url + "/keys/")
    page.get_by_role("link", name="Hvem har set denne person").click()
    expect(page.get_by_role("heading", name="Hvem har set denne person")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Alias").fill("010190-1234")
    page.get_by_role("button", name="Vis log").click()
    expect(page.get_by_text("Søg på alias eller fornavn, aldrig på CPR-nummer.")).to_be_visible()
    expect(page.locator("tbody")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Alias").fill("RAVN")
    page.get_by_role("button", name="Vis log").click()
    rows = page.locator("tbody tr")
    when = re.compile(r"^\d{1,2}\. \w+ \d{4} \d{2}:\d{2}$")
    expect(rows.first.locator("td")).to_have_text(
        [when, "Alice", "Søgning", "Hvem har set personen"]
    )
    expect(page.locator("tbody")).to_contain_text(f"Nøgleholder nr. {holder.pk}")
    expect(page.locator("tbody")).to_contain_text("Liste over nøgleholdere")
    assert "ravn" not in page.url.lower()
    assert_accessible(page)
    assert csp_violations == []
    assert not AccessLogEntry.objects.filter(aliases__contains=["010190-1234"]).exists()
    assert all(
        "ravn" not in p.lower() for p in AccessLogEntry.objects.values_list("path", flat=True)
    )
