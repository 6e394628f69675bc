import datetime as dt

import factory
from django.utils import timezone

from activities.models import (
    Activity,
    AgendaProposal,
    CalendarLink,
    Category,
    Decision,
    Meeting,
    MeetingKind,
    Schedule,
    SignUp,
)
from activities.recurrence import COPENHAGEN
from tests.factories import OrganisationFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """A weekly walking group on Tuesdays 10-12, materialised from today."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Gågruppe {n}")
    category = Category.WALKING
    runs_when_closed = True

    @factory.post_generation
    def centres(self, create, extracted, **kwargs):
        if create and extracted:
            self.centres.set(extracted)

    @factory.post_generation
    def schedule(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        options = {
            "weekdays": "1",
            "start_time": dt.time(10),
            "end_time": dt.time(12),
            "valid_from": timezone.localdate(),
            **kwargs,
        }
        Schedule.objects.create(activity=self, **options)
        self.materialise()


class SignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignUp

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Deltager {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    organisation = factory.SubFactory(OrganisationFactory)
    kind = factory.LazyAttribute(lambda m: MeetingKind.HOUSE if m.centre else MeetingKind.BOARD)
    centre = None
    starts_at = factory.LazyFunction(
        lambda: dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=7), dt.time(13), tzinfo=COPENHAGEN
        )
    )
    place = "Fælleslokalet"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "Undersøge pris på bus til turen"
    owner = "Personalet"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaProposal

    meeting = factory.SubFactory(MeetingFactory)
    title = "Flere gåture om vinteren"


class CalendarLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarLink

    organisation = factory.SubFactory(OrganisationFactory)
    label = "Opslagstavlen"
