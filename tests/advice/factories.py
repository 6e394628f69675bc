import datetime

import factory

from advice.models import (
    Channel,
    Contact,
    Duration,
    HelperRole,
    Outcome,
    OutreachAbsence,
    OutreachHours,
    OutreachRole,
    Topic,
)
from tests.factories import CentreFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    name = factory.Sequence(lambda n: f"Topic {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    date = factory.LazyFunction(datetime.date.today)
    channel = Channel.DROP_IN
    helper_role = HelperRole.STAFF
    duration = Duration.UNDER_15
    outcome = Outcome.ANSWERED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class OutreachHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachHours

    centre = factory.SubFactory(CentreFactory)
    role = OutreachRole.JOB_CENTRE
    service = "Jobcenter Faxe"
    display_name = "Mette"
    weekday = 1
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)
    valid_from = datetime.date(2026, 1, 1)


class OutreachAbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachAbsence

    hours = factory.SubFactory(OutreachHoursFactory)
    start_date = datetime.date(2026, 7, 1)
    end_date = datetime.date(2026, 7, 21)
    reason = "holiday"
