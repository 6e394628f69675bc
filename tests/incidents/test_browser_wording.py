"""What staff and the leader read on the incident pages, in Chromium with axe: the figures'
tables have a header in every cell, and a user-run opening has the word it has everywhere
else."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from incidents.models import Context
from tests.browser_support import assert_accessible, sign_in
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.any_day


def test_every_figures_table_has_real_headers(transactional_db, live_server, world, page):
    IncidentFactory(centre=world.centre_a, reported_by=world.staff_a)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + reverse("incidents:figures"))
    expect(page.get_by_role("heading", name="Hændelsestal", level=1)).to_be_visible()
    tables = page.locator("table")
    expect(tables).to_have_count(5)
    for header in ("Hændelser", "Type", "Alvorlighed", "Værested"):
        expect(page.get_by_role("columnheader", name=header, exact=True).first).to_be_visible()
    results = Axe().run(page, options={"runOnly": ["empty-table-header"]})
    assert results.response["violations"] == []
    assert_accessible(page)


def test_a_user_run_opening_is_a_brugeraabning_on_the_incident_pages(
    transactional_db, live_server, world, page
):
    incident = IncidentFactory(
        centre=world.centre_a, reported_by=world.staff_a, context=Context.USER_RUN_OPENING
    )
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + incident.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Brugeråbning")
    expect(page.locator("main")).not_to_contain_text("Brugerstyret")
    assert_accessible(page)
    page.goto(live_server.url + reverse("incidents:create"))
    context = page.get_by_label("Under hvad")
    expect(context.locator("option")).to_contain_text(["Bemandet åbning", "Brugeråbning"])
    expect(context).not_to_contain_text("Brugerstyret")
    assert_accessible(page)
