"""Outreach hours, meetings and topics pages pass the accessibility check on a phone."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from advice.services import meeting_count
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory
from tests.browser_support import PHONE, assert_accessible, sign_in


def test_staff_plans_outreach_hours_and_counts_a_meeting(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    hours = OutreachHoursFactory(centre=world.centre_a, weekday=today.weekday(), valid_from=today)
    OutreachAbsenceFactory(
        hours=hours,
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=7),
    )
    meeting_count(centre=world.centre_a, service="job_centre", day=today, result="held")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")

    page.goto(live_server.url + "/advice/outreach-hours/")
    expect(page.get_by_role("heading", name="Fremskudte tider")).to_be_visible()
    expect(page.get_by_text("Sagsbehandler fra jobcentret").first).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/advice/meetings/")
    page.get_by_label("Udeblevet").check()
    page.get_by_role("button", name="Tæl mødet").click()
    expect(page.get_by_text("Mødet er talt med.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert csp_violations == []


def test_leader_keeps_the_topics(transactional_db, live_server, world, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/advice/topics/")
    page.get_by_role("button", name=re.compile(r"^Udfas\W+Andet$")).click()
    expect(page.get_by_text("“Andet” er udfaset.")).to_be_visible()
    assert_accessible(page)
