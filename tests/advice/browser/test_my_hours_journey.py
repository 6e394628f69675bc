"""An outreach worker reports being ill today on a 360 px phone and cancels a coming
absence after being asked."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from advice.models import OutreachAbsence
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory
from tests.browser_support import PHONE, assert_accessible, go_to, sign_in


def test_outreach_worker_registers_an_absence_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    hours = OutreachHoursFactory(
        centre=world.centre_a,
        worker=world.outreach,
        service="Jobcenter Faxe",
        weekday=today.weekday(),
        valid_from=today - datetime.timedelta(days=30),
    )
    coming = today + datetime.timedelta(days=21)
    holiday = OutreachAbsenceFactory(hours=hours, start_date=coming, end_date=coming)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "otto")

    go_to(page, "Rådgivning", "Mine tider")
    expect(page.get_by_role("heading", name="Mine tider")).to_be_visible()
    expect(page.get_by_text("Jobcenter Faxe")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Ill today: all hours, today to today and illness are the defaults.
    expect(page.get_by_label("Alle mine tider")).to_be_checked()
    expect(page.get_by_label("Sygdom")).to_be_checked()
    page.get_by_role("button", name="Registrér fravær").click()
    expect(page.get_by_text("Dit fravær er registreret.")).to_be_visible()
    assert OutreachAbsence.objects.filter(hours=hours, start_date=today).exists()
    assert_accessible(page)

    # A bad period is refused with a Danish message on the form.
    page.get_by_label("Første dag").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Sidste dag").fill((today + datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Registrér fravær").click()
    expect(page.get_by_text("Sidste dag kan ikke ligge før første dag.")).to_be_visible()
    assert_accessible(page)

    # The coming holiday is cancelled, after being asked.
    page.get_by_role("link", name="Annullér fravær").last.click()
    expect(page.get_by_role("heading", name="Er du sikker?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Slet").click()
    expect(page.get_by_text("er slettet")).to_be_visible()
    assert not OutreachAbsence.objects.filter(pk=holiday.pk).exists()
    assert csp_violations == []
