"""Recording advice on a 360 px phone: one screen, three taps for the common case."""

from playwright.sync_api import expect

from advice.models import Contact, DefaultTopic
from tests.browser_support import PHONE, assert_accessible, sign_in

VISIBLE_TAP_TARGETS_SMALLER_THAN = """(minimum) => [...document.querySelectorAll(
        'a, button, label.btn, input:not([type=hidden]):not(.btn-check), select')]
    .filter(el => el.offsetParent !== null && !el.matches('.visually-hidden-focusable'))
    .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
    .filter(([_, r]) => r.height < minimum || r.width < minimum)
    .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def test_staff_records_a_contact_in_three_taps_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    taps = 0

    page.get_by_role("link", name="Registrér rådgivning").first.click()
    taps += 1
    expect(page.get_by_role("heading", name="Registrér rådgivning")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate(VISIBLE_TAP_TARGETS_SMALLER_THAN, 44) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Centre and date are prefilled; the save button stays on screen while scrolling.
    expect(page.get_by_text("Værestedet 76F")).to_be_visible()
    save = page.get_by_role("button", name="Gem kontakt")
    expect(save).to_be_in_viewport()

    page.get_by_text("Gæld og kreditorer", exact=True).click()
    taps += 1
    expect(page.get_by_role("checkbox", name="Gæld og kreditorer")).to_be_checked()
    save.click()
    taps += 1

    expect(page.get_by_text("Kontakten er registreret på Værestedet 76F.")).to_be_visible()
    # A wrong tap can be taken back from the same screen.
    expect(
        page.get_by_role("button", name="Fortryd kontakten, du lige registrerede")
    ).to_be_visible()
    assert taps <= 5
    contact = Contact.objects.get()
    assert contact.centre == world.centre_a
    assert [t.code for t in contact.topics.all()] == [DefaultTopic.DEBT]
    assert (contact.channel, contact.duration, contact.outcome) == (
        "drop_in",
        "under_15",
        "answered",
    )
    assert_accessible(page)
    assert csp_violations == []


def test_a_missing_topic_is_explained_in_danish(transactional_db, live_server, world, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "otto")
    page.goto(live_server.url + "/advice/record/")
    page.get_by_role("button", name="Gem kontakt").click()
    expect(page.get_by_text("Vælg mindst ét emne.")).to_be_visible()
    assert_accessible(page)
    assert not Contact.objects.exists()
