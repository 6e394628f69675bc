"""The "Right now" figures, read in one hand-written statement, agree with the querysets
that define each rule (open items, pending work injuries, bans in force, the newest risk
assessment, open loans, unbriefed holders), whatever mix of rows the data holds."""

import datetime
import itertools

import pytest
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.models import Centre, KeyHolder, KeyLoan
from config.dashboard.figures import right_now
from incidents.models import Ban, BanScope, FollowUpItem, Incident, RiskAssessment
from tests.centres.factories import KeyFobFactory, KeyHolderFactory, KeyLoanFactory
from tests.incidents.factories import (
    BanFactory,
    FollowUpItemFactory,
    IncidentFactory,
    RiskAssessmentFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

DAYS = st.integers(min_value=-40, max_value=40)
# Examples share the test's transaction: every ban gets an alias of its own.
ALIASES = itertools.count()


def by_querysets(centre_ids, organisation_id, today):
    """Each figure as the models' own querysets count it."""
    items = FollowUpItem.objects.filter(incident__centre_id__in=centre_ids).open()
    latest = RiskAssessment.objects.filter(centre=OuterRef("pk")).order_by("-assessed_on", "-pk")
    loans = KeyLoan.objects.open().filter(
        fob__organisation_id=organisation_id, fob__centres__in=centre_ids
    )
    return {
        "open_follow_ups": items.count(),
        "overdue_follow_ups": items.overdue(today).count(),
        "work_injuries_due": Incident.objects.filter(centre_id__in=centre_ids)
        .work_injury_pending()
        .count(),
        "active_bans": Ban.objects.filter(organisation_id=organisation_id)
        .filter(Q(scope=BanScope.ORGANISATION) | Q(centre_id__in=centre_ids))
        .active(today)
        .count(),
        "risk_assessments_overdue": Centre.objects.filter(pk__in=centre_ids)
        .annotate(review_on=Subquery(latest.values("review_on")[:1]))
        .filter(Q(review_on__isnull=True) | Q(review_on__lt=today))
        .count(),
        "fobs_out": loans.values("fob_id").distinct().count(),
        "holders_without_briefing": KeyHolder.objects.without_safety_briefing()
        .filter(organisation_id=organisation_id, loans__in=loans)
        .distinct()
        .count(),
    }


rows = st.fixed_dictionaries(
    {
        "items": st.lists(st.tuples(st.booleans(), DAYS, st.booleans()), max_size=5),
        "injuries": st.lists(
            st.tuples(st.sampled_from(["absence", "death", "none"]), st.booleans()), max_size=4
        ),
        "bans": st.lists(
            st.tuples(st.sampled_from(["a", "b", "org", "other"]), DAYS, DAYS), max_size=4
        ),
        "assessments": st.lists(st.tuples(st.booleans(), DAYS, st.integers(1, 60)), max_size=4),
        "loans": st.lists(
            st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=4
        ),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_right_now_agrees_with_the_querysets(world, data):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    centres = {"a": world.centre_a, "b": world.centre_b}
    report = IncidentFactory(centre=world.centre_a)
    for at_a, due, done in data["items"]:
        incident = report if at_a else IncidentFactory(centre=world.centre_b)
        FollowUpItemFactory(
            incident=incident,
            owner=world.leader,
            due_on=today + due * day,
            done_on=today if done else None,
        )
    for case, reported in data["injuries"]:
        injury = {
            "absence": {"injury": True, "absence_first_day": today},
            "death": {"injury": True, "work_injury_case": "death"},
            "none": {},
        }[case]
        incident = IncidentFactory(centre=world.centre_a, **injury)
        if reported and case != "none":
            Incident.objects.filter(pk=incident.pk).update(work_injury_reported_on=today)
    for where, starts, length in data["bans"]:
        first = today + starts * day
        scope = {
            "org": {"scope": BanScope.ORGANISATION, "centre": None},
            "other": {"centre": world.centre_z, "decided_by": world.other_leader},
        }.get(where, {"centre": centres.get(where)})
        BanFactory(
            **{"decided_by": world.leader, **scope},
            alias=f"Ravn{next(ALIASES)}",
            starts_on=first,
            ends_on=first + abs(length) * day,
        )
    for at_a, assessed, review in data["assessments"]:
        RiskAssessmentFactory(
            written_by=world.leader,
            centre=world.centre_a if at_a else world.centre_b,
            assessed_on=today + assessed * day,
            review_on=today + (assessed + review) * day,
        )
    for returned, briefed, active, own_fob in data["loans"]:
        holder = KeyHolderFactory(
            organisation=world.org_a, safety_briefing=None if not briefed else today, active=active
        )
        fob = KeyFobFactory(
            organisation=world.org_a, centres=[world.centre_a if own_fob else world.centre_b]
        )
        KeyLoanFactory(fob=fob, holder=holder, returned=today if returned else None)
    for ids in ([world.centre_a.pk], [world.centre_a.pk, world.centre_b.pk], []):
        assert right_now(ids, world.org_a.pk, today) == by_querysets(ids, world.org_a.pk, today)
