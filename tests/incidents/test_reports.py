"""Bob registers episodes at centre A; Carol at centre B must not see them; Alice leads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import AccessLogEntry
from incidents.models import Incident, Kind, Status
from tests.factories import UserFactory
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.any_day


def wall_clock(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def tomorrow():
    """A day ahead of the clock the test runs at (not the one it was collected at)."""
    return wall_clock(timezone.now() + datetime.timedelta(days=1))


def quick_data(world, **overrides):
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    data = {
        "centre": world.centre_a.pk,
        "occurred_at": wall_clock(timezone.now() - datetime.timedelta(minutes=10)),
        "kind": Kind.VERBAL_ABUSE,
        "affected_role": "staff",
        "summary": "Kaldte mig et skældsord og gik",
    }
    return {**data, **overrides}


def test_staff_registers_a_minor_episode_in_one_post(world, client_for):
    response = client_for(world.staff_a).post(reverse("incidents:quick"), quick_data(world))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == incident.get_absolute_url()
    assert incident.kinds == [Kind.VERBAL_ABUSE]
    assert not incident.is_full_report
    assert incident.reported_by == world.staff_a
    assert incident.status == Status.REPORTED


def test_quick_form_offers_only_the_staff_members_centres(world, client_for):
    html = client_for(world.staff_a).get(reverse("incidents:quick")).content.decode()
    assert "Værestedet 76F" in html
    assert "Værestedet Frederiksgade" not in html
    response = client_for(world.staff_a).post(
        reverse("incidents:quick"), quick_data(world, centre=world.centre_b.pk)
    )
    assert response.status_code == 200
    assert not Incident.objects.exists()


def test_quick_form_accepts_a_context_prefill(world, client_for):
    html = client_for(world.staff_a).get(reverse("incidents:quick") + "?context=user_run")
    assert 'value="user_run_opening"' in html.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": "Hans cpr er 010190-1234"}, "CPR-nummer"),
        ({"summary": ""}, "Dette felt er påkrævet"),
        ({"occurred_at": "i går"}, "Indtast gyldig dato/tid"),
        ({"occurred_at": tomorrow}, "kan ikke ligge i fremtiden"),
        ({"kind": "murder"}, "Marker en gyldig valgmulighed"),
        ({"centre": "x"}, "Marker en gyldig valgmulighed"),
    ],
)
def test_bad_quick_input_gets_a_danish_message_and_saves_nothing(
    world, client_for, overrides, message
):
    response = client_for(world.staff_a).post(
        reverse("incidents:quick"), quick_data(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def full_data(world, **overrides):
    data = {
        **quick_data(world),
        "context": "staffed_opening",
        "kinds": ["physical_violence", "threat"],
        "severity": "serious",
        "affected_role": "staff",
        "affected_user": world.staff_a.pk,
        "involved_aliases": "Ravnen, Kragen",
        "summary": "Slog ud efter mig",
        "what_happened": "Blev vred ved kaffen",
        "immediate_actions": ["de_escalation", "first_aid"],
        "injury": "on",
        "injury_description": "Blå mærker",
    }
    data.pop("kind")
    return {**data, **overrides}


def test_staff_files_a_full_report_with_aliases(world, client_for):
    response = client_for(world.staff_a).post(reverse("incidents:create"), full_data(world))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.is_full_report
    assert incident.involved_aliases == ["Ravnen", "Kragen"]
    assert incident.alias_keys == ["kragen", "ravnen"]
    assert incident.immediate_actions == ["de_escalation", "first_aid"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kinds": []}, "Dette felt er påkrævet"),
        ({"involved_aliases": "Ravnen, 0101901234"}, "CPR-nummer"),
        ({"what_happened": "cpr 311299 1234"}, "CPR-nummer"),
        ({"affected_role": "user"}, "kun en medarbejder, når"),
        ({"injury": "", "absence_first_day": "2026-01-01"}, "kun registreres med en skade"),
        ({"absence_first_day": "1999-01-01"}, "efter dagen for episoden"),
    ],
)
def test_bad_full_report_gets_a_danish_message_and_saves_nothing(
    world, client_for, overrides, message
):
    response = client_for(world.staff_a).post(
        reverse("incidents:create"), full_data(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_a_minor_episode_is_upgraded_and_the_history_shows_who_changed_what(world, client_for):
    client = client_for(world.staff_a)
    client.post(reverse("incidents:quick"), quick_data(world))
    incident = Incident.objects.get()
    response = client.post(reverse("incidents:edit", args=[incident.pk]), full_data(world))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_full_report
    assert incident.history.count() == 2
    assert incident.history.first().history_user == world.staff_a
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "Historik" in html
    assert "ændret" in html
    assert "Hvad der skete" in html  # a changed field, by its Danish label


def test_every_incident_page_says_no_store(w, client_for):
    client = client_for(w.staff_a)
    for url in [
        reverse("incidents:list"),
        reverse("incidents:detail", args=[w.incident_a.pk]),
        reverse("incidents:print", args=[w.incident_a.pk]),
        reverse("incidents:quick"),
        reverse("incidents:overview"),
        reverse("incidents:ban_list"),
        reverse("incidents:ban_detail", args=[w.ban_a.pk]),
        reverse("incidents:risk_list"),
    ]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_staff_at_another_centre_cannot_find_the_report(w, client_for):
    client = client_for(w.staff_b)
    assert client.get(reverse("incidents:detail", args=[w.incident_a.pk])).status_code == 404
    html = client.get(reverse("incidents:list")).content.decode()
    assert w.incident_a.summary not in html


def test_the_safety_representative_reads_every_report_but_changes_none(w, client_for):
    w.staff_b.is_safety_representative = True
    w.staff_b.save()
    client = client_for(w.staff_b)
    assert client.get(reverse("incidents:list")).content.decode().count(w.incident_a.summary)
    assert client.get(reverse("incidents:detail", args=[w.incident_a.pk])).status_code == 200
    assert client.get(reverse("incidents:edit", args=[w.incident_a.pk])).status_code == 403


def test_other_organisations_safety_representative_sees_nothing(w, client_for):
    rep = UserFactory(organisation=w.org_z, centres=[w.centre_z], is_safety_representative=True)
    client = client_for(rep)
    assert client.get(reverse("incidents:detail", args=[w.incident_a.pk])).status_code == 404


def test_viewing_and_searching_write_the_access_log(w, client_for):
    client = client_for(w.staff_a)
    client.get(reverse("incidents:detail", args=[w.incident_a.pk]))
    client.post(reverse("incidents:list"), {"alias": "RAVNEN"})
    entries = AccessLogEntry.objects.order_by("pk")
    assert [(e.action, e.what, e.aliases) for e in entries] == [
        ("view", "incident", ["ravnen"]),
        ("search", "incident", ["ravnen"]),
        ("view", "incident_list", ["ravnen"]),
    ]
    assert all("RAVNEN" not in e.path and "?" not in e.path for e in entries)
    assert entries[0].user == w.staff_a


def test_alias_search_is_case_insensitive(w, client_for):
    html = client_for(w.leader).post(reverse("incidents:list"), {"alias": "rAvNeN"}).content
    assert w.incident_a.summary in html.decode()
    html = client_for(w.leader).post(reverse("incidents:list"), {"alias": "Kragen"}).content
    assert w.incident_a.summary not in html.decode()


def test_the_list_costs_the_same_queries_for_3_and_30_reports(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.leader)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("incidents:list")).status_code == 200
        return len(queries)

    IncidentFactory.create_batch(3, centre=world.centre_a, reported_by=world.staff_a)
    few = count_queries()
    IncidentFactory.create_batch(27, centre=world.centre_b, reported_by=world.staff_b)
    assert count_queries() == few


def test_print_view_is_a_copy_for_the_person_affected(w, client_for):
    response = client_for(w.leader).get(reverse("incidents:print", args=[w.incident_a.pk]))
    html = response.content.decode()
    assert "Kopi til den berørte" in html
    assert w.incident_a.summary in html
    assert AccessLogEntry.objects.filter(action="export").exists()
