"""A closed day in the calendar, in Chromium: the centre's next public holiday, on a phone
and on a laptop, with the axe check."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Category
from advice.models import OutreachRole
from centres.calendar_days import danish_holidays
from tests.activities.factories import ActivityFactory
from tests.advice.factories import OutreachHoursFactory
from tests.browser_support import DESKTOP, PHONE, assert_accessible, sign_in


def test_the_association_sees_a_holiday_closed_and_the_hours_that_day_cancelled(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    holiday, name = min(
        danish_holidays(today + dt.timedelta(days=1), today + dt.timedelta(days=366)).items()
    )
    OutreachHoursFactory(
        centre=world.centre_a,
        display_name="Kasper",
        role=OutreachRole.ADDICTION,
        weekday=holiday.weekday(),
        start_time=dt.time(10),
        end_time=dt.time(13),
        valid_from=today,
    )
    ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="Overskudsmad fra købmanden",
        category=Category.OTHER,
        runs_when_closed=False,
        schedule__weekdays="",
        schedule__valid_from=holiday,
    )
    ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="Tur til Bregentved Have",
        category=Category.TRIP,
        runs_when_closed=True,
        schedule__weekdays="",
        schedule__valid_from=holiday,
    )
    sign_in(page, live_server, "asta")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/calendar/?view=agenda&date={holiday.isoformat()}")
        day = page.locator(".calendar-day").first
        expect(day.locator(".calendar-closure").first).to_contain_text("Lukket")
        expect(day.locator(".calendar-closure").first).to_contain_text(name)
        kasper = day.locator(".calendar-outreach")
        expect(kasper).to_have_class("calendar-event calendar-outreach calendar-cancelled")
        expect(kasper).to_contain_text("Kasper (Misbrugskonsulent)")
        expect(kasper).to_contain_text(f"Aflyst {name}")
        expect(day.locator(".calendar-activity")).to_have_count(1)
        expect(day.locator(".calendar-activity")).to_contain_text("Tur til Bregentved Have")
        expect(day).not_to_contain_text("Overskudsmad")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        assert_accessible(page)
    assert csp_violations == []
