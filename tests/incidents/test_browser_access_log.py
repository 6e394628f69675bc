"""The leader reads the access log in Chromium: Danish labels, the person's name, and the
ban's creation logged as creation; checked with axe."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Ban
from tests.browser_support import assert_accessible, go_to, sign_in

pytestmark = pytest.mark.any_day


def test_the_leader_reads_who_created_and_read_a_ban(
    transactional_db, live_server, world, page, csp_violations
):
    world.leader.last_name = "Andersen"
    world.leader.save()
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/incidents/bans/new/")
    page.get_by_label("Alias").fill("Ravnen")
    page.get_by_label("Sådan genkendes personen").fill("Grå hættetrøje")
    page.get_by_label("Omfang").select_option(label="Ét værested")
    page.get_by_label("Sted", exact=True).select_option(label="Værestedet 76F")
    until = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Til og med").fill(until.isoformat())
    page.get_by_label("Begrundelse").fill("Slog ud efter en medarbejder")
    page.get_by_role("button", name="Gem karantæne").click()
    expect(page.get_by_text("Karantænen er gemt")).to_be_visible()
    ban = Ban.objects.get()

    go_to(page, "Hændelser", "Hændelser")
    page.get_by_role("link", name="Adgangslog").click()
    page.get_by_label("Alias").fill("ravnen")
    page.get_by_role("button", name="Vis log").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    # Newest first: this look itself, the ban's page seen after it was saved, then its
    # creation.
    when = re.compile(r"^\d{1,2}\. \w+ \d{4} \d{2}:\d{2}$")
    subject = f"Karantæne nr. {ban.pk}"
    looked = "Hvem har set personen"
    expect(rows.nth(0).locator("td")).to_have_text([when, "Alice Andersen", "Søgning", looked])
    expect(rows.nth(1).locator("td")).to_have_text([when, "Alice Andersen", "Visning", subject])
    expect(rows.nth(2).locator("td")).to_have_text([when, "Alice Andersen", "Oprettelse", subject])
    expect(page.locator("tbody")).not_to_contain_text("alice")
    expect(page.locator("tbody")).not_to_contain_text("#")
    assert_accessible(page)
    assert csp_violations == []
