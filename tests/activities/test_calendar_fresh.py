"""The calendar is worked out from the database on every view: every change behind its
events is seen on the very next view, and each scope and language sees its own days."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity, Occurrence
from centres.models import Centre
from tests.activities.factories import ActivityFactory, MeetingFactory
from tests.centres.factories import ClosureFactory, OpeningHoursFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def monday():
    """Next week's Monday, by the clock the test runs at."""
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def week(client):
    response = client.get(reverse("activities:calendar"), {"view": "week", "date": monday()})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def petanque(world):
    return ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        title="Petanque",
        schedule__weekdays="0123456",
    )


def set_hours(world):
    # Every weekday: next Monday may be a holiday (Easter Monday, Whit Monday).
    for weekday in range(7):
        OpeningHoursFactory(centre=world.centre_a, weekday=weekday, label="Morgenåbent")


CHANGES = {
    "activity renamed": (
        lambda world: Activity.objects.filter(title="Petanque").update(title="Boccia"),
        "Boccia",
    ),
    "occurrence cancelled": (
        lambda world: Occurrence.objects.filter(start__date__gte=monday()).update(
            cancelled=True, cancel_reason="Regnvejr"
        ),
        "Regnvejr",
    ),
    "meeting": (
        lambda world: MeetingFactory(
            organisation=world.org_a,
            centre=world.centre_a,
            place="Haven bag huset",
            starts_at=dt.datetime.combine(monday(), dt.time(15)).astimezone(dt.UTC),
        ),
        "Haven bag huset",
    ),
    "closure": (
        lambda world: ClosureFactory(
            centre=world.centre_a, starts=monday(), ends=monday(), reason="Maling af stuen"
        ),
        "Maling af stuen",
    ),
    "opening hours": (set_hours, "Morgenåbent"),
    "centre renamed": (
        lambda world: Centre.objects.filter(pk=world.centre_a.pk).update(name="Huset i haven"),
        "Huset i haven",
    ),
}


@pytest.mark.parametrize("change, shown", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_is_seen_on_the_next_view(world, client_for, petanque, change, shown):
    client = client_for(world.staff_a)
    assert shown not in week(client)
    change(world)
    assert shown in week(client)


def test_each_scope_has_its_own_days(world, client_for, petanque):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_b], title="Hal B")
    assert "Hal B" in week(client_for(world.staff_b))
    assert "Hal B" not in week(client_for(world.staff_a))
    # The leader and the association see the same centres; only the leader's link.
    detail = reverse("activities:activity_detail", args=[petanque.pk])
    assert detail in week(client_for(world.leader))
    association = week(client_for(world.association))
    assert "Petanque" in association and detail not in association


def test_each_language_has_its_own_days(world, client_for, petanque):
    client = client_for(world.staff_a)
    assert "Mandag" in week(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The request leaves English active in this thread; the override puts it back.
    with translation.override(settings.LANGUAGE_CODE):
        english = week(client)
    assert "Monday" in english and "Mandag" not in english
