"""Alice reviews Bob's report, adds follow-up, records the work injury and closes it."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from incidents.models import (
    FollowUpItem,
    Incident,
    Status,
    WorkInjuryCase,
    WorkInjuryRule,
)
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory

pytestmark = pytest.mark.any_day


@given(st.dates(min_value=datetime.date(2022, 7, 1), max_value=datetime.date(2099, 12, 1)))
def test_the_work_injury_deadline_is_14_days_after_the_first_day_of_absence(first_day):
    rule = WorkInjuryRule(case=WorkInjuryCase.ABSENCE, period=datetime.timedelta(days=14))
    injured_at = datetime.datetime.combine(first_day, datetime.time(12), tzinfo=datetime.UTC)
    deadline = rule.deadline(injured_at - datetime.timedelta(days=1), first_day)
    assert (deadline - first_day).days == 14
    assert deadline > first_day


@time_machine.travel(datetime.datetime(2026, 3, 30, 10, tzinfo=datetime.UTC), tick=False)
def test_days_left_counts_calendar_days_across_the_dst_change(world):
    # Summer time began on 29 March 2026; the countdown counts dates, not hours.
    incident = IncidentFactory(
        centre=world.centre_a,
        reported_by=world.staff_a,
        occurred_at=timezone.now() - datetime.timedelta(days=6),
        injury=True,
        absence_first_day=datetime.date(2026, 3, 25),
    )
    assert incident.work_injury_deadline == datetime.date(2026, 4, 8)
    assert incident.work_injury_days_left == 9
    incident.work_injury_reported_on = datetime.date(2026, 3, 30)
    assert incident.work_injury_days_left is None


def injured(world, first_day):
    return IncidentFactory(
        centre=world.centre_a,
        reported_by=world.staff_a,
        occurred_at=timezone.now() - datetime.timedelta(days=20),
        injury=True,
        absence_first_day=first_day,
    )


def test_the_leaders_overview_counts_down_to_the_deadline(world, client_for):
    today = timezone.localdate()
    injured(world, today - datetime.timedelta(days=4))
    injured(world, today - datetime.timedelta(days=16))
    html = client_for(world.leader).get(reverse("incidents:overview")).content.decode()
    assert "10 dage tilbage" in html
    assert "2 dage over fristen" in html


def test_the_home_page_loads_the_overview_panel_for_leader_and_staff(world, client_for):
    for user in (world.leader, world.staff_a):
        html = client_for(user).get(reverse("home")).content.decode()
        assert f'hx-get="{reverse("incidents:overview")}"' in html
    html = client_for(world.association).get(reverse("home")).content.decode()
    assert reverse("incidents:overview") not in html


def test_htmx_gets_only_the_panel(world, client_for):
    response = client_for(world.leader).get(
        reverse("incidents:overview"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="incidents-overview"' in html


def test_recording_the_work_injury_report_stops_the_countdown(world, client_for):
    incident = injured(world, timezone.localdate() - datetime.timedelta(days=3))
    client = client_for(world.leader)
    response = client.post(
        reverse("incidents:reporting", args=[incident.pk]),
        {
            "work_injury_reported_on": timezone.localdate().isoformat(),
            "work_injury_reference": "AT-123",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.work_injury_reference == "AT-123"
    assert not Incident.objects.work_injury_pending().exists()


def test_a_reference_without_a_date_is_refused_in_danish(world, client_for):
    incident = injured(world, timezone.localdate() - datetime.timedelta(days=3))
    response = client_for(world.leader).post(
        reverse("incidents:reporting", args=[incident.pk]),
        {"police_reference": "POL-9", "police_reported_on": ""},
    )
    assert "Angiv datoen for anmeldelsen" in response.content.decode()
    incident.refresh_from_db()
    assert incident.police_reference == ""


def test_the_database_refuses_absence_without_injury(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(
            centre=world.centre_a, reported_by=world.staff_a, absence_first_day=timezone.localdate()
        )


def test_the_database_refuses_a_report_without_a_kind(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(centre=world.centre_a, reported_by=world.staff_a, kinds=[])


def test_the_follow_up_workflow_runs_reported_reviewed_done_closed(w, client_for):
    client = client_for(w.leader)
    advance = reverse("incidents:advance", args=[w.incident_a.pk])
    client.post(advance)
    w.incident_a.refresh_from_db()
    assert w.incident_a.status == Status.REVIEWED
    assert w.incident_a.reviewed_at is not None

    # The open follow-up item holds the report back.
    response = client.post(advance, follow=True)
    assert "Markér først alle opfølgningspunkter som udført" in response.content.decode()
    w.incident_a.refresh_from_db()
    assert w.incident_a.status == Status.REVIEWED

    client.post(reverse("incidents:follow_up_done", args=[w.incident_a.pk, w.follow_up_a.pk]))
    client.post(advance)
    client.post(advance)
    w.incident_a.refresh_from_db()
    assert w.incident_a.status == Status.CLOSED
    assert w.incident_a.closed_at is not None
    assert w.incident_a.history.count() == 4


def test_staff_cannot_advance_the_workflow(w, client_for):
    response = client_for(w.staff_a).post(reverse("incidents:advance", args=[w.incident_a.pk]))
    assert response.status_code == 403


def test_the_owner_marks_their_item_done_but_not_others(w, client_for, django_user_model):
    other = FollowUpItemFactory(incident=w.incident_a, owner=w.leader)
    client = client_for(w.staff_a)
    client.post(reverse("incidents:follow_up_done", args=[w.incident_a.pk, w.follow_up_a.pk]))
    response = client.post(reverse("incidents:follow_up_done", args=[w.incident_a.pk, other.pk]))
    assert response.status_code == 403
    assert FollowUpItem.objects.get(pk=w.follow_up_a.pk).done_on == timezone.localdate()
    assert FollowUpItem.objects.get(pk=other.pk).done_on is None


def test_leader_adds_a_follow_up_item_and_bad_dates_are_refused(w, client_for):
    client = client_for(w.leader)
    url = reverse("incidents:follow_up_create", args=[w.incident_a.pk])
    response = client.post(url, {"kind": "debrief", "owner": w.staff_a.pk, "due_on": "31-02"})
    assert "Indtast en gyldig dato" in response.content.decode()
    assert w.incident_a.follow_ups.count() == 1
    response = client.post(
        url, {"kind": "routine_change", "owner": w.staff_a.pk, "due_on": "2026-12-01"}
    )
    assert response.status_code == 302
    assert w.incident_a.follow_ups.count() == 2


def test_overdue_items_show_on_the_leaders_overview(w, client_for):
    FollowUpItemFactory(
        incident=w.incident_a,
        owner=w.staff_a,
        kind="user_conversation",
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    html = client_for(w.leader).get(reverse("incidents:overview")).content.decode()
    assert "Samtale med brugeren" in html


def test_the_overview_costs_the_same_queries_as_items_grow(w, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(w.leader)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("incidents:overview"))
        return len(queries)

    before = count()
    for _ in range(5):
        incident = injured(w, timezone.localdate() - datetime.timedelta(days=3))
        FollowUpItemFactory(
            incident=incident,
            owner=w.staff_a,
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert count() == before


def test_adding_and_finishing_a_follow_up_item_shows_in_the_reports_history(w, client_for):
    client = client_for(w.leader)
    client.post(
        reverse("incidents:follow_up_create", args=[w.incident_a.pk]),
        {
            "kind": "routine_change",
            "owner": w.staff_a.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    item = w.incident_a.follow_ups.get(kind="routine_change")
    client.post(reverse("incidents:follow_up_done", args=[w.incident_a.pk, item.pk]))
    html = client.get(reverse("incidents:detail", args=[w.incident_a.pk])).content.decode()
    history = html[html.index('id="history-heading"') :]
    added = "opfølgningspunkt „Ændring af rutiner“ oprettet"
    done = "opfølgningspunkt „Ændring af rutiner“ ændret: udført"
    assert added in history and done in history
    assert history.index(done) < history.index(added)  # newest first
    assert "Alice" in history
