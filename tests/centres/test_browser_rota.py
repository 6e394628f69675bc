"""In Chromium, with axe: the leader plans next month's rota, marks a staff member ill,
sees the opening that leaves short and makes it "maybe open", which the week plan then
shows."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from centres.calendar_days import is_holiday
from centres.models import OpeningKindChange, RotaShift, StaffAbsence
from tests.browser_support import DESKTOP, PHONE, assert_accessible, sign_in
from tests.centres.factories import OpeningHoursFactory, RotaShiftFactory
from tests.factories import UserFactory

ONE_DAY = datetime.timedelta(days=1)

OVERFLOWING = """
() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => e.id || e.getAttribute('aria-labelledby') || e.tagName)
"""


def test_leader_marks_a_staff_member_ill_and_makes_the_opening_maybe_open(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    for weekday in range(7):
        OpeningHoursFactory(
            centre=world.centre_a,
            weekday=weekday,
            starts=datetime.time(10),
            ends=datetime.time(16),
            valid_from=datetime.date(2020, 1, 1),
        )
        for person in (world.staff_a, world.staff_b):
            RotaShiftFactory(
                centre=world.centre_a,
                worker=person,
                weekday=weekday,
                starts=datetime.time(10),
                ends=datetime.time(16),
                valid_from=today - 30 * ONE_DAY,
            )
    UserFactory(username="dina", first_name="Dina", organisation=world.org_a)
    next_month = (today.replace(day=28) + 4 * ONE_DAY).replace(day=1)
    # A day the centre opens: on a public holiday (two days after 23 December, say)
    # there is no opening to leave short.
    sick_day = today + 2 * ONE_DAY
    while is_holiday(sick_day):
        sick_day += ONE_DAY
    sign_in(page, live_server, "alice")

    # Next month's rota: Dina on Mondays from the first.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + world.centre_a.get_absolute_url())
    page.get_by_role("link", name="Fast vagtplan").click()
    assert page.evaluate(OVERFLOWING) == []
    assert_accessible(page)
    page.get_by_role("link", name="Tilføj fast vagt").click()
    page.get_by_label("Medarbejder").select_option(label="Dina")
    page.get_by_label("Ugedag").select_option(value="0")
    page.locator("#id_starts").fill("10:00")
    page.locator("#id_ends").fill("16:00")
    page.get_by_label("Gyldig fra").fill(next_month.isoformat())
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Vagtplanen er gemt.")).to_be_visible()
    assert RotaShift.objects.filter(worker__username="dina", valid_from=next_month).exists()
    assert_accessible(page)

    # Carol is ill: the leader records it, which leaves her day short.
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/absences/")
    assert_accessible(page)
    page.get_by_label("Medarbejder").select_option(label="Carol")
    page.get_by_label("Første dag").fill(sick_day.isoformat())
    page.get_by_label("Sidste dag").fill(sick_day.isoformat())
    page.get_by_label("Begrundelse").select_option(label="Syg")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Bemanding i fare", exact=True)).to_be_visible()
    assert StaffAbsence.objects.filter(worker=world.staff_b).exists()
    assert_accessible(page)

    card = page.locator("section.card").filter(has_text=f"{sick_day:%d.%m}. 10:00")
    expect(card).to_have_count(1)
    expect(page.locator("section.card")).to_have_count(1)
    card.get_by_label("Hvad skal der ske").select_option(value="maybe")
    card.get_by_role("button", name="Gør det").click()

    # The week plan shows it at once.
    expect(page.get_by_text("Gjort: ugeplanen og kalenderen viser det nu.")).to_be_visible()
    day = page.locator("li.week-day").filter(has=page.locator(".week-entry-maybe"))
    expect(day).to_have_count(1)
    assert OpeningKindChange.objects.get().date == sick_day
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/staffing/at-risk/")
    expect(page.locator("section.card")).to_have_count(0)
    assert page.evaluate(OVERFLOWING) == []
    assert_accessible(page)
