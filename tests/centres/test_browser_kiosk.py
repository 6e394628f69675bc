"""In Chromium, with axe: Alice registers a tablet for Værestedet 76F and sees its code;
the tablet (another browser) takes the code, counts a visit, is closed and opened again
and is still paired; Alice revokes it, and its next request is the pairing page.

Every target on the tablet's pages is at least 48 px on a 768 px wide screen.
"""

import datetime
import os
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from centres.kiosk import COOKIE_NAME
from centres.models import KioskDevice, VisitCount
from tests.browser_support import DESKTOP, PHONE, assert_accessible, go_to, sign_in
from tests.centres.factories import KeyHolderFactory, UserRunOpeningFactory

TABLET = {"width": 768, "height": 1024}
MIN_TARGET = 48
# Where to write screenshots for a person to look at (not kept in the repository).
SHOTS = os.environ.get("VAERESTED_SCREENSHOTS")

SMALL_TARGETS = """
(min) => [...document.querySelectorAll(
    'header a, header button, main a, main button, main input:not([type=hidden]), main select,'
    + ' main textarea, main label.btn'
  )]
  .filter(e => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  })
  .filter(e => {
    if (e.matches('input.btn-check, input.form-check-input')) {
      // A check box or radio is tapped through its label.
      const label = e.id && document.querySelector(`label[for="${e.id}"]`);
      const r = (label || e).getBoundingClientRect();
      return r.height < min;
    }
    const r = e.getBoundingClientRect();
    return r.height < min || r.width < min;
  })
  .map(e => `${e.tagName} ${e.name || e.textContent.trim().slice(0, 30)}`
    + ` ${Math.round(e.getBoundingClientRect().width)}x`
    + `${Math.round(e.getBoundingClientRect().height)}`)
"""


def shoot(page, name):
    if not SHOTS:
        return
    for size in (PHONE, TABLET, DESKTOP):
        page.set_viewport_size(size)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(TABLET)


def test_a_tablet_is_paired_counts_survives_a_restart_and_is_revoked(
    transactional_db, live_server, world, page, browser, browser_context_args, csp_violations
):
    centre = world.centre_a
    centre.safety_instructions = "Ring til lederen, hvis nogen bliver syg eller truende."
    centre.safety_phone_numbers = "Lederen på vagt: 55 55 55 55"
    centre.save()
    now = timezone.now()
    UserRunOpeningFactory(
        centre=centre,
        key_holder=KeyHolderFactory(organisation=world.org_a, alias="Ravn"),
        starts=now - datetime.timedelta(hours=1),
        ends=now + datetime.timedelta(hours=2),
    )

    # Alice registers the tablet and is shown its code.
    sign_in(page, live_server, "alice")
    go_to(page, "Steder", "Kiosk-tablets")
    assert_accessible(page)
    page.locator("#id_name").fill("Ved kaffen")
    page.locator("#id_centre").select_option(label=centre.name)
    page.get_by_role("button", name="Registrér og vis koden").click()
    code = page.get_by_test_id("pairing-code").inner_text()
    assert len(code) == 9 and code[4] == "-"
    assert_accessible(page)

    # The tablet, another browser, takes the code.
    tablet_context = browser.new_context(**{**browser_context_args, "viewport": TABLET})
    tablet = tablet_context.new_page()
    tablet.goto(live_server.url + "/kiosk/")
    expect(tablet).to_have_url(live_server.url + "/kiosk/pair/")
    assert_accessible(tablet)
    shoot(tablet, "kiosk-pair")
    tablet.get_by_label("Kode").fill(code.lower())
    tablet.get_by_role("button", name="Tilknyt").click()
    expect(tablet).to_have_url(live_server.url + "/kiosk/")
    expect(tablet.get_by_role("heading", name="Åbent uden personale")).to_be_visible()
    expect(tablet.get_by_text("Ravn", exact=True)).to_be_visible()
    expect(tablet.get_by_text("Ring 112")).to_be_visible()
    expect(tablet.locator("#main-nav")).to_have_count(0)
    assert tablet.evaluate(SMALL_TARGETS, MIN_TARGET) == []
    assert_accessible(tablet)
    shoot(tablet, "kiosk-home")

    # It counts a visit.
    tablet.get_by_role("link", name="Tæl besøgende").click()
    tablet.get_by_role("button", name="+1 besøgende", exact=True).click()
    expect(tablet.locator(".tally-number")).to_have_text("1")
    # Sent through the counter's queue: once the tap has left the tablet, it is counted.
    expect(tablet.locator(".tally-queue")).to_be_hidden(timeout=15000)
    assert VisitCount.objects.get().visits == 1
    assert tablet.evaluate(SMALL_TARGETS, MIN_TARGET) == []
    assert_accessible(tablet)
    shoot(tablet, "kiosk-tally")

    # Its other two screens: big targets, nothing about people.
    for link, heading in (
        ("Rådgivning", "Registrér rådgivning"),
        ("Episode", "Registrér en episode"),
    ):
        tablet.locator("header").get_by_role("link", name=link).click()
        expect(tablet.get_by_role("heading", name=heading)).to_be_visible()
        assert tablet.evaluate(SMALL_TARGETS, MIN_TARGET) == []
        assert_accessible(tablet)
        shoot(tablet, f"kiosk-{link.lower()}")

    # Closed and opened again: the session cookie is gone, the tablet's cookie is not.
    state = tablet_context.storage_state()
    tablet_context.close()
    kept = [c for c in state["cookies"] if c["name"] == COOKIE_NAME]
    assert kept and kept[0]["httpOnly"] and kept[0]["sameSite"] == "Lax"
    assert kept[0]["expires"] > (now + datetime.timedelta(days=300)).timestamp()
    tablet_context = browser.new_context(
        **{**browser_context_args, "viewport": TABLET}, storage_state={"cookies": kept}
    )
    tablet = tablet_context.new_page()
    tablet.goto(live_server.url + "/kiosk/")
    expect(tablet.get_by_role("heading", name="Åbent uden personale")).to_be_visible()

    # Alice revokes it; the tablet's next request is the pairing page.
    page.goto(live_server.url + "/kiosks/")
    page.get_by_role("link", name="Frakobl Ved kaffen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Frakobl").click()
    expect(page.get_by_text("er frakoblet og kan ikke længere bruges")).to_be_visible()
    assert KioskDevice.objects.get().is_revoked
    shoot(page, "kiosks-list")

    tablet.get_by_role("link", name="Tæl", exact=True).click()
    expect(tablet).to_have_url(live_server.url + "/kiosk/pair/")
    expect(tablet.get_by_text("Tabletten er ikke længere tilknyttet")).to_be_visible()
    tablet_context.close()
    assert csp_violations == []


def test_the_printed_safety_card_fits_and_has_its_print_button(
    transactional_db, live_server, world, page, csp_violations
):
    world.centre_a.safety_instructions = "Ring til lederen.\nLås køkkenet, hvis du går."
    world.centre_a.safety_phone_numbers = "Lederen på vagt: 55 55 55 55"
    world.centre_a.save()
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + world.centre_a.get_absolute_url())
    page.get_by_role("link", name="Sikkerhedskort til opslagstavlen").click()
    expect(page.get_by_role("button", name="Udskriv")).to_be_visible()
    expect(page.get_by_text("Ring 112")).to_be_visible()
    assert_accessible(page)
    shoot(page, "safety-card")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Udskriv")).to_be_hidden()
    if SHOTS:
        page.pdf(path=str(Path(SHOTS) / "safety-card.pdf"), format="A4")
    assert csp_violations == []
