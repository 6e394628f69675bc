"""Every page that shows a person's incident, ban or key-holder data writes an access-log
row naming them: walked over the permission table as the leader, so a new page of an
incident, a ban or a key holder cannot forget (issue 21, item 2)."""

import pytest
from django.urls import reverse

from centres.models import AccessLogEntry
from tests import test_permissions as table
from tests.conftest import PERSONAS

pytestmark = pytest.mark.any_day

# World objects (a URL kwarg's value) and the alias, normalised, of the person each
# concerns: the incident and the ban name Ravnen; the key holder is Ravn, who also holds
# fob_a (loan_a) and is responsible for the user-run opening run_a.
PERSON_OBJECTS = {
    "incident_a": "ravnen",
    "ban_a": "ravnen",
    "holder_a": "ravn",
    "loan_a": "ravn",
    "fob_a": "ravn",
    "run_a": "ravn",
}
# Pages listing people, each with the alias the leader sees on it.
LISTS = {
    "incidents:list": "ravnen",
    "incidents:ban_list": "ravnen",
    "incidents:centre_bans": "ravnen",
    "incidents:overview": "ravnen",
    "centres:keys": "ravn",
    "centres:key_lend": "ravn",
    "centres:user_run_add": "ravn",
    "centres:detail": "ravn",
}
LEADER = PERSONAS.index("leader")


def pages_about_people():
    for name, (kwargs, statuses) in table.TABLE.items():
        if statuses[LEADER] != 200:
            continue
        concerned = [PERSON_OBJECTS[v] for v in kwargs.values() if v in PERSON_OBJECTS]
        if concerned:
            yield name, kwargs, concerned[0]
        elif name in LISTS:
            yield name, kwargs, LISTS[name]


def test_the_walk_covers_every_page_named_in_the_issue():
    names = {name for name, _kwargs, _alias in pages_about_people()}
    assert {
        "incidents:detail",
        "incidents:edit",
        "incidents:print",
        "incidents:reporting",
        "incidents:follow_up_create",
        "incidents:ban_detail",
        "incidents:ban_edit",
        "centres:key_holder_edit",
        "centres:keys",
        "centres:detail",
    } <= names


def test_every_page_about_a_person_logs_the_read_with_their_alias(world, client_for):
    table.extend_world(world)
    # The ban in force shows on the overview (its review is due within a fortnight).
    world.ban_a.review_on = world.ban_a.starts_on
    world.ban_a.save()
    client = client_for(world.leader)
    unlogged = []
    for name, kwargs, alias in pages_about_people():
        url = table.build_url(world, name, kwargs)
        before = AccessLogEntry.objects.count()
        assert client.get(url).status_code == 200, url
        rows = AccessLogEntry.objects.order_by("pk")[before:]
        if not any(alias in row.aliases and row.user_id == world.leader.pk for row in rows):
            unlogged.append(f"{name} {url}")
    assert not unlogged, "pages that show a person but log nothing:\n" + "\n".join(unlogged)


def test_no_logged_path_holds_a_query_string(world, client_for):
    table.extend_world(world)
    client = client_for(world.leader)
    client.get(reverse("incidents:list") + "?status=all&alias=Ravnen")
    client.post(reverse("incidents:list"), {"alias": "Ravnen"})
    client.post(reverse("centres:access_log"), {"alias": "Ravnen"})
    paths = list(AccessLogEntry.objects.values_list("path", flat=True))
    assert paths and all("?" not in p and "avnen" not in p for p in paths)
