"""The access log speaks Danish: every kind of object it records has a label, creation is
logged as creation, and the person is named, not their user name."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from centres.access import log_access
from centres.models import AccessAction, AccessLogEntry, AccessSubject
from incidents.models import Ban, Incident
from tests.incidents.test_bans import ban_data
from tests.incidents.test_reports import quick_data

pytestmark = pytest.mark.any_day


def entries():
    return [(e.action, e.what) for e in AccessLogEntry.objects.order_by("pk")]


def current_ban_data(world, **overrides):
    today = timezone.localdate()
    dates = {
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=30)).isoformat(),
        "told_on": today.isoformat(),
        "review_on": (today + datetime.timedelta(days=14)).isoformat(),
    }
    return ban_data(world, **{**dates, **overrides})


def test_creating_a_ban_is_logged_as_creation_and_correcting_it_as_change(world, client_for):
    client = client_for(world.leader)
    assert client.post(reverse("incidents:ban_create"), current_ban_data(world)).status_code == 302
    ban = Ban.objects.get()
    edit = reverse("incidents:ban_edit", args=[ban.pk])
    assert client.post(edit, current_ban_data(world, reason="Truede en bruger")).status_code == 302
    # Opening the ban to correct it is a read of it too.
    assert entries() == [("create", "ban"), ("view", "ban"), ("change", "ban")]


def test_registering_an_episode_or_a_report_is_logged_as_creation(world, client_for):
    client = client_for(world.staff_a)
    assert client.post(reverse("incidents:quick"), quick_data(world)).status_code == 302
    assert entries() == [("create", "incident")]
    assert AccessLogEntry.objects.get().object_id == Incident.objects.get().pk


def test_every_kind_of_object_and_action_has_a_danish_label():
    with override("da"):
        for subject in AccessSubject:
            assert subject.label and str(subject.label) != subject.value
            assert "_" not in str(subject.label)
        labels = {str(action.label) for action in AccessAction}
    assert labels == {"Visning", "Søgning", "Eksport", "Oprettelse", "Ændring"}


def test_logging_an_unknown_kind_of_object_is_refused(world):
    request = RequestFactory().get("/")
    request.user = world.leader
    with pytest.raises(ValueError):
        log_access(request, AccessAction.VIEW, "bann")
    with pytest.raises(ValueError):
        log_access(request, "looked", AccessSubject.BAN)
    assert not AccessLogEntry.objects.exists()


def test_the_log_names_the_person_and_the_object_in_danish(world, client_for):
    world.leader.last_name = "Andersen"
    world.leader.save()
    client = client_for(world.leader)
    client.post(reverse("incidents:ban_create"), current_ban_data(world))
    ban = Ban.objects.get()
    client.get(ban.get_absolute_url())
    client.get(reverse("incidents:ban_list"))
    html = client.post(reverse("centres:access_log"), {"alias": "ravnen"}).content.decode()
    # Django's admin translates a bare "Action" as "Funktion".
    assert '<th scope="col">Handling</th>' in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert f"<td>Oprettelse</td><td>Karantæne nr. {ban.pk}</td>" in rows
    assert f"<td>Visning</td><td>Karantæne nr. {ban.pk}</td>" in rows
    assert "<td>Visning</td><td>Liste over karantæner</td>" in rows
    assert "<td>Alice Andersen</td>" in rows
    assert "alice<" not in rows and "ban #" not in rows and "Ændring" not in rows
    assert "<td>Søgning</td><td>Hvem har set personen</td>" in rows


def test_a_deleted_users_entries_keep_their_user_name(world, client_for):
    from tests.factories import UserFactory

    gone = UserFactory(username="gone", first_name="Gitte", organisation=world.org_a)
    client_for(world.leader).post(reverse("incidents:ban_create"), current_ban_data(world))
    AccessLogEntry.objects.create(
        organisation=world.org_a,
        user=gone,
        username="gone",
        action=AccessAction.VIEW,
        what=AccessSubject.BAN_LIST,
        aliases=["ravnen"],
    )
    gone.delete()
    html = (
        client_for(world.leader)
        .post(reverse("centres:access_log"), {"alias": "Ravnen"})
        .content.decode()
    )
    assert "<td>gone</td>" in html and "<td>Alice</td>" in html


def test_the_log_costs_the_same_queries_for_more_people(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    client = client_for(world.leader)

    def log_by_new_person():
        person = UserFactory(organisation=world.org_a)
        AccessLogEntry.objects.create(
            organisation=world.org_a,
            user=person,
            username=person.username,
            action=AccessAction.VIEW,
            what=AccessSubject.BAN_LIST,
            aliases=["ravnen"],
        )

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("centres:access_log"), {"alias": "ravnen"})
        return len(queries)

    log_by_new_person()
    few = count()
    for _ in range(5):
        log_by_new_person()
    assert count() == few


@pytest.mark.parametrize(
    ("url_name", "obj", "what"),
    [("incidents:edit", "incident_a", "incident"), ("incidents:ban_edit", "ban_a", "ban")],
)
def test_the_edit_pages_log_the_read_with_the_alias(w, client_for, url_name, obj, what):
    # They show the narrative, the aliases and the reason as much as the detail pages do.
    pk = getattr(w, obj).pk
    assert client_for(w.leader).get(reverse(url_name, args=[pk])).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.what, entry.object_id, entry.aliases) == (
        "view",
        what,
        pk,
        ["ravnen"],
    )
