"""The access log is purged after the retention period; closed reports are pseudonymised."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from centres.models import AccessLogEntry
from incidents.models import Incident, Kind, Status
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory


def log_row(world, days_ago, aliases=("ravnen",)):
    return AccessLogEntry.objects.create(
        organisation=world.org_a,
        user=world.leader,
        username="alice",
        action="view",
        what="incident",
        aliases=list(aliases),
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_purge_deletes_rows_older_than_the_setting(world, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 183
    old, recent = log_row(world, 200), log_row(world, 10)
    out = StringIO()
    call_command("purge_incident_access_log", stdout=out)
    assert list(AccessLogEntry.objects.all()) == [recent]
    assert "Deleted 1" in out.getvalue()
    assert old.pk not in AccessLogEntry.objects.values_list("pk", flat=True)


def test_leader_lists_the_log_for_one_alias(world, client_for):
    log_row(world, 1, aliases=["ravnen"])
    log_row(world, 1, aliases=["kragen"])
    response = client_for(world.leader).post(reverse("centres:access_log"), {"alias": "RAVNEN"})
    html = response.content.decode()
    # The row about Ravnen, and the leader's own look just now; none about Kragen.
    assert html.count("<td>Alice</td>") == 2
    assert "no-store" in response["Cache-Control"]


def closed_incident(world, days_ago):
    incident = IncidentFactory(
        centre=world.centre_a,
        reported_by=world.staff_a,
        kinds=[Kind.THREAT, Kind.VERBAL_ABUSE],
        what_happened="Ravnen truede Bob",
        affected_user=world.staff_a,
    )
    FollowUpItemFactory(incident=incident, owner=world.staff_a, description="Tal med Ravnen")
    Incident.objects.filter(pk=incident.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return incident


def test_dry_run_counts_and_changes_nothing(world):
    closed_incident(world, 400)
    out = StringIO()
    call_command("pseudonymise_incidents", "--days=365", "--dry-run", stdout=out)
    assert "1 closed reports" in out.getvalue()
    assert Incident.objects.get().involved_aliases == ["Ravnen"]


def test_old_closed_reports_lose_people_and_text_but_keep_kinds(world, settings):
    settings.INCIDENT_RETENTION_DAYS = 365
    old, recent = closed_incident(world, 400), closed_incident(world, 100)
    call_command("pseudonymise_incidents", stdout=StringIO())
    old.refresh_from_db()
    assert old.involved_aliases == [] and old.alias_keys == []
    assert old.what_happened == "" and old.affected_user is None
    assert old.kinds == [Kind.THREAT, Kind.VERBAL_ABUSE]
    assert old.pseudonymised_at is not None
    assert old.follow_ups.get().description == ""
    # The stored versions are scrubbed too.
    assert not old.history.exclude(what_happened="").exists()
    assert not old.history.filter(involved_aliases__contains=["Ravnen"]).exists()
    recent.refresh_from_db()
    assert recent.involved_aliases == ["Ravnen"]
