"""Alice bans a person; overlapping bans for the same alias and scope are refused."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.models import AccessLogEntry
from incidents import services
from incidents.forms import BanForm
from incidents.models import Ban, BanScope
from tests.incidents.factories import BanFactory

pytestmark = pytest.mark.any_day

TODAY = datetime.date(2026, 6, 1)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def ban_data(world, **overrides):
    data = {
        "alias": "Ravnen",
        "description": "Grå hættetrøje",
        "scope": BanScope.CENTRE,
        "centre": world.centre_a.pk,
        "starts_on": days(0).isoformat(),
        "ends_on": days(30).isoformat(),
        "reason": "Slog ud efter en medarbejder",
        "told_on": days(1).isoformat(),
        "review_on": days(14).isoformat(),
    }
    return {**data, **overrides}


def test_leader_issues_a_ban(world, client_for):
    response = client_for(world.leader).post(reverse("incidents:ban_create"), ban_data(world))
    ban = Ban.objects.get()
    assert response.status_code == 302
    assert ban.decided_by == world.leader
    assert ban.organisation == world.org_a
    assert ban.alias_key == "ravnen"


@pytest.mark.parametrize(
    ("first", "second", "refused"),
    [
        ((0, 30), (30, 40), True),  # touching on the last day
        ((0, 30), (31, 40), False),
        ((10, 20), (0, 40), True),
    ],
)
def test_the_database_refuses_overlapping_periods(world, first, second, refused):
    BanFactory(
        centre=world.centre_a,
        decided_by=world.leader,
        starts_on=days(first[0]),
        ends_on=days(first[1]),
    )
    make = lambda: BanFactory(  # noqa: E731
        alias=" RAVNEN ",
        centre=world.centre_a,
        decided_by=world.leader,
        starts_on=days(second[0]),
        ends_on=days(second[1]),
    )
    if refused:
        with pytest.raises(IntegrityError), transaction.atomic():
            make()
    else:
        make()


def test_other_scopes_and_aliases_may_overlap(world):
    BanFactory(centre=world.centre_a, decided_by=world.leader)
    BanFactory(centre=world.centre_b, decided_by=world.leader)
    BanFactory(scope=BanScope.ORGANISATION, centre=None, decided_by=world.leader)
    BanFactory(
        scope=BanScope.ACTIVITY, activity="Madklub", centre=world.centre_a, decided_by=world.leader
    )
    BanFactory(alias="Kragen", centre=world.centre_a, decided_by=world.leader)
    assert Ban.objects.count() == 5


def test_an_overlapping_ban_gets_a_danish_form_error_and_nothing_is_saved(world, client_for):
    BanFactory(centre=world.centre_a, decided_by=world.leader, starts_on=days(0), ends_on=days(30))
    response = client_for(world.leader).post(
        reverse("incidents:ban_create"), ban_data(world, alias="ravnen", starts_on=days(5))
    )
    assert response.status_code == 200
    assert "har allerede en karantæne med samme omfang" in response.content.decode()
    assert Ban.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": days(-1).isoformat()}, "kan ikke slutte, før den begynder"),
        ({"reason": ""}, "Angiv den dokumenterede begrundelse"),
        ({"centre": ""}, "Vælg det værested"),
        ({"scope": BanScope.ACTIVITY}, "Angiv den aktivitet"),
        ({"alias": "0101901234"}, "CPR-nummer"),
        ({"starts_on": "blah"}, "Indtast en gyldig dato"),
    ],
)
def test_bad_ban_input_is_refused_in_danish(world, client_for, overrides, message):
    response = client_for(world.leader).post(
        reverse("incidents:ban_create"), ban_data(world, **overrides)
    )
    assert message in response.content.decode()
    assert not Ban.objects.exists()


def test_staff_see_active_bans_for_their_centres_only(world, client_for):
    at_a = BanFactory(alias="Ravnen", centre=world.centre_a, decided_by=world.leader)
    at_b = BanFactory(alias="Kragen", centre=world.centre_b, decided_by=world.leader)
    everywhere = BanFactory(
        alias="Uglen", scope=BanScope.ORGANISATION, centre=None, decided_by=world.leader
    )
    ended = BanFactory(
        alias="Spurven",
        centre=world.centre_a,
        decided_by=world.leader,
        starts_on=timezone.localdate() - datetime.timedelta(days=20),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = client_for(world.staff_a).get(reverse("incidents:overview")).content.decode()
    assert at_a.alias in html
    assert everywhere.alias in html
    assert at_b.alias not in html
    assert ended.alias not in html
    assert client_for(world.staff_b).get(at_a.get_absolute_url()).status_code == 404
    assert client_for(world.staff_b).get(everywhere.get_absolute_url()).status_code == 200


def test_reading_a_ban_is_logged_with_the_alias(w, client_for):
    client_for(w.staff_a).get(w.ban_a.get_absolute_url())
    entry = AccessLogEntry.objects.get(what="ban")
    assert entry.aliases == ["ravnen"]
    assert entry.action == "view"


def test_the_ban_list_costs_the_same_queries_for_more_bans(world, client_for):
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.leader)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("incidents:ban_list"))
        return len(queries)

    BanFactory(centre=world.centre_a, decided_by=world.leader)
    few = count()
    for n in range(8):
        BanFactory(alias=f"Alias {n}", centre=world.centre_b, decided_by=world.leader)
    assert count() == few


@pytest.mark.django_db(transaction=True)
def test_overlapping_bans_submitted_at_once_save_only_the_ones_that_do_not_overlap(
    transactional_db, world
):
    # Eight leaders' submissions at the same moment: four overlap the same month for the
    # same alias, four are for separate months. Exactly one of the overlapping four and all
    # of the separate four may be saved; the rest get the form error.
    periods = [(0, 30)] * 4 + [(100 + 40 * n, 120 + 40 * n) for n in range(4)]
    barrier = threading.Barrier(len(periods))
    outcomes = [None] * len(periods)

    def submit(index, period):
        try:
            form = BanForm(
                ban_data(
                    world,
                    starts_on=days(period[0]).isoformat(),
                    ends_on=days(period[1]).isoformat(),
                ),
                user=world.leader,
            )
            assert form.is_valid(), form.errors
            barrier.wait(timeout=10)
            ban = services.ban_create(form=form)
            outcomes[index] = "saved" if ban else " ".join(form.non_field_errors())
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i, p)) for i, p in enumerate(periods)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes[:4].count("saved") == 1
    refused = [o for o in outcomes[:4] if o != "saved"]
    assert all("har allerede en karantæne" in o for o in refused), refused
    assert outcomes[4:] == ["saved"] * 4
    assert Ban.objects.count() == 5


def test_the_leader_records_when_the_person_was_told(world, client_for):
    ban = BanFactory(centre=world.centre_a, decided_by=world.leader, told_on=None)
    data = ban_data(
        world,
        starts_on=ban.starts_on.isoformat(),
        ends_on=ban.ends_on.isoformat(),
        told_on=timezone.localdate().isoformat(),
    )
    response = client_for(world.leader).post(reverse("incidents:ban_edit", args=[ban.pk]), data)
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.told_on == timezone.localdate()
    assert ban.history.count() == 2
    assert ban.decided_by == world.leader
    html = client_for(world.leader).get(ban.get_absolute_url()).content.decode()
    assert "Historik" in html and "ændret" in html
    assert reverse("incidents:ban_edit", args=[ban.pk]) in html
    staff_html = client_for(world.staff_a).get(ban.get_absolute_url()).content.decode()
    assert reverse("incidents:ban_edit", args=[ban.pk]) not in staff_html


def test_moving_a_ban_onto_another_is_refused_in_danish(world, client_for):
    BanFactory(centre=world.centre_a, decided_by=world.leader, starts_on=days(0), ends_on=days(9))
    later = BanFactory(
        centre=world.centre_a, decided_by=world.leader, starts_on=days(20), ends_on=days(30)
    )
    response = client_for(world.leader).post(
        reverse("incidents:ban_edit", args=[later.pk]),
        ban_data(world, starts_on=days(5).isoformat(), ends_on=days(30).isoformat()),
    )
    assert "har allerede en karantæne" in response.content.decode()
    later.refresh_from_db()
    assert later.starts_on == days(20)


def test_the_centres_ban_page_lists_bans_in_force_there(world, client_for):
    BanFactory(alias="Ravnen", centre=world.centre_a, decided_by=world.leader)
    BanFactory(alias="Kragen", centre=world.centre_b, decided_by=world.leader)
    BanFactory(alias="Uglen", scope=BanScope.ORGANISATION, centre=None, decided_by=world.leader)
    html = (
        client_for(world.staff_a)
        .get(reverse("incidents:centre_bans", args=[world.centre_a.pk]))
        .content.decode()
    )
    assert "Ravnen" in html and "Uglen" in html and "Kragen" not in html


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.tuples(st.integers(0, 60), st.integers(0, 30)),
    second=st.tuples(st.integers(0, 60), st.integers(0, 30)),
)
def test_the_database_refuses_exactly_the_overlapping_periods(world, first, second):
    (start_1, length_1), (start_2, length_2) = first, second
    overlap = start_1 <= start_2 + length_2 and start_2 <= start_1 + length_1
    try:
        with transaction.atomic():
            for start, length in ((start_1, length_1), (start_2, length_2)):
                BanFactory(
                    alias="ravnen",
                    centre=world.centre_a,
                    decided_by=world.leader,
                    starts_on=days(start),
                    ends_on=days(start + length),
                )
            refused = False
            transaction.set_rollback(True)
    except IntegrityError:
        refused = True
    assert refused == overlap


def test_a_cpr_number_in_the_activity_is_refused_even_when_the_scope_drops_it(world, client_for):
    data = ban_data(world, scope=BanScope.CENTRE, activity="Gåtur med 010190-1234")
    response = client_for(world.leader).post(reverse("incidents:ban_create"), data)
    assert response.status_code == 200
    assert "CPR" in response.content.decode()
    assert not Ban.objects.exists()
