"""Journeys in Chromium: a minor episode on a phone, a full report with an injury followed
up by the leader, and a ban that shows for the centre's staff."""

import datetime
import re
import time

from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Ban, FollowUpItem, Incident, Status
from tests.browser.test_shell import tap_targets_smaller_than
from tests.browser_support import PHONE, assert_accessible, sign_in, sign_out


def test_staff_registers_a_minor_episode_on_a_phone_in_under_a_minute(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    started = time.monotonic()
    sign_in(page, live_server, "bob")
    page.get_by_role("link", name="Registrér en episode").click()
    expect(page.get_by_role("heading", name="Registrér en episode")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_kind").select_option(label="Verbale krænkelser")
    page.get_by_label("Mod hvem").select_option(label="Medarbejder")
    assert tap_targets_smaller_than(page, 44) == []
    page.get_by_label("Hvad skete der, på én linje").fill("Kaldte mig et skældsord og gik")
    page.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Episoden er registreret")).to_be_visible()
    assert time.monotonic() - started < 60
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert Incident.objects.get().summary == "Kaldte mig et skældsord og gik"
    assert csp_violations == []


def test_full_report_with_injury_is_followed_up_and_closed_by_the_leader(
    transactional_db, live_server, world, page, csp_violations
):
    sign_in(page, live_server, "bob")
    page.get_by_role("link", name="Fuld hændelsesrapport").first.click()
    page.get_by_label("Under hvad").select_option(label="Bemandet åbning")
    page.get_by_label("Fysisk vold").check()
    page.get_by_label("Alvorlighed").select_option(label="Alvorlig")
    page.get_by_label("Mod hvem").select_option(label="Medarbejder")
    page.get_by_label("Involverede personer (aliasser, adskilt af komma)").fill("Ravnen")
    page.get_by_label("Hvad skete der, på én linje").fill("Slog ud efter mig ved kaffen")
    page.get_by_label("Nogen kom til skade").check()
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Første fraværsdag").fill(first_day.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Gem rapport").click()
    expect(page.get_by_text("Rapporten er indsendt")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "alice")
    panel = page.locator("#incidents-overview")
    expect(panel.get_by_text("15 dage tilbage")).to_be_visible()
    assert_accessible(page)
    panel.get_by_role("link", name=re.compile("Værestedet 76F")).first.click()
    page.get_by_role("button", name="Markér som gennemgået").click()
    expect(page.get_by_text("Status: Gennemgået af lederen")).to_be_visible()
    page.get_by_role("link", name="Tilføj opfølgningspunkt").click()
    page.locator("#id_kind").select_option(label="Debriefing tilbudt medarbejderen")
    page.get_by_label("Ansvarlig").select_option(label="Alice")
    page.get_by_role("button", name="Tilføj").click()
    expect(page.get_by_text("Opfølgningspunktet er tilføjet")).to_be_visible()
    page.get_by_role("button", name="Markér udført").click()
    page.get_by_role("button", name="Markér opfølgning udført").click()
    page.get_by_role("button", name="Afslut rapporten").click()
    expect(page.get_by_text("Status: Afsluttet")).to_be_visible()
    expect(page.get_by_role("heading", name="Historik")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Kopi til den berørte").click()
    expect(page.get_by_role("button", name="Udskriv")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/incidents/figures/")
    expect(page.get_by_role("rowheader", name="Fysisk vold")).to_be_visible()
    assert_accessible(page)
    incident = Incident.objects.get()
    assert incident.status == Status.CLOSED
    assert FollowUpItem.objects.get().done_on == timezone.localdate()
    assert csp_violations == []


def test_a_ban_is_issued_and_shows_for_the_centres_staff(
    transactional_db, live_server, world, page, csp_violations
):
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/incidents/bans/new/")
    page.get_by_label("Alias").fill("Ravnen")
    page.get_by_label("Sådan genkendes personen").fill("Grå hættetrøje")
    page.get_by_label("Omfang").select_option(label="Ét værested")
    page.get_by_label("Sted", exact=True).select_option(label="Værestedet 76F")
    until = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Til og med").fill(until.isoformat())
    page.get_by_label("Begrundelse").fill("Slog ud efter en medarbejder")
    assert_accessible(page)
    page.get_by_role("button", name="Gem karantæne").click()
    expect(page.get_by_text("Karantænen er gemt")).to_be_visible()
    assert_accessible(page)
    assert Ban.objects.get().alias == "Ravnen"
    sign_out(page)

    sign_in(page, live_server, "bob")
    panel = page.locator("#incidents-overview")
    expect(panel.get_by_role("link", name="Ravnen")).to_be_visible()
    assert_accessible(page)
    sign_out(page)
    sign_in(page, live_server, "carol")
    expect(page.locator("#incidents-overview")).to_be_visible()
    expect(page.get_by_role("link", name="Ravnen")).to_have_count(0)
    assert csp_violations == []
