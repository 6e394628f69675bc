"""The week plan goes on the notice board: one A4 page, printed from a button.

The reference case's weeks (DOMAIN.md, as the demo data has them): 76F staffed Tuesday
8-16, Wednesday 8-15.30 and Friday 8-14, "maybe open" slots, NADA three days a week, the
walking group, the hall, a trip, the outreach hours. Printed by Chromium as a phone or a
laptop would, to PDF; the PDF's pages counted.
"""

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from centres.models import Centre
from tests.browser_support import PHONE, assert_accessible

DEMO_PASSWORD = "vaerested-demo"


def sign_in_demo(page, live_server, username):
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ind")).to_have_count(0)


def pages_printed(page):
    return len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)


def test_the_reference_weeks_print_on_one_a4_page_each(
    transactional_db, live_server, page, csp_violations
):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    sign_in_demo(page, live_server, "forening")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    # Four weeks: the visiting hairdresser comes every fourth week, cycling every second.
    for centre in Centre.objects.order_by("name"):
        url = live_server.url + reverse("centres:week_plan", args=[centre.pk])
        for week in range(4):
            day = monday + dt.timedelta(weeks=week)
            page.goto(f"{url}?week={day.isoformat()}")
            expect(page.locator(".week-day")).to_have_count(7)
            assert pages_printed(page) == 1, f"{centre} week of {day}"


def test_staff_print_the_week_plan_from_its_button(
    transactional_db, live_server, page, csp_violations
):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    # What the button calls, counted (the print dialog itself never opens headless).
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.set_viewport_size(PHONE)
    sign_in_demo(page, live_server, "personale76f")
    centre = Centre.objects.get(name="Værestedet 76F")
    page.goto(live_server.url + reverse("centres:week_plan", args=[centre.pk]))
    button = page.get_by_role("button", name="Udskriv")
    expect(button).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    button.click()
    assert page.evaluate("window.printed") == 1
    # On paper: no buttons, no navigation, the seven days.
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.get_by_role("link", name="Næste uge")).to_be_hidden()
    expect(page.locator(".week-day")).to_have_count(7)
    assert pages_printed(page) == 1
    assert csp_violations == []
