import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from advice.models import (
    Contact,
    ContactTopic,
    DefaultTopic,
    MeetingResult,
    MeetingTally,
    OutreachAbsence,
    Topic,
)
from advice.services import contact_record, meeting_count
from tests.advice.factories import (
    ContactFactory,
    OutreachAbsenceFactory,
    OutreachHoursFactory,
    TopicFactory,
)


def test_default_topics_are_seeded_once_per_organisation(world):
    Topic.objects.ensure_defaults(world.org_a)
    Topic.objects.ensure_defaults(world.org_a)
    topics = Topic.objects.for_organisation(world.org_a)
    assert topics.count() == len(DefaultTopic.choices) == 14
    assert not Topic.objects.for_organisation(world.org_z).exists()


def test_a_retired_default_stays_retired_when_seeding_again(world):
    Topic.objects.ensure_defaults(world.org_a)
    Topic.objects.filter(code=DefaultTopic.OTHER).update(retired=True)
    Topic.objects.ensure_defaults(world.org_a)
    assert Topic.objects.get(organisation=world.org_a, code=DefaultTopic.OTHER).retired


def test_default_topics_show_in_the_current_language(world):
    Topic.objects.ensure_defaults(world.org_a)
    topic = Topic.objects.get(organisation=world.org_a, code=DefaultTopic.DEBT)
    assert topic.name == "Debt and creditors"
    with translation.override("da"):
        assert topic.label == "Gæld og kreditorer"


def test_a_used_topic_cannot_be_deleted(world):
    topic = TopicFactory(organisation=world.org_a)
    ContactFactory(centre=world.centre_a, topics=[topic])
    with pytest.raises(ProtectedError):
        topic.delete()


def test_contact_choices_are_enforced_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(centre=world.centre_a, channel="gossip")


def test_contact_with_topics_is_saved_whole_or_not_at_all(world):
    topic = TopicFactory(organisation=world.org_a)
    with pytest.raises(IntegrityError):
        contact_record(
            centre=world.centre_a,
            date=datetime.date(2026, 3, 1),
            topics=[topic, topic],  # the same topic twice breaks the unique constraint
            channel="drop_in",
            helper_role="staff",
            duration="under_15",
            outcome="answered",
            new_to_service=False,
        )
    assert not Contact.objects.exists()
    assert not ContactTopic.objects.exists()


def test_meeting_count_creates_and_increments_the_month_row(world):
    for result in ["held", "held", "no_show", "cancelled"]:
        meeting_count(
            centre=world.centre_a,
            service="job_centre",
            day=datetime.date(2026, 3, 17),
            result=result,
        )
    tally = MeetingTally.objects.get()
    assert (tally.month, tally.held, tally.no_show, tally.cancelled) == (
        datetime.date(2026, 3, 1),
        2,
        1,
        1,
    )


def test_meeting_tally_month_is_the_first(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingTally.objects.create(
            centre=world.centre_a, service="job_centre", month=datetime.date(2026, 3, 2)
        )


def test_meeting_result_values_name_tally_fields():
    fields = {f.name for f in MeetingTally._meta.get_fields()}
    assert {r.value for r in MeetingResult} <= fields


def test_outreach_hours_must_end_after_they_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachHoursFactory(
            centre=world.centre_a, start_time=datetime.time(12), end_time=datetime.time(9)
        )


def test_absences_of_the_same_hours_cannot_overlap(world):
    hours = OutreachHoursFactory(centre=world.centre_a)
    other = OutreachHoursFactory(centre=world.centre_a, display_name="Kim")
    OutreachAbsenceFactory(
        hours=hours, start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2026, 7, 10)
    )
    # Other hours may be absent on the same days; adjacent days are fine too.
    OutreachAbsenceFactory(
        hours=other, start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2026, 7, 10)
    )
    OutreachAbsenceFactory(
        hours=hours, start_date=datetime.date(2026, 7, 11), end_date=datetime.date(2026, 7, 12)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachAbsenceFactory(
            hours=hours,
            start_date=datetime.date(2026, 7, 10),
            end_date=datetime.date(2026, 7, 10),
        )
    assert OutreachAbsence.objects.count() == 3
