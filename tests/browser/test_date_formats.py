"""Dates in Chromium: the leader's home page, the keys page and the tally's confirmation
write a date the same way (02.12.2026), checked with axe."""

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from centres.models import Centre
from tests.browser_support import assert_accessible, sign_in
from tests.centres.factories import KeyFobFactory, KeyHolderFactory, KeyLoanFactory


def test_one_way_to_write_a_date_across_pages(transactional_db, live_server, world, page):
    Centre.objects.filter(pk=world.centre_a.pk).update(
        tilbudsportalen_checked=datetime.date(2024, 9, 1)
    )
    fob = KeyFobFactory(organisation=world.org_a, number="76F-07", centres=[world.centre_a])
    holder = KeyHolderFactory(organisation=world.org_a, alias="Mågen")
    KeyLoanFactory(fob=fob, holder=holder, issued=datetime.date(2026, 3, 2))
    sign_in(page, live_server, "alice")
    # The profile checked 01.09.2024 was due for its yearly check on 02.09.2025.
    expect(page.locator("#todo")).to_contain_text("skulle være gjort 02.09.2025")
    assert_accessible(page)

    page.goto(live_server.url + reverse("centres:keys"))
    expect(page.locator("main td").filter(has_text="02.03.2026").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("2.3.2026")
    assert_accessible(page)

    today = timezone.localdate()
    page.goto(live_server.url + f"/centres/{world.centre_a.pk}/tally/day/")
    expect(page.locator("#day-counted")).to_contain_text(f"Allerede talt {today:%d.%m.%Y}")
    assert_accessible(page)
