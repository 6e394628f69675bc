"""The leader's journey in Chromium: last quarter at one centre, the heat map's table, the
report pack downloaded; the heat map on a phone; the running month said to be so far."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from centres.models import VisitCount
from config.dashboard.periods import Period
from tests.browser_support import PHONE, assert_accessible, sign_in
from tests.incidents.factories import BanFactory


def last_quarter():
    return Period.containing("quarter", timezone.localdate()).previous()


def a_tuesday_in(period):
    return period.start + datetime.timedelta(days=(1 - period.start.weekday()) % 7)


def test_leader_reads_last_quarter_at_one_centre_and_downloads_the_pack(
    transactional_db, live_server, world, page, csp_violations
):
    quarter = last_quarter()
    tuesday = a_tuesday_in(quarter)
    VisitCount.objects.create(
        centre=world.centre_a, date=tuesday, hour=10, kind="staffed", visits=17
    )
    VisitCount.objects.create(
        centre=world.centre_b, date=tuesday, hour=10, kind="staffed", visits=5
    )
    BanFactory(centre=world.centre_a, decided_by=world.leader)
    sign_in(page, live_server, "alice")
    page.get_by_role("link", name="Overblik").first.click()
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    page.get_by_label("Periode", exact=True).select_option(label="Kvartal")
    page.get_by_label("Værested", exact=True).select_option(label="Værestedet 76F")
    page.get_by_role("button", name="Vis").click()
    page.get_by_role("link", name="Forrige").click()
    expect(page.get_by_text(quarter.label).first).to_be_visible()

    heat_map = page.locator("table.heat-map")
    tuesday_row = heat_map.locator("tbody tr").nth(1)
    expect(tuesday_row.locator("th")).to_have_text("Tirsdag")
    hours = heat_map.locator("thead th").all_inner_texts()
    expect(tuesday_row.locator("td").nth(hours.index("10") - 1)).to_have_text("17")
    visits = page.locator("table:has(#section-visits) tbody tr").first
    expect(visits.locator("th")).to_have_text("Besøg")
    expect(visits.locator("td")).to_have_text(["17", "0", "+17"])
    bans = page.locator("table:has(#section-now) tr", has_text="Karantæner i kraft")
    expect(bans.locator("td")).to_have_text("1")
    assert_accessible(page)

    page.get_by_role("link", name="Rapport til Socialtilsynet").click()
    expect(page.get_by_role("heading", name="Rapport til Socialtilsynet")).to_be_visible()
    page.get_by_label("År").fill(str(quarter.start.year))
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("link", name="Hent Excel")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent Excel").click()
    assert download.value.suggested_filename == f"tilsynsrapport-{quarter.start.year}.xlsx"
    assert csp_violations == []


def test_heat_map_scrolls_inside_its_box_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    quarter = last_quarter()
    for hour in range(0, 24):
        VisitCount.objects.create(
            centre=world.centre_a, date=a_tuesday_in(quarter), hour=hour, kind="staffed", visits=3
        )
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/dashboard/?period=quarter&date={quarter.start.isoformat()}")
    box = page.locator(".heat-map-scroll")
    expect(box).to_be_visible()
    box.focus()
    expect(box).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.press("End")
    assert_accessible(page)
    assert csp_violations == []


def test_the_running_month_says_it_is_counted_so_far(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    VisitCount.objects.create(centre=world.centre_a, date=today, hour=10, kind="staffed", visits=7)
    sign_in(page, live_server, "alice")
    page.get_by_role("link", name="Overblik").first.click()
    month = Period.containing("month", today)
    expect(page.get_by_text(f"{month.label}, hidtil").first).to_be_visible()
    notice = page.locator("#period-so-far")
    expect(notice).to_contain_text(f"til og med i dag, {today:%d.%m.%Y}")
    expect(notice).to_contain_text(f"løber til og med {month.end:%d.%m.%Y}")
    visits = page.get_by_role("table", name="Besøg", exact=True)
    expect(visits.get_by_role("columnheader", name="Samme dage et år før")).to_be_visible()
    expect(visits.locator("tbody tr").first.locator("td").first).to_have_text("7")
    assert_accessible(page)
    assert csp_violations == []


def test_leader_makes_the_pack_for_sharing_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    # 76F: 12 episodes of physical violence and one threat. Shared, the threat is hidden
    # and so is one of the two numbers it could be worked out from.
    from incidents.models import Kind
    from tests.incidents.factories import IncidentFactory

    year = timezone.localdate().year - 1
    for i in range(13):
        IncidentFactory(
            centre=world.centre_a,
            kinds=[Kind.THREAT if i == 0 else Kind.PHYSICAL_VIOLENCE],
            occurred_at=timezone.make_aware(datetime.datetime(year, 3, 1 + i, 11)),
        )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/dashboard/report/")
    page.get_by_label("År").fill(str(year))
    sharing = page.get_by_label("Til deling uden for organisationen (skjul tal under 5)")
    sharing.check()
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_text("Tal under 5 vises som “skjult”")).to_be_visible()
    row = page.locator("#incidents-heading + div tbody tr").filter(has_text="76F")
    cells = row.locator("td").all_inner_texts()
    # Episodes, physical violence, threat: the threat hidden, and 13 or 12 with it.
    assert cells[2] == "skjult"
    assert "skjult" in cells[:2]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent Excel").click()
    assert download.value.suggested_filename == f"tilsynsrapport-{year}.xlsx"
    assert csp_violations == []
