"""In Chromium, with axe: the leader changes opening hours from next Monday, a fob lost by
mistake is found again after a confirmation, and the keys page fits a phone."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from centres.models import FobStatus, KeyFob, OpeningHours, OpeningKind
from tests.browser_support import DESKTOP, PHONE, assert_accessible, sign_in
from tests.centres.factories import (
    KeyFobFactory,
    KeyHolderFactory,
    KeyLoanFactory,
    OpeningHoursFactory,
)
from tests.clock_support import WEEKDAY_NAMES, working_weekday

ONE_DAY = datetime.timedelta(days=1)

# Whether the page, and every scrolling region in it, fits its width.
OVERFLOWING = """
() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => e.id || e.getAttribute('aria-labelledby') || e.tagName)
"""


def fits(page):
    return page.evaluate(OVERFLOWING) == []


def test_leader_changes_a_weekday_from_next_monday_and_this_week_keeps_its_hours(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    monday = today - today.weekday() * ONE_DAY
    next_monday = monday + 7 * ONE_DAY
    weekday = working_weekday(monday, next_monday)
    hours = OpeningHoursFactory(
        centre=world.centre_a,
        weekday=weekday,
        starts=datetime.time(8),
        ends=datetime.time(15, 30),
        kind=OpeningKind.STAFFED,
        valid_from=datetime.date(2023, 6, 1),
    )
    sign_in(page, live_server, "alice")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + world.centre_a.get_absolute_url())
        page.get_by_role("link", name="Åbningstider og lukninger").click()
        if viewport == PHONE:
            assert fits(page)
        assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^Ret {WEEKDAY_NAMES[weekday]} 08:00")).click()
    page.locator("#id_ends").fill("14:00")
    # Changing the rule as a whole would rewrite its past: refused, in Danish.
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Ændringen kan ikke gælde fra før i dag.")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Gyldig fra").fill(next_monday.isoformat())
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text(f"De nye tider gælder fra {next_monday:%d.%m.%Y}")).to_be_visible()
    current = page.get_by_role("region", name="Nuværende åbningstider")
    expect(current).to_contain_text("08:00\N{EN DASH}15:30")
    expect(current).to_contain_text(f"{next_monday - ONE_DAY:%-d.%-m.%Y}")
    expect(page.get_by_role("region", name="Kommende åbningstider")).to_contain_text(
        "08:00\N{EN DASH}14:00"
    )
    assert fits(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)

    page.goto(f"{live_server.url}/centres/{world.centre_a.pk}/week/?week={monday}")
    expect(page.get_by_text("08:00\N{EN DASH}15:30").first).to_be_visible()
    page.goto(f"{live_server.url}/centres/{world.centre_a.pk}/week/?week={next_monday}")
    expect(page.get_by_text("08:00\N{EN DASH}14:00").first).to_be_visible()
    rows = OpeningHours.objects.filter(centre=world.centre_a).order_by("valid_from")
    assert [(r.pk, r.ends, r.valid_until) for r in rows] == [
        (hours.pk, datetime.time(15, 30), next_monday - ONE_DAY),
        (rows[1].pk, datetime.time(14), None),
    ]
    assert csp_violations == []


def test_a_fob_marked_lost_by_mistake_is_found_again_after_asking(
    transactional_db, live_server, world, page, csp_violations
):
    fob = KeyFobFactory(organisation=world.org_a, number="76F-01", centres=[world.centre_a])
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    KeyLoanFactory(fob=fob, holder=holder)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + "/keys/")
    page.get_by_role("link", name="Mistet 76F-01").click()
    expect(page.get_by_role("heading", name="Meld nøglebrik 76F-01 mistet?")).to_be_visible()
    assert fits(page)
    assert_accessible(page)
    # Going back changes nothing.
    page.get_by_role("link", name="Nej, gå tilbage").click()
    assert KeyFob.objects.get(pk=fob.pk).status == FobStatus.ACTIVE
    page.get_by_role("link", name="Mistet 76F-01").click()
    page.get_by_role("button", name="Mistet 76F-01").click()
    expect(page.get_by_text("Nøglebrik 76F-01 er meldt mistet.")).to_be_visible()
    page.get_by_role("link", name="Fundet igen 76F-01").click()
    assert_accessible(page)
    page.get_by_role("button", name="Fundet igen 76F-01").click()
    expect(page.get_by_text("Nøglebrik 76F-01 er aktiv igen.")).to_be_visible()
    assert_accessible(page)
    assert KeyFob.objects.get(pk=fob.pk).status == FobStatus.ACTIVE
    assert csp_violations == []


def test_the_keys_page_fits_a_phone_and_fob_numbers_stay_on_one_line(
    transactional_db, live_server, world, page
):
    centres = [world.centre_a, world.centre_b]
    holders = [
        KeyHolderFactory(organisation=world.org_a, alias=alias, safety_briefing=None)
        for alias in ("Stæren", "Svalebakken")
    ]
    for n in range(4):
        fob = KeyFobFactory(organisation=world.org_a, number=f"FREDERIKSG-{n:03d}", centres=centres)
        if n < 2:
            KeyLoanFactory(fob=fob, holder=holders[n], issued=timezone.localdate() - 300 * ONE_DAY)
    KeyFob.objects.filter(number="FREDERIKSG-003").update(status=FobStatus.LOST)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/keys/")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits(page)
    numbers = page.locator(".fob-number")
    assert numbers.count() == 6
    for i in range(numbers.count()):
        assert numbers.nth(i).evaluate("e => e.getClientRects().length") == 1
    assert_accessible(page)
