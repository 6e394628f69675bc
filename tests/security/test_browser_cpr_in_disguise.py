"""In Chromium on a phone: a CPR number written with an en dash and full-width digits in
the quick episode's summary is refused with the Danish message, nothing is saved, and
the corrected line goes through."""

from playwright.sync_api import expect

from incidents.models import Incident
from tests.browser_support import PHONE, assert_accessible, sign_in

DISGUISED = "Sagde han hed 0101\N{FULLWIDTH DIGIT NINE}\N{FULLWIDTH DIGIT ZERO}\N{EN DASH}1234"


def test_a_disguised_cpr_number_is_refused_on_the_phone(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.get_by_role("link", name="Registrér en episode").click()
    page.locator("#id_kind").select_option(label="Verbale krænkelser")
    page.get_by_label("Mod hvem").select_option(label="Medarbejder")
    summary = page.get_by_label("Hvad skete der, på én linje")
    summary.fill(DISGUISED)
    page.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Det ligner et CPR-nummer")).to_be_visible()
    assert not Incident.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    page.get_by_label("Hvad skete der, på én linje").fill("Sagde han hed Ravn")
    page.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Episoden er registreret")).to_be_visible()
    assert Incident.objects.get().summary == "Sagde han hed Ravn"
    assert csp_violations == []
