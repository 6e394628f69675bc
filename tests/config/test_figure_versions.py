"""The figure version of an organisation moves with every change behind its figures, in
the same transaction, and only its own."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from activities.models import Occurrence
from advice.models import MeetingService, MeetingTally
from centres import clock, services
from centres.models import Census, FigureVersion, OpenDay, OpeningKindChange, VisitCount
from tests.activities.factories import ActivityFactory, MeetingFactory
from tests.advice.factories import (
    ContactFactory,
    OutreachAbsenceFactory,
    OutreachHoursFactory,
    TopicFactory,
)
from tests.centres.factories import (
    ClosureFactory,
    KeyFobFactory,
    KeyHolderFactory,
    KeyLoanFactory,
    OpeningHoursFactory,
    RotaShiftFactory,
    ShiftFactory,
    StaffAbsenceFactory,
    UserRunOpeningFactory,
)
from tests.factories import CentreFactory, UserFactory
from tests.incidents.factories import (
    BanFactory,
    FollowUpItemFactory,
    IncidentFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.timedelta(days=-1)


@pytest.fixture
def centre():
    centre = CentreFactory()
    UserFactory(organisation=centre.organisation, centres=[centre])
    return centre


@pytest.fixture
def other():
    return CentreFactory()


def fob(centre):
    return KeyFobFactory(organisation=centre.organisation, centres=[centre])


def activity(centre):
    return ActivityFactory(organisation=centre.organisation, centres=[centre])


# Each change, as a function of the centre; what it writes belongs to the centre's
# organisation.
CHANGES = {
    "census": lambda c: Census.objects.create(
        centre=c, date=timezone.localdate(), weekly=3, monthly=2, occasional=1
    ),
    "opening hours": lambda c: OpeningHoursFactory(centre=c),
    "closure": lambda c: ClosureFactory(centre=c),
    "open day": lambda c: OpenDay.objects.create(centre=c, date=timezone.localdate()),
    "user-run opening": lambda c: UserRunOpeningFactory(
        centre=c, key_holder=KeyHolderFactory(organisation=c.organisation)
    ),
    "shift": lambda c: ShiftFactory(centre=c, worker=c.organisation.members.first()),
    "key holder": lambda c: KeyHolderFactory(organisation=c.organisation),
    "key fob": fob,
    "centre renamed": lambda c: type(c).objects.filter(pk=c.pk).update(name="Nyt navn"),
    "yesterday's figures": lambda c: services.set_day_figures(
        centre=c,
        date=timezone.localdate() + YESTERDAY,
        kind="staffed",
        visits=12,
        new_visits=1,
    ),
    "activity": activity,
    "yesterday's advice contact": lambda c: ContactFactory(
        centre=c, date=timezone.localdate() + YESTERDAY
    ),
    "advice topic": lambda c: TopicFactory(organisation=c.organisation),
    "outreach meetings": lambda c: MeetingTally.objects.create(
        centre=c,
        service=MeetingService.values[0],
        month=timezone.localdate().replace(day=1),
        held=3,
        no_show=1,
    ),
    "outreach hours": lambda c: OutreachHoursFactory(centre=c),
    "meeting": lambda c: MeetingFactory(organisation=c.organisation, centre=c),
    "incident": lambda c: IncidentFactory(centre=c),
    "ban": lambda c: BanFactory(centre=c, decided_by=c.organisation.members.first()),
    "risk assessment": lambda c: RiskAssessmentFactory(
        centre=c, written_by=c.organisation.members.first()
    ),
    "rota shift": lambda c: RotaShiftFactory(centre=c, worker=c.organisation.members.first()),
    "staff absence": lambda c: StaffAbsenceFactory(worker=c.organisation.members.first()),
    "a day's opening made user-run": lambda c: OpeningKindChange.objects.create(
        centre=c,
        date=timezone.localdate(),
        starts=datetime.time(10),
        ends=datetime.time(16),
        kind="user_run",
    ),
    "a person's qualification": lambda c: (
        type(c.organisation.members.first())
        .objects.filter(organisation=c.organisation)
        .update(qualification="student")
    ),
    "who counts for two staff": lambda c: (
        type(c.organisation)
        .objects.filter(pk=c.organisation_id)
        .update(qualifications_for_two_staff=["trained", "student"])
    ),
}


# Changes to rows that lead to their organisation through another row, made first.
LINKED = {
    "key loan": (
        lambda c: (fob(c), KeyHolderFactory(organisation=c.organisation)),
        lambda c, made: KeyLoanFactory(fob=made[0], holder=made[1]),
    ),
    "key fob's centres": (fob, lambda c, made: made.centres.set([])),
    "topic of yesterday's contact": (
        lambda c: (
            ContactFactory(centre=c, date=timezone.localdate() + YESTERDAY),
            TopicFactory(organisation=c.organisation),
        ),
        lambda c, made: made[0].topics.add(made[1]),
    ),
    "follow-up item": (
        lambda c: IncidentFactory(centre=c),
        lambda c, made: FollowUpItemFactory(incident=made, owner=c.organisation.members.first()),
    ),
    "activity's centres": (activity, lambda c, made: made.centres.set([])),
    "outreach absence": (
        lambda c: OutreachHoursFactory(centre=c),
        lambda c, made: OutreachAbsenceFactory(hours=made),
    ),
}


@pytest.mark.parametrize("setup, change", LINKED.values(), ids=LINKED.keys())
def test_a_change_to_a_linked_row_moves_the_version(centre, other, setup, change):
    made = setup(centre)
    before = FigureVersion.current(centre.organisation_id)
    other_before = FigureVersion.current(other.organisation_id)
    change(centre, made)
    assert FigureVersion.current(centre.organisation_id) > before
    assert FigureVersion.current(other.organisation_id) == other_before


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_moves_its_organisations_version_only(centre, other, change):
    before = FigureVersion.current(centre.organisation_id)
    other_before = FigureVersion.current(other.organisation_id)
    change(centre)
    assert FigureVersion.current(centre.organisation_id) > before
    assert FigureVersion.current(other.organisation_id) == other_before


def test_deleting_moves_the_version_too(centre):
    incident = IncidentFactory(centre=centre)
    before = FigureVersion.current(centre.organisation_id)
    incident.delete()
    assert FigureVersion.current(centre.organisation_id) > before


def test_a_centre_moved_to_another_organisation_moves_both(centre, other):
    versions = [FigureVersion.current(c.organisation_id) for c in (centre, other)]
    type(centre).objects.filter(pk=centre.pk).update(organisation=other.organisation)
    after = [FigureVersion.current(c.organisation_id) for c in (centre, other)]
    assert after[0] > versions[0] and after[1] > versions[1]


def test_a_sign_in_or_a_renamed_organisation_leaves_the_version_alone(centre):
    person = centre.organisation.members.first()
    before = FigureVersion.current(centre.organisation_id)
    person.last_login = timezone.now()
    person.save()
    centre.organisation.name = "Nyt navn"
    centre.organisation.save()
    person.qualification = person.qualification  # saved unchanged
    person.save()
    assert FigureVersion.current(centre.organisation_id) == before


def test_a_person_moved_to_another_organisation_moves_both(centre, other):
    person = centre.organisation.members.first()
    versions = [FigureVersion.current(c.organisation_id) for c in (centre, other)]
    person.organisation = other.organisation
    person.save()
    after = [FigureVersion.current(c.organisation_id) for c in (centre, other)]
    assert after[0] > versions[0] and after[1] > versions[1]


def test_the_taps_of_the_day_leave_the_version_alone(centre):
    # Only past periods are cached; a day's taps would otherwise move the version all day.
    # "Today" is the app's: a request shares its moment with the transaction.
    clock.share()
    services.set_day_figures(
        centre=centre,
        date=timezone.localdate() + YESTERDAY,
        kind="staffed",
        visits=1,
        new_visits=0,
    )
    before = FigureVersion.current(centre.organisation_id)
    for _ in range(3):
        services.record_tap(centre=centre)
    assert VisitCount.objects.filter(centre=centre).totals()["visits"] == 4
    assert FigureVersion.current(centre.organisation_id) == before


def test_without_the_apps_moment_every_tap_moves_the_version(centre):
    # A write whose transaction was given no moment cannot be dated: the safe side.
    for write in (
        lambda: services.record_tap(centre=centre),
        lambda: ContactFactory(centre=centre),
    ):
        before = FigureVersion.current(centre.organisation_id)
        write()
        assert FigureVersion.current(centre.organisation_id) > before


def test_past_figures_corrected_or_deleted_move_the_version(centre, other):
    # The tally's triggers have a function of their own (centres 0011): every event.
    day = timezone.localdate() + YESTERDAY
    figures = {"centre": centre, "date": day, "kind": "staffed", "new_visits": 0}
    services.set_day_figures(visits=3, **figures)
    other_before = FigureVersion.current(other.organisation_id)
    for change in (
        lambda: services.set_day_figures(visits=5, **figures),
        lambda: VisitCount.objects.filter(centre=centre, date=day).delete(),
    ):
        before = FigureVersion.current(centre.organisation_id)
        change()
        assert FigureVersion.current(centre.organisation_id) > before
    assert FigureVersion.current(other.organisation_id) == other_before


def test_the_advice_contacts_of_the_day_leave_the_version_alone(centre):
    # No kept figure holds a contact of today (config/dashboard/report.py).
    clock.share()
    topic = TopicFactory(organisation=centre.organisation)
    before = FigureVersion.current(centre.organisation_id)
    contact = ContactFactory(centre=centre)
    contact.topics.add(topic)
    contact.topics.remove(topic)
    contact.delete()
    assert FigureVersion.current(centre.organisation_id) == before


def test_an_advice_contact_moved_from_an_earlier_day_moves_the_version(centre):
    contact = ContactFactory(centre=centre, date=timezone.localdate() + YESTERDAY)
    before = FigureVersion.current(centre.organisation_id)
    type(contact).objects.filter(pk=contact.pk).update(date=timezone.localdate())
    assert FigureVersion.current(centre.organisation_id) > before


def test_a_rolled_back_version_is_never_given_again(centre):
    with transaction.atomic():
        IncidentFactory(centre=centre)
        rolled_back = FigureVersion.current(centre.organisation_id)
        transaction.set_rollback(True)
    IncidentFactory(centre=centre)
    assert FigureVersion.current(centre.organisation_id) > rolled_back


def test_a_bulk_insert_moves_each_organisation_once(centre, other):
    day = timezone.localdate() + YESTERDAY
    before = {c.organisation_id: FigureVersion.current(c.organisation_id) for c in (centre, other)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM centres_figureversion_seq")
        (sequence_before,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits) "
            "SELECT c, %s::date - d, 10, 'staffed', 1, 0 "
            "FROM unnest(%s::bigint[]) AS c, generate_series(0, 99) AS d",
            [day, [centre.pk, other.pk]],
        )
        cursor.execute("SELECT last_value FROM centres_figureversion_seq")
        (sequence_after,) = cursor.fetchone()
    assert sequence_after - sequence_before == 2
    for organisation_id, version in before.items():
        assert FigureVersion.current(organisation_id) > version


def test_attendance_and_cancellations_move_the_version(centre):
    occurrences = Occurrence.objects.filter(activity=activity(centre))
    cancelled = {"attendance": None, "cancelled": True, "cancel_reason": "Sygdom"}
    for change in ({"attendance": 7}, cancelled):
        before = FigureVersion.current(centre.organisation_id)
        occurrences.update(**change)
        assert FigureVersion.current(centre.organisation_id) > before
