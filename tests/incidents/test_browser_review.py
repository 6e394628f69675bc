"""Journeys in Chromium: the quarterly violence review signed by the safety representative
and the leader, then printed; the day sheet filled in on a phone at closing."""

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from incidents import review
from incidents.models import (
    Context,
    DaySheet,
    DaySheetEntry,
    Kind,
    PartOfDay,
    QuarterReview,
    ReviewDecision,
    Severity,
)
from tests.browser.test_shell import tap_targets_smaller_than
from tests.browser_support import DESKTOP, PHONE, assert_accessible, go_to, sign_in, sign_out
from tests.incidents.factories import (
    FollowUpItemFactory,
    IncidentFactory,
    RiskAssessmentFactory,
    safety_representative,
)

SCREENSHOTS = Path("/tmp/vaerested-screenshots")
DECISION = "Gennemgå proceduren for brugeråbent med nøgleholderne"


def shoot(page, name, **kwargs):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, **kwargs)


def last_quarter_with_episodes(world):
    """Last quarter at centre A: two reports, a day sheet, a follow-up, an assessment."""
    year, quarter = review.previous_quarter_of(*review.quarter_of_day(timezone.localdate()))
    first, _last = review.quarter_days(year, quarter)
    tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
    at = timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(13, 20)))
    threat = IncidentFactory(
        centre=world.centre_a,
        occurred_at=at,
        kinds=[Kind.THREAT],
        severity=Severity.MODERATE,
        is_full_report=True,
        context=Context.USER_RUN_OPENING,
        involved_aliases=["Ravnen"],
        reported_by=world.staff_a,
    )
    IncidentFactory(
        centre=world.centre_a,
        occurred_at=at + datetime.timedelta(days=8),
        reported_by=world.staff_a,
        context=Context.STAFFED_OPENING,
    )
    FollowUpItemFactory(incident=threat, owner=world.leader, due_on=tuesday)
    sheet = DaySheet.objects.create(centre=world.centre_a, day=tuesday, filled_in_by=world.staff_a)
    DaySheetEntry.objects.create(
        sheet=sheet, kind=Kind.VERBAL_ABUSE, part_of_day=PartOfDay.FROM_10, count=3
    )
    RiskAssessmentFactory(
        centre=world.centre_a,
        written_by=world.leader,
        assessed_on=tuesday,
        review_on=tuesday + datetime.timedelta(days=365),
    )
    return year, quarter


def test_the_safety_representative_and_the_leader_sign_the_quarterly_review(
    transactional_db, live_server, world, page, csp_violations
):
    year, quarter = last_quarter_with_episodes(world)
    safety_representative(world, world.centre_a)

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "sara")
    # Her to-do list on the home page asks her to sign last quarter's review.
    sign = f"Underskriv voldsgennemgangen for Værestedet 76F, {quarter}. kvartal {year}"
    todo = page.locator("#todo")
    expect(todo.get_by_role("link", name=sign)).to_be_visible()
    assert_accessible(page)
    todo.get_by_role("link", name=sign).click()
    expect(
        page.get_by_role("heading", name=re.compile(f"{quarter}. kvartal {year}"))
    ).to_be_visible()
    expect(page.get_by_role("region", name="Efter art")).to_be_visible()
    expect(page.get_by_text("Ravnen")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "review-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "review-360")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("textbox", name="Beslutning").fill(DECISION)
    page.get_by_label("Ansvarlig").select_option(label="Bob")
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Frist").fill(due.isoformat())
    page.get_by_role("button", name="Tilføj beslutning").click()
    expect(page.get_by_text("Beslutningen er tilføjet")).to_be_visible()
    expect(page.get_by_text(DECISION, exact=True)).to_be_visible()
    page.get_by_role("button", name="Underskriv gennemgangen").click()
    expect(page.get_by_text("Du har underskrevet gennemgangen")).to_be_visible()
    expect(page.get_by_text(re.compile("Arbejdsmiljørepræsentant: Sara"))).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/")
    expect(page.locator("#todo").get_by_role("link", name=sign)).to_have_count(0)
    sign_out(page)

    sign_in(page, live_server, "alice")
    page.locator("#todo").get_by_role("link", name=sign).click()
    page.get_by_role("button", name="Underskriv gennemgangen").click()
    expect(
        page.get_by_text(re.compile("Underskrevet af lederen og arbejdsmiljørepræsentanten"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Tilføj beslutning")).to_have_count(0)
    expect(page.get_by_role("link", name="Ret")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "review-signed-1280")

    page.emulate_media(media="print")
    expect(page.locator("#main-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Udskriv")).to_be_hidden()
    expect(page.get_by_text(DECISION, exact=True)).to_be_visible()
    shoot(page, "review-print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")

    found = QuarterReview.objects.get(centre=world.centre_a, year=year, quarter=quarter)
    assert found.is_locked
    assert found.signatures.count() == 2
    assert ReviewDecision.objects.get().owner == world.staff_a

    # The list of quarters shows it signed by both.
    go_to(page, "Hændelser", "Kvartalsgennemgange")
    expect(
        page.get_by_role("heading", name="Kvartalsgennemgange af vold og trusler")
    ).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []


def test_staff_fill_in_the_day_sheet_on_a_phone_at_closing(
    transactional_db, live_server, world, page, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.get_by_role("link", name="Dagsseddel ved lukning").click()
    page.get_by_role("link", name="Værestedet 76F").click()
    expect(page.get_by_role("heading", name="Dagsseddel: Værestedet 76F")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Gem dagsseddel").click()
    expect(page.get_by_text("sæt kryds i „Ingen episoder i dag“")).to_be_visible()
    page.get_by_label("Verbale krænkelser, 12-14").fill("2")
    page.get_by_label("Trussel, Efter 16").fill("1")
    assert tap_targets_smaller_than(page, 44) == []
    shoot(page, "day-sheet-360")
    page.get_by_role("button", name="Gem dagsseddel").click()
    expect(page.get_by_text("Dagssedlen er gemt")).to_be_visible()
    expect(page.get_by_label("Verbale krænkelser, 12-14")).to_have_value("2")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    shoot(page, "day-sheet-1280")
    sheet = DaySheet.objects.get()
    assert sheet.day == timezone.localdate()
    assert sorted(sheet.entries.values_list("kind", "count")) == [
        ("threat", 1),
        ("verbal_abuse", 2),
    ]
    assert csp_violations == []
