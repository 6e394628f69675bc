"""Occurrences materialised from rules, scoped reads and database rules."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from activities.models import Activity, Meeting, MeetingKind, Occurrence, Schedule
from activities.recurrence import COPENHAGEN
from tests.activities.factories import ActivityFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 30, 7, tzinfo=COPENHAGEN)  # Easter week: Thu 2, Fri 3 April


def weekly(world, weekdays="01234", **kwargs):
    activity = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        runs_when_closed=kwargs.pop("runs_when_closed", False),
        schedule=False,
    )
    Schedule.objects.create(
        activity=activity,
        weekdays=weekdays,
        start_time=dt.time(10),
        end_time=dt.time(11),
        valid_from=MONDAY.date(),
        valid_until=kwargs.pop("valid_until", MONDAY.date() + dt.timedelta(days=6)),
        **kwargs,
    )
    return activity


@time_machine.travel(MONDAY, tick=False)
def test_materialise_skips_danish_holidays_unless_the_activity_runs_on_them(world):
    usual = weekly(world)
    usual.materialise()
    assert [o.start.day for o in usual.occurrences.all()] == [30, 31, 1]
    always = weekly(world, runs_when_closed=True)
    always.materialise()
    assert [o.start.day for o in always.occurrences.all()] == [30, 31, 1, 2, 3]


@time_machine.travel(MONDAY, tick=False)
def test_closed_days_can_be_passed_in(world):
    activity = weekly(world)
    activity.materialise(closed={dt.date(2026, 3, 31): "Personaledag", dt.date(2026, 4, 2): ""})
    assert [o.start.day for o in activity.occurrences.all()] == [30, 1, 3]


@time_machine.travel(MONDAY, tick=False)
def test_cancelled_and_moved_occurrences_survive_a_changed_rule(world):
    activity = weekly(world, valid_until=MONDAY.date() + dt.timedelta(days=20))
    activity.materialise()
    first, second = activity.occurrences.all()[:2]
    first.cancelled, first.cancel_reason = True, "Personalet er syge"
    first.save()
    second.start += dt.timedelta(hours=3)
    second.end += dt.timedelta(hours=3)
    second.save()
    activity.schedules.update(start_time=dt.time(9), end_time=dt.time(10))
    activity.materialise()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cancelled and second.moved
    assert second.start.astimezone(COPENHAGEN).hour == 13
    others = activity.occurrences.exclude(pk__in=[first.pk, second.pk])
    assert {o.start.astimezone(COPENHAGEN).hour for o in others} == {9}
    # Materialising again adds nothing twice.
    pks = set(activity.occurrences.values_list("pk", flat=True))
    assert activity.materialise() == 0
    assert set(activity.occurrences.values_list("pk", flat=True)) == pks


@time_machine.travel(MONDAY, tick=False)
def test_a_one_off_trip_has_one_occurrence(world):
    trip = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_b],
        schedule__weekdays="",
        schedule__valid_from=dt.date(2026, 5, 9),
    )
    (occurrence,) = trip.occurrences.all()
    assert occurrence.start == dt.datetime(2026, 5, 9, 10, tzinfo=COPENHAGEN)


def test_reads_are_scoped_to_the_users_centres(world):
    at_a = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    at_b = ActivityFactory(organisation=world.org_a, centres=[world.centre_b])
    both = ActivityFactory(organisation=world.org_a, centres=[world.centre_a, world.centre_b])
    elsewhere = ActivityFactory(organisation=world.org_z, centres=[world.centre_z])
    assert set(Activity.objects.for_user(world.staff_a)) == {at_a, both}
    assert set(Activity.objects.for_user(world.staff_b)) == {at_b, both}
    assert set(Activity.objects.for_user(world.leader)) == {at_a, at_b, both}
    assert set(Activity.objects.for_user(world.association)) == {at_a, at_b, both}
    assert set(Activity.objects.for_user(world.other_leader)) == {elsewhere}
    assert set(Activity.objects.managed_by(world.outreach)) == set()
    today = dt.date.today()
    visible = Occurrence.objects.for_user(world.staff_b).between(
        today, today + dt.timedelta(days=8)
    )
    assert {o.activity for o in visible} == {at_b, both}


def test_database_rules(world):
    activity = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    occurrence = activity.occurrences.first()
    for change in (
        {"cancelled": True, "cancel_reason": ""},
        {"cancelled": True, "cancel_reason": "Syg", "attendance": 4},
        {"end": occurrence.start},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Occurrence.objects.filter(pk=occurrence.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Schedule.objects.create(
            activity=activity,
            weekdays="7",
            start_time=dt.time(10),
            end_time=dt.time(11),
            valid_from=dt.date(2026, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(organisation=world.org_a, kind=MeetingKind.HOUSE, starts_at=MONDAY)


def test_open_decisions_carry_over_until_done(world):
    january = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=dt.datetime(2026, 1, 5, 13, tzinfo=COPENHAGEN),
    )
    february = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=dt.datetime(2026, 2, 2, 13, tzinfo=COPENHAGEN),
    )
    march = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=dt.datetime(2026, 3, 2, 13, tzinfo=COPENHAGEN),
    )
    other_centre = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_b,
        starts_at=dt.datetime(2026, 2, 2, 13, tzinfo=COPENHAGEN),
    )
    open_one = DecisionFactory(meeting=january, text="Ny kaffemaskine")
    DecisionFactory(meeting=other_centre, text="Andet sted")
    done = DecisionFactory(
        meeting=january,
        text="Tur til haven",
        done_at=dt.datetime(2026, 2, 10, tzinfo=COPENHAGEN),
    )
    assert set(february.carried_decisions()) == {open_one, done}
    assert set(march.carried_decisions()) == {open_one}
