"""The issue's journeys in Chromium, in Danish, with axe checks on every page."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, Occurrence
from activities.recurrence import COPENHAGEN
from centres.calendar_days import danish_holidays
from centres.models import Closure, OpeningHours, OpeningKind
from tests.activities.factories import ActivityFactory, MeetingFactory
from tests.browser_support import PHONE, assert_accessible, go_to, sign_in, sign_out


def test_staff_creates_a_weekly_walking_group_and_cancels_one_week(
    transactional_db, live_server, world, page, csp_violations
):
    sign_in(page, live_server, "bob")
    go_to(page, "Aktiviteter", "Aktiviteter")
    assert_accessible(page)
    page.get_by_role("link", name="Ny aktivitet").click()
    page.get_by_label("Titel").fill("Gåtur ved søen")
    page.get_by_label("Kategori").select_option(label="Gågruppe")
    page.get_by_label("Værestedet 76F").check()
    page.get_by_label("tirsdag").check()
    page.get_by_label("Dato (første gang)").fill(timezone.localdate().isoformat())
    page.get_by_label("Starter kl.").fill("10:00")
    page.get_by_label("Slutter kl.").fill("11:30")
    assert_accessible(page)
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Gåtur ved søen")).to_be_visible()
    expect(page.get_by_text("Aktiviteten er i kalenderen.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Aflys ")).first.click()
    page.get_by_role("button", name="Aflys den").click()
    expect(page.get_by_text("Dette felt er påkrævet.")).to_be_visible()
    page.get_by_label("Begrundelse").fill("Personalet er på kursus")
    page.get_by_role("button", name="Aflys den").click()
    expect(page.get_by_text("Gangen er aflyst.")).to_be_visible()
    expect(page.get_by_text("Personalet er på kursus")).to_be_visible()
    activity = Activity.objects.get(title="Gåtur ved søen")
    first = activity.occurrences.first()
    assert first.cancelled and activity.occurrences.filter(cancelled=False).count() > 20

    go_to(page, "Aktiviteter", "Kalender")
    expect(page.locator(".calendar-cancelled").first).to_contain_text("Gåtur ved søen")
    assert_accessible(page)
    assert csp_violations == []


def test_association_member_proposes_an_item_and_reads_the_minutes_that_answer_it(
    transactional_db, live_server, world, page, csp_violations
):
    meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    sign_in(page, live_server, "asta")
    go_to(page, "Aktiviteter", "Forslag")
    page.get_by_role("link", name="Foreslå et punkt til dagsordenen").click()
    assert_accessible(page)
    page.get_by_label("Emne").fill("Bus til fiskekonkurrencen")
    page.get_by_label("Uddybning").fill("Kan foreningen betale bussen?")
    page.get_by_role("button", name="Send forslag").click()
    expect(page.get_by_text("Bus til fiskekonkurrencen")).to_be_visible()
    expect(page.get_by_text("Foreslået", exact=True)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "bob")
    page.goto(live_server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Svar", exact=True).click()
    page.get_by_label("Besvaret i referatet").check()
    page.get_by_label("Svar eller begrundelse").fill("Ja, foreningen betaler bussen.")
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("link", name="Skriv referat").click()
    page.get_by_label("Brugere til stede").fill("11")
    page.get_by_label("Referat", exact=True).fill(
        "Foreningen betaler bussen til fiskekonkurrencen."
    )
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("button", name="Offentliggør referatet").click()
    expect(page.get_by_text("Referatet er offentliggjort.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "asta")
    go_to(page, "Aktiviteter", "Forslag")
    expect(page.get_by_text("Besvaret i referatet")).to_be_visible()
    expect(page.get_by_text("Ja, foreningen betaler bussen.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Husmøde")).click()
    expect(page.get_by_text("Foreningen betaler bussen til fiskekonkurrencen.")).to_be_visible()
    expect(page.get_by_role("link", name="Skriv referat")).to_have_count(0)
    assert_accessible(page)
    assert csp_violations == []


def test_the_private_calendar_link_works_signed_out_until_revoked(
    transactional_db, live_server, world, page, csp_violations
):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a], title="Petanque")
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/calendar/")
    page.get_by_role("link", name="Del kalenderen").click()
    page.get_by_label("Betegnelse").fill("Skærmen i caféen")
    page.get_by_role("button", name="Opret link").click()
    expect(page.get_by_text("Linket er klar.")).to_be_visible()
    assert_accessible(page)
    shared_url = page.get_by_role("link", name=re.compile("shared")).inner_text()
    sign_out(page)

    page.goto(shared_url)
    expect(page.get_by_role("heading", name="Kalender: Skærmen i caféen")).to_be_visible()
    expect(page.get_by_text("Petanque").first).to_be_visible()
    assert_accessible(page)
    feed = page.request.get(shared_url + "calendar.ics")
    assert feed.status == 200 and b"BEGIN:VCALENDAR" in feed.body()

    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/calendar/links/")
    page.get_by_role("button", name="Tilbagekald Skærmen i caféen").click()
    expect(page.get_by_text("Linket virker ikke længere.")).to_be_visible()
    sign_out(page)
    response = page.goto(shared_url)
    assert response.status == 404
    assert page.request.get(shared_url + "calendar.ics").status == 404
    assert csp_violations == []


def test_an_association_member_subscribes_on_a_phone_and_revokes_the_link(
    transactional_db, live_server, world, page, csp_violations
):
    import icalendar

    ActivityFactory(organisation=world.org_a, centres=[world.centre_a], title="Petanque")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "asta")
    page.goto(live_server.url + "/calendar/")
    page.get_by_role("link", name="Abonnér på din telefon").click()
    expect(page.get_by_role("heading", name="Sådan abonnerer du på en telefon")).to_be_visible()
    page.get_by_label("Betegnelse").fill("Astas telefon")
    page.get_by_role("button", name="Opret link").click()
    expect(page.get_by_text("Linket er klar.")).to_be_visible()
    subscribe = page.get_by_role("link", name=re.compile("Abonnér på denne telefon.*Astas telefon"))
    assert subscribe.get_attribute("href").startswith("webcal://")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    feed_url = subscribe.get_attribute("href").replace("webcal://", "http://", 1)
    response = page.request.get(feed_url)
    assert response.status == 200
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert any(str(e["SUMMARY"]) == "Petanque" for e in events)
    assert any(str(e["UID"]).startswith("closure-") for e in events)  # the holidays

    page.get_by_role("button", name="Tilbagekald Astas telefon").click()
    expect(page.get_by_text("Linket virker ikke længere.")).to_be_visible()
    assert page.request.get(feed_url).status == 404
    assert csp_violations == []


def test_the_calendar_on_a_phone_shows_today_clearly(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="NADA",
        category="nada",
        schedule__weekdays="0123456",
        schedule__valid_from=today - dt.timedelta(days=1),
        schedule__start_time=dt.time(23, 0),
        schedule__end_time=dt.time(23, 30),
    )
    assert Occurrence.objects.exists()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "otto")
    for view in ("agenda", "week", "month"):
        page.goto(f"{live_server.url}/calendar/?view={view}")
        today_cell = page.locator("[aria-current=date]")
        expect(today_cell).to_be_visible()
        expect(today_cell).to_contain_text("I dag")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
    assert csp_violations == []


def test_staff_count_attendance_inline_on_a_phone(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    walk = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="Gågruppe",
        schedule__weekdays="0123456",
        schedule__valid_from=today - dt.timedelta(days=3),
        schedule__start_time=dt.time(0, 5),
        schedule__end_time=dt.time(0, 35),
    )
    walk.materialise(since=timezone.now() - dt.timedelta(days=4))
    # The page offers a count only for occurrences that have ended; between 00:05
    # and 00:35 today's walk has started but not ended.
    last = walk.occurrences.filter(end__lt=timezone.now()).last()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.goto(live_server.url + walk.get_absolute_url())
    when = f"{last.start.astimezone(COPENHAGEN).day}\\."
    field = page.get_by_label(re.compile(f"Hvor mange deltog {when}"))
    field.fill("9")
    field.locator("xpath=..").get_by_role("button", name="Gem").click()
    expect(page.locator(f"#occurrence-{last.pk}")).to_contain_text("9 deltog")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    last.refresh_from_db()
    assert last.attendance == 9
    assert csp_violations == []


def test_the_association_sees_openings_and_closed_days_in_the_calendar(
    transactional_db, live_server, world, page, csp_violations
):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    OpeningHours.objects.create(
        centre=world.centre_a,
        weekday=today.weekday(),
        starts=dt.time(0, 1),
        ends=dt.time(23, 59),
        kind=OpeningKind.USER_RUN,
        label="Brugerstyret aften",
        valid_from=today - dt.timedelta(days=7),
    )
    Closure.objects.create(
        centre=world.centre_a, starts=tomorrow, ends=tomorrow, reason="Personaledag"
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "asta")
    page.goto(f"{live_server.url}/calendar/?view=agenda")
    if today not in danish_holidays(today, today):
        expect(page.locator(".calendar-opening").first).to_contain_text("Brugerstyret aften")
    # On a public holiday the holiday is today's closure; the staff day is tomorrow's.
    expect(page.locator(".calendar-closure", has_text="Personaledag")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.get_by_label("Type").select_option(label="Lukkedage")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.locator(".calendar-closure").first).to_be_visible()
    expect(page.locator(".calendar-opening")).to_have_count(0)
    assert_accessible(page)
    assert csp_violations == []


def test_a_cancellation_is_on_the_calendar_staff_opened_before_it(
    transactional_db, live_server, world, page, csp_violations
):
    """A cancellation made after staff opened the calendar is on their next view of it."""
    petanque = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="Petanque i gården",
        schedule__weekdays="0123456",
        schedule__valid_from=timezone.localdate(),
        schedule__start_time=dt.time(23, 0),
        schedule__end_time=dt.time(23, 30),
    )
    # The week of the first evening still to come, which the activity's page offers to
    # cancel first: on a Sunday from 23:00 that is next week.
    first = petanque.occurrences.first().start.astimezone(COPENHAGEN).date()
    week = f"{live_server.url}/calendar/?view=week&date={first.isoformat()}"
    sign_in(page, live_server, "bob")
    for _view in range(2):
        page.goto(week)
        expect(page.get_by_role("link", name="Petanque i gården").first).to_be_visible()
        expect(page.locator(".calendar-cancelled")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Petanque i gården").first.click()
    page.get_by_role("link", name=re.compile("^Aflys ")).first.click()
    page.get_by_label("Begrundelse").fill("Regnvejr")
    page.get_by_role("button", name="Aflys den").click()
    expect(page.get_by_text("Gangen er aflyst.")).to_be_visible()

    page.goto(week)
    cancelled = page.locator(".calendar-cancelled").first
    expect(cancelled).to_contain_text("Petanque i gården")
    expect(cancelled).to_contain_text("Regnvejr")
    assert_accessible(page)
    assert csp_violations == []
