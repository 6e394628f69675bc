"""Everyone's to-do list: each rule's item is there when due, not before, and gone when
done; the list is per role and centre and sorted overdue first."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from activities.models import MeetingKind, ProposalStatus
from centres.models import Role
from centres.todo import TodoItem
from config.todo import sort_key, todo_for
from incidents.models import Kind, WorkInjuryCase, WorkInjuryRule
from tests.activities.factories import MeetingFactory, ProposalFactory
from tests.centres.factories import KeyFobFactory, KeyLoanFactory, OpeningHoursFactory, ShiftFactory
from tests.config.todo_support import CPH, NOW, TODAY, checked, days
from tests.factories import UserFactory
from tests.incidents.factories import (
    BanFactory,
    FollowUpItemFactory,
    IncidentFactory,
    RiskAssessmentFactory,
)


def items(user, today=TODAY):
    with translation.override("da"):
        return {item.key: item for item in todo_for(user, today)}


def keys_with(user, prefix):
    return [key for key in items(user) if key.startswith(prefix)]


# --- Work injuries ------------------------------------------------------------------------


def test_work_injury_due_with_its_legal_source_then_gone_when_reported(world, todo_day):
    incident = IncidentFactory(
        centre=world.centre_a,
        occurred_at=NOW - datetime.timedelta(days=3),
        absence_first_day=days(-2),
        injury=True,
    )
    item = items(world.leader)[f"incidents:work-injury:{incident.pk}"]
    rule = WorkInjuryRule.objects.rule_for(WorkInjuryCase.ABSENCE, days(-3))
    assert rule.legal_source in item.title
    assert "Ravnen" not in item.title and "kaffen" not in item.title
    assert item.due_on == days(-2) + datetime.timedelta(days=rule.period.days)
    assert not item.overdue(TODAY)
    assert item.url == f"/incidents/{incident.pk}/reporting/"
    assert not keys_with(world.staff_a, "incidents:work-injury")

    incident.work_injury_reported_on = TODAY
    incident.save()
    assert not keys_with(world.leader, "incidents:work-injury")


def test_work_injury_without_absence_is_not_listed_and_late_one_is_overdue(world, todo_day):
    IncidentFactory(centre=world.centre_a)
    assert not keys_with(world.leader, "incidents:work-injury")
    late = IncidentFactory(
        centre=world.centre_a,
        occurred_at=NOW - datetime.timedelta(days=30),
        absence_first_day=days(-29),
        injury=True,
    )
    assert items(world.leader)[f"incidents:work-injury:{late.pk}"].overdue(TODAY)


@pytest.mark.parametrize(
    "occurred, expected_day, expected_time",
    [
        # Summer time ends on 25 October 2026: 48 hours from noon are 11.00 two days on.
        (datetime.datetime(2026, 10, 24, 12, 0, tzinfo=CPH), datetime.date(2026, 10, 26), "11:00"),
        # Summer time begins on 29 March 2026: 48 hours from noon are 13.00 two days on.
        (datetime.datetime(2026, 3, 28, 12, 0, tzinfo=CPH), datetime.date(2026, 3, 30), "13:00"),
    ],
)
def test_a_death_is_due_at_a_moment_across_a_clock_change(
    world, occurred, expected_day, expected_time
):
    with time_machine.travel(occurred + datetime.timedelta(hours=20), tick=False):
        incident = IncidentFactory(
            centre=world.centre_a,
            occurred_at=occurred,
            work_injury_case=WorkInjuryCase.DEATH,
            injury=True,
        )
        today = timezone.localdate()
        item = items(world.leader, today)[f"incidents:work-injury:{incident.pk}"]
    assert item.due_on == expected_day
    assert expected_time in item.title


# --- Follow-ups ---------------------------------------------------------------------------


def test_follow_up_due_within_a_week_then_gone_when_done(world, todo_day):
    incident = IncidentFactory(centre=world.centre_a)
    soon = FollowUpItemFactory(incident=incident, owner=world.staff_a, due_on=days(7))
    later = FollowUpItemFactory(incident=incident, owner=world.staff_a, due_on=days(8))
    late = FollowUpItemFactory(incident=incident, owner=world.leader, due_on=days(-1))
    leader = items(world.leader)
    assert f"incidents:follow-up:{soon.pk}" in leader
    assert f"incidents:follow-up:{later.pk}" not in leader
    assert leader[f"incidents:follow-up:{late.pk}"].overdue(TODAY)
    # Staff see their own only.
    assert keys_with(world.staff_a, "incidents:follow-up") == [f"incidents:follow-up:{soon.pk}"]
    assert not keys_with(world.staff_b, "incidents:follow-up")

    soon.done_on = TODAY
    soon.save()
    assert f"incidents:follow-up:{soon.pk}" not in items(world.leader)
    assert not keys_with(world.staff_a, "incidents:follow-up")


def test_safety_representative_sees_follow_ups_of_violence_at_their_centres(world, todo_day):
    rep = world.staff_b
    rep.is_safety_representative = True
    rep.save()
    threat = IncidentFactory(centre=world.centre_b, kinds=[Kind.THREAT])
    words = IncidentFactory(centre=world.centre_b, kinds=[Kind.VERBAL_ABUSE])
    elsewhere = IncidentFactory(centre=world.centre_a, kinds=[Kind.PHYSICAL_VIOLENCE])
    due = FollowUpItemFactory(incident=threat, owner=world.leader, due_on=days(2))
    FollowUpItemFactory(incident=words, owner=world.leader, due_on=days(2))
    FollowUpItemFactory(incident=elsewhere, owner=world.leader, due_on=days(2))
    assert keys_with(rep, "incidents:follow-up") == [f"incidents:follow-up:{due.pk}"]
    # And the risk assessments of their centre.
    assert keys_with(rep, "incidents:risk") == [f"incidents:risk:{world.centre_b.pk}:"]
    rep.is_safety_representative = False
    rep.save()
    assert not keys_with(rep, "incidents:")


# --- Risk assessments ---------------------------------------------------------------------


def test_risk_assessment_due_for_review_then_gone_when_renewed(world, todo_day):
    # None yet at centre B: write one.
    assert f"incidents:risk:{world.centre_b.pk}:" in items(world.leader)
    RiskAssessmentFactory(
        centre=world.centre_a, assessed_on=days(-300), review_on=days(15), written_by=world.leader
    )
    assert not keys_with(world.leader, f"incidents:risk:{world.centre_a.pk}")
    old = RiskAssessmentFactory(
        centre=world.centre_a, assessed_on=days(-200), review_on=days(10), written_by=world.leader
    )
    # The newest assessment counts; this one's review is the one due.
    old.assessed_on = days(-1)
    old.save()
    item = items(world.leader)[f"incidents:risk:{world.centre_a.pk}:{days(10)}"]
    assert item.due_on == days(10)
    assert item.url == f"/incidents/risk-assessments/new/{world.centre_a.pk}/"
    RiskAssessmentFactory(
        centre=world.centre_a, assessed_on=TODAY, review_on=days(365), written_by=world.leader
    )
    assert not keys_with(world.leader, f"incidents:risk:{world.centre_a.pk}")


# --- Bans ---------------------------------------------------------------------------------


def test_ban_ending_within_a_week_without_its_alias_then_gone_when_extended(world, todo_day):
    ban = BanFactory(
        alias="Skovtrolden",
        centre=world.centre_a,
        decided_by=world.leader,
        starts_on=days(-20),
        ends_on=days(5),
    )
    BanFactory(
        alias="Havfruen",
        centre=world.centre_b,
        decided_by=world.leader,
        starts_on=days(-20),
        ends_on=days(8),
    )
    bans = keys_with(world.leader, "incidents:ban-ends")
    assert bans == [f"incidents:ban-ends:{ban.pk}:{days(5)}"]
    title = items(world.leader)[bans[0]].title
    assert "Skovtrolden" not in title and "Værestedet 76F" in title
    assert not keys_with(world.staff_a, "incidents:ban-ends")
    ban.ends_on = days(40)
    ban.save()
    assert not keys_with(world.leader, "incidents:ban-ends")


# --- Key fobs -----------------------------------------------------------------------------


def test_fob_loan_due_for_review_then_gone_when_returned(world, todo_day, settings):
    fob = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a])
    loan = KeyLoanFactory(
        fob=fob, holder__organisation=world.org_a, issued=days(-181), issued_by=world.staff_a
    )
    fresh = KeyLoanFactory(
        fob=KeyFobFactory(organisation=world.org_a, centres=[world.centre_a]),
        holder__organisation=world.org_a,
        issued=days(-100),
        issued_by=world.staff_a,
    )
    key = f"centres:key-loan:{loan.pk}"
    assert key in items(world.leader)
    assert keys_with(world.staff_a, "centres:key-loan") == [key]
    assert not keys_with(world.staff_b, "centres:key-loan")
    assert f"centres:key-loan:{fresh.pk}" not in items(world.leader)
    assert items(world.leader)[key].due_on == days(-181 + settings.KEY_LOAN_REVIEW_DAYS + 1)
    loan.returned = TODAY
    loan.save()
    assert not keys_with(world.leader, "centres:key-loan")


# --- Tilbudsportalen ----------------------------------------------------------------------


def test_tilbudsportalen_check_due_then_gone_when_checked(world, todo_day):
    world.centre_a.tilbudsportalen_checked = days(-400)
    world.centre_a.save()
    key = f"centres:tilbudsportalen:{world.centre_a.pk}:{days(-400)}"
    assert items(world.leader)[key].overdue(TODAY)
    assert not keys_with(world.staff_a, "centres:tilbudsportalen")
    world.centre_a.tilbudsportalen_checked = TODAY
    world.centre_a.save()
    assert not keys_with(world.leader, f"centres:tilbudsportalen:{world.centre_a.pk}")


# --- Staffing -----------------------------------------------------------------------------


def test_opening_at_risk_then_gone_when_two_staff_are_planned(world, todo_day):
    # Friday 11 December, 8-14, at centre A.
    OpeningHoursFactory(
        centre=world.centre_a, weekday=4, starts=datetime.time(8), ends=datetime.time(14)
    )
    key = f"centres:at-risk:{world.centre_a.pk}:2026-12-11T08:00"
    assert items(world.leader)[key].url == "/staffing/at-risk/"
    assert items(world.leader)[key].due_on == days(2)
    assert key in items(world.staff_a)
    assert key not in items(world.staff_b)
    start = datetime.datetime(2026, 12, 11, 8, 0, tzinfo=CPH)
    for worker in (world.staff_a, UserFactory(organisation=world.org_a)):
        ShiftFactory(
            centre=world.centre_a,
            worker=worker,
            starts=start,
            ends=start + datetime.timedelta(hours=6),
        )
    # The Friday a week on is still at risk; this one is not.
    assert key not in items(world.leader)
    assert key not in items(world.staff_a)


# --- House meetings and proposals ---------------------------------------------------------


def test_minutes_due_a_week_after_the_meeting_then_gone_when_published(world, todo_day):
    at = datetime.datetime(2026, 12, 2, 13, 0, tzinfo=CPH)  # a week ago
    due = MeetingFactory(organisation=world.org_a, centre=world.centre_a, starts_at=at)
    MeetingFactory(
        organisation=world.org_a, centre=world.centre_b, starts_at=at + datetime.timedelta(days=1)
    )
    MeetingFactory(
        organisation=world.org_a, kind=MeetingKind.BOARD, starts_at=at - datetime.timedelta(days=10)
    )
    assert keys_with(world.leader, "activities:minutes") == [f"activities:minutes:{due.pk}"]
    assert items(world.leader)[f"activities:minutes:{due.pk}"].due_on == TODAY
    assert not keys_with(world.staff_a, "activities:minutes")
    due.minutes = "Referat"
    due.published_at = NOW
    due.save()
    assert not keys_with(world.leader, "activities:minutes")


def test_proposal_waits_for_an_answer_then_gone_when_answered(world, todo_day):
    meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    proposal = ProposalFactory(
        meeting=meeting, proposed_by=world.association, title="Tur til Knuthenborg med Ravnen"
    )
    key = f"activities:proposal:{proposal.pk}"
    item = items(world.leader)[key]
    assert "Ravnen" not in item.title and "Knuthenborg" not in item.title
    assert not keys_with(world.association, "activities:")
    proposal.status = ProposalStatus.ANSWERED
    proposal.save()
    assert key not in items(world.leader)


# --- The list as a whole ------------------------------------------------------------------


def test_outreach_association_and_other_organisations_have_nothing_of_org_a(world, todo_day):
    IncidentFactory(centre=world.centre_a, absence_first_day=days(-2), injury=True)
    world.centre_a.tilbudsportalen_checked = days(-400)
    world.centre_a.save()
    assert items(world.outreach) == {}
    assert items(world.association) == {}
    assert all(
        f":{world.centre_a.pk}" not in key and "work-injury" not in key
        for key in items(world.other_leader)
    )


def test_overdue_first_then_by_day_then_undated(world, todo_day):
    checked(world)
    incident = IncidentFactory(centre=world.centre_a)
    FollowUpItemFactory(incident=incident, owner=world.leader, due_on=days(3))
    FollowUpItemFactory(incident=incident, owner=world.leader, due_on=days(-2))
    world.centre_b.tilbudsportalen_checked = None
    world.centre_b.save()
    listed = list(items(world.leader).values())
    assert [item.due_on for item in listed] == [days(-2), days(3), None]
    assert listed[0].overdue(TODAY) and not listed[1].overdue(TODAY)
    assert UserFactory(organisation=world.org_a, role=Role.STAFF).pk  # a bare person: nothing


@given(
    offsets=st.lists(st.one_of(st.none(), st.integers(-400, 400)), max_size=12),
    today=st.dates(datetime.date(2025, 1, 1), datetime.date(2030, 12, 31)),
)
def test_sorting_puts_overdue_first_then_by_day_then_undated(offsets, today):
    made = [
        TodoItem(
            key=f"k{i}",
            title="x",
            url="/",
            due_on=None if n is None else today + datetime.timedelta(days=n),
        )
        for i, n in enumerate(offsets)
    ]
    ordered = sorted(made, key=lambda item: sort_key(item, today))
    ranks = [(0 if i.overdue(today) else 1 if i.due_on else 2) for i in ordered]
    assert ranks == sorted(ranks)
    dated = [i.due_on for i in ordered if i.due_on is not None]
    assert dated == sorted(dated)


def test_minutes_fall_due_on_the_local_day_a_week_on_across_the_clock_change(world):
    # Sunday 18 October 2026 late in the evening; summer time ends in the night to the 25th.
    meeting = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=datetime.datetime(2026, 10, 18, 23, 30, tzinfo=CPH),
    )
    key = f"activities:minutes:{meeting.pk}"
    with time_machine.travel(datetime.datetime(2026, 10, 24, 23, 59, tzinfo=CPH), tick=False):
        assert key not in items(world.leader, timezone.localdate())
    with time_machine.travel(datetime.datetime(2026, 10, 25, 0, 30, tzinfo=CPH), tick=False):
        item = items(world.leader, timezone.localdate())[key]
    assert item.due_on == datetime.date(2026, 10, 25)
