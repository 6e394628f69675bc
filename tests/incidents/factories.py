import datetime

import factory
from django.utils import timezone

from incidents.models import (
    AffectedRole,
    Ban,
    BanScope,
    FollowUpItem,
    FollowUpKind,
    Incident,
    Kind,
    Procedure,
    QuarterReview,
    ReviewDecision,
    RiskAssessment,
)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    kinds = factory.LazyFunction(lambda: [Kind.VERBAL_ABUSE])
    affected_role = AffectedRole.STAFF
    summary = "Råbte ad personalet ved kaffen"
    involved_aliases = factory.LazyFunction(lambda: ["Ravnen"])
    reported_by = factory.LazyAttribute(lambda o: o.centre.organisation.members.first())


class FollowUpItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpItem

    kind = FollowUpKind.DEBRIEF
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class BanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ban

    alias = "Ravnen"
    scope = BanScope.CENTRE
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    reason = "Truede personalet"
    organisation = factory.LazyAttribute(lambda o: o.decided_by.organisation)


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    risks = "Køkkenknive tilgængelige"
    measures = "Knive og sakse låses inde; to personaler til stede om aftenen"
    review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    version = factory.Sequence(lambda n: n + 1)
    text = "Tal roligt, hold afstand, tilkald hjælp. Under brugeråbninger ringer I 112."


class QuarterReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterReview

    year = 2025
    quarter = 1


class ReviewDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewDecision

    text = "Gennemgå proceduren for brugeråbent med nøgleholderne"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


def safety_representative(world, centre):
    """Sara: staff at `centre` and the organisation's safety representative, with an
    authenticator app (she must sign in with a second step)."""
    from tests.factories import TOTPDeviceFactory, UserFactory

    user = UserFactory(
        username="sara",
        first_name="Sara",
        organisation=world.org_a,
        centres=[centre],
        is_safety_representative=True,
    )
    TOTPDeviceFactory(user=user)
    return user
