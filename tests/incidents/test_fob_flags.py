"""A ban on a key holder flags the holder's open fob loans for suspension: on the ban,
in the leader's overview and on centres' keys page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from centres import signals
from incidents.forms import BanForm
from incidents.stats import fobs_to_suspend
from tests.centres.factories import KeyFobFactory, KeyHolderFactory, KeyLoanFactory
from tests.incidents.factories import BanFactory


def today():
    return timezone.localdate()


def lent(world, number, holder):
    fob = KeyFobFactory(organisation=world.org_a, number=number, centres=[world.centre_a])
    return KeyLoanFactory(fob=fob, holder=holder)


def banned_holder(world, **ban):
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    loan = lent(world, "76F-01", holder)
    BanFactory(centre=world.centre_a, decided_by=world.leader, key_holder=holder, **ban)
    return holder, loan


def test_an_active_ban_flags_the_holders_open_loans_only(world):
    holder, _loan = banned_holder(world)
    returned = lent(world, "76F-02", holder)
    returned.returned = today()
    returned.save()
    lent(world, "76F-03", KeyHolderFactory(organisation=world.org_a, alias="Mågen"))
    assert [(f.fob.number, f.holder.alias) for f in fobs_to_suspend(world.org_a.pk)] == [
        ("76F-01", "Ravn")
    ]
    assert list(fobs_to_suspend(world.org_z.pk)) == []


def test_ended_and_coming_bans_flag_nothing(world):
    banned_holder(
        world,
        starts_on=today() - datetime.timedelta(days=30),
        ends_on=today() - datetime.timedelta(days=1),
    )
    assert list(fobs_to_suspend(world.org_a.pk)) == []
    assert len(fobs_to_suspend(world.org_a.pk, today() - datetime.timedelta(days=1))) == 1


def test_a_fob_is_listed_once_under_two_bans(world):
    holder, _loan = banned_holder(world)
    BanFactory(centre=world.centre_b, decided_by=world.leader, key_holder=holder)
    assert len(fobs_to_suspend(world.org_a.pk)) == 1


def ban_data(world, **overrides):
    return {
        "alias": "Ravn",
        "scope": "centre",
        "centre": world.centre_a.pk,
        "starts_on": today().isoformat(),
        "ends_on": (today() + datetime.timedelta(days=30)).isoformat(),
        "reason": "Truede en anden bruger",
        **overrides,
    }


def test_the_ban_form_refuses_another_organisations_key_holder(world):
    own = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    foreign = KeyHolderFactory(organisation=world.org_z, alias="Fremmed")
    form = BanForm(ban_data(world, key_holder=foreign.pk), user=world.leader)
    assert not form.is_valid()
    assert "Marker en gyldig valgmulighed" in form.errors["key_holder"][0]
    form = BanForm(ban_data(world, key_holder=own.pk), user=world.leader)
    assert form.is_valid(), form.errors


def test_leader_bans_a_key_holder_and_the_ban_page_names_the_fob(world, client_for):
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    lent(world, "76F-01", holder)
    client = client_for(world.leader)
    response = client.post(reverse("incidents:ban_create"), ban_data(world, key_holder=holder.pk))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Brik der skal spærres" in html
    assert "76F-01" in html


def test_the_leaders_overview_lists_fobs_to_suspend(world, client_for):
    banned_holder(world)
    html = client_for(world.leader).get(reverse("incidents:overview")).content.decode()
    assert "Brik der skal spærres: 76F-01, Ravn" in html


def test_the_overview_costs_the_same_queries_as_flags_grow(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.leader)
    banned_holder(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("incidents:overview"))
        return len(queries)

    few = count()
    for n in range(5):
        holder = KeyHolderFactory(organisation=world.org_a, alias=f"Holder {n}")
        lent(world, f"F-{n}", holder)
        BanFactory(
            alias=f"Holder {n}", centre=world.centre_a, decided_by=world.leader, key_holder=holder
        )
    assert count() == few


def request_by(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/keys/")
    request.user = user
    return request


def test_incidents_registers_the_fob_flags_with_centres(world):
    banned_holder(world)
    flags = signals.fob_flags_for(request_by(world.leader))
    loan_fob = next(iter(flags))
    assert "karantæne" in flags[loan_fob]
    assert signals.fob_flags_for(request_by(world.other_leader)) == {}


def test_staff_see_only_flags_from_bans_they_may_read(world, client_for):
    # A ban at centre A only is not staff B's to read, even on a fob that opens B too.
    _holder, loan = banned_holder(world)
    loan.fob.centres.add(world.centre_b)
    assert signals.fob_flags_for(request_by(world.staff_b)) == {}
    assert signals.fob_flags_for(request_by(world.staff_a))
    html = client_for(world.staff_b).get(reverse("centres:keys")).content.decode()
    assert "karantæne" not in html


def test_showing_fob_flags_is_logged_and_never_cached(world, client_for):
    from centres.models import AccessLogEntry

    banned_holder(world, alias="Ravn")
    response = client_for(world.staff_a).get(reverse("centres:keys"))
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(user=world.staff_a, what="ban")
    assert entry.what == "ban" and entry.action == "view" and entry.aliases


def test_the_keys_page_shows_the_reason_next_to_the_fob(world, client_for):
    banned_holder(world)
    until = formats_date(today() + datetime.timedelta(days=30))
    for user in (world.leader, world.staff_a):
        html = client_for(user).get(reverse("centres:keys")).content.decode()
        assert f"Spær: nøgleholderen har karantæne til og med {until}" in html


def formats_date(date):
    from django.utils import formats

    return formats.date_format(date, "j. F Y")
