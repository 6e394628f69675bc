"""The figures page as the leader and the association meet it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from advice.models import Contact, ContactTopic, Topic
from tests.browser_support import PHONE, assert_accessible, sign_in


def some_contacts(world):
    topic = Topic.objects.ensure_defaults(world.org_a).first()
    today = timezone.localdate()
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                centre=world.centre_a if i % 3 else world.centre_b,
                date=today.replace(day=1) - datetime.timedelta(days=i % 40),
                channel="drop_in",
                helper_role="staff",
                duration="under_15",
                outcome="answered",
                new_to_service=i % 4 == 0,
            )
            for i in range(25)
        ]
    )
    ContactTopic.objects.bulk_create([ContactTopic(contact=c, topic=topic) for c in contacts])


def test_leader_reads_the_figures(transactional_db, live_server, world, page, csp_violations):
    some_contacts(world)
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/advice/figures/")
    expect(page.get_by_role("heading", name="Rådgivningstal")).to_be_visible()
    expect(page.get_by_role("link", name="Hent Excel")).to_be_visible()
    assert_accessible(page)
    assert csp_violations == []


def test_association_reads_suppressed_figures_on_a_phone(
    transactional_db, live_server, world, page
):
    some_contacts(world)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "asta")
    page.goto(live_server.url + "/advice/figures/")
    expect(page.get_by_text("Tal under 5 vises som “skjult”")).to_be_visible()
    expect(page.get_by_label("År")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
