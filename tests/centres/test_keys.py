"""Key holders, fobs and loans: one open loan per fob, even when two staff try at once."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from centres import services
from centres.models import FobStatus, KeyLoan
from tests.centres.factories import KeyFobFactory, KeyHolderFactory, KeyLoanFactory


@pytest.fixture
def fob(world):
    return KeyFobFactory(organisation=world.org_a, number="76F-01", centres=[world.centre_a])


@pytest.fixture
def holders(world):
    return [KeyHolderFactory(organisation=world.org_a, alias=a) for a in ("Ravn", "Mågen")]


def test_database_allows_one_open_loan_per_fob(world, fob, holders):
    KeyLoanFactory(fob=fob, holder=holders[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyLoanFactory(fob=fob, holder=holders[1])
    KeyLoan.objects.update(returned=timezone.localdate())
    KeyLoanFactory(fob=fob, holder=holders[1])  # returned first: fine


def test_second_loan_gets_a_danish_message_naming_the_holder(world, client_for, fob, holders):
    client = client_for(world.staff_a)
    url = reverse("centres:key_lend")
    today = timezone.localdate().isoformat()
    assert (
        client.post(url, {"fob": fob.pk, "holder": holders[0].pk, "issued": today}).status_code
        == 302
    )
    # Another phone still showed the fob as free: the service refuses with a clear message.
    with pytest.raises(services.FobUnavailable, match="allerede udlånt til Ravn"):
        services.lend_fob(fob=fob, holder=holders[1], issued=timezone.localdate())
    assert KeyLoan.objects.count() == 1


def test_thirty_two_concurrent_loans_of_one_fob_give_exactly_one(transactional_db, world, fob):
    holders = [KeyHolderFactory(organisation=world.org_a) for _ in range(32)]
    results = []
    barrier = threading.Barrier(32)

    def lend(holder):
        try:
            barrier.wait()
            services.lend_fob(fob=fob, holder=holder, issued=timezone.localdate())
            results.append("ok")
        except services.FobUnavailable as error:
            assert "allerede udlånt" in error.messages[0]
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=lend, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1
    assert results.count("refused") == 31
    assert KeyLoan.objects.open().count() == 1


def test_lost_fob_closes_its_loan_and_cannot_be_lent(world, client_for, fob, holders):
    loan = KeyLoanFactory(fob=fob, holder=holders[0])
    client = client_for(world.staff_a)
    today = timezone.localdate().isoformat()
    client.post(reverse("centres:key_fob_lost", args=[fob.pk]), {"date": today})
    fob.refresh_from_db()
    loan.refresh_from_db()
    assert fob.status == FobStatus.LOST and loan.lost and loan.returned
    with pytest.raises(services.FobUnavailable, match="mistet"):
        services.lend_fob(fob=fob, holder=holders[1], issued=timezone.localdate())
    client.post(reverse("centres:key_fob_retire", args=[fob.pk]), {"date": today})
    fob.refresh_from_db()
    assert fob.status == FobStatus.RETIRED


def test_return_before_issue_is_refused(world, client_for, fob, holders):
    loan = KeyLoanFactory(fob=fob, holder=holders[0], issued=timezone.localdate())
    client = client_for(world.staff_a)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("centres:key_return", args=[loan.pk]), {"date": yesterday}, follow=True
    )
    assert "kan ikke ligge før udlånet" in response.content.decode()
    loan.refresh_from_db()
    assert loan.is_open


def test_the_three_lists(world, client_for, fob, holders, settings):
    settings.KEY_LOAN_REVIEW_DAYS = 180
    old = KeyFobFactory(organisation=world.org_a, number="76F-02", centres=[world.centre_a])
    KeyLoanFactory(
        fob=old, holder=holders[1], issued=timezone.localdate() - datetime.timedelta(days=200)
    )
    KeyLoanFactory(fob=fob, holder=holders[0])
    unbriefed = KeyHolderFactory(organisation=world.org_a, alias="Spurven", safety_briefing=None)
    assert list(KeyLoan.objects.due_for_review()) == [old.loans.get()]
    html = client_for(world.leader).get(reverse("centres:keys")).content.decode()
    assert "76F-01" in html and "76F-02" in html
    assert unbriefed.alias in html
    assert "Lån ældre end 180 dage" in html


def test_staff_of_another_centre_do_not_see_or_touch_the_fob(world, client_for, fob, holders):
    loan = KeyLoanFactory(fob=fob, holder=holders[0])
    client = client_for(world.staff_b)
    assert "76F-01" not in client.get(reverse("centres:keys")).content.decode()
    today = timezone.localdate().isoformat()
    assert (
        client.post(reverse("centres:key_return", args=[loan.pk]), {"date": today}).status_code
        == 404
    )
    assert (
        client.post(reverse("centres:key_fob_lost", args=[fob.pk]), {"date": today}).status_code
        == 404
    )
    response = client.post(
        reverse("centres:key_lend"), {"fob": fob.pk, "holder": holders[1].pk, "issued": today}
    )
    assert response.status_code == 200  # the fob is not a choice for carol
    assert KeyLoan.objects.count() == 1


def test_key_holder_alias_only_and_no_cpr(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("centres:key_holder_add")
    html = client.post(url, {"alias": "Ravn 010203-1234", "active": "on"}).content.decode()
    assert "CPR" in html
    assert (
        client.post(url, {"alias": "Ravn", "phone": "12 34 56 78", "active": "on"}).status_code
        == 302
    )
    html = client.post(url, {"alias": "ravn", "active": "on"}).content.decode()
    assert "kaldenavn" in html


def test_keys_page_takes_constant_queries(
    world, client_for, django_assert_max_num_queries, holders
):
    for _ in range(15):
        f = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a, world.centre_b])
        KeyLoanFactory(fob=f, holder=KeyHolderFactory(organisation=world.org_a))
    client = client_for(world.leader)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("centres:keys")).status_code == 200


def test_fob_flags_from_other_apps_show_next_to_the_fob(world, client_for, fob):
    from centres import signals

    def flags(sender, request, **kwargs):
        return {fob.pk: "Suspend me"}

    signals.fob_flags.connect(flags)
    try:
        KeyLoanFactory(fob=fob, holder=KeyHolderFactory(organisation=world.org_a))
        html = client_for(world.leader).get(reverse("centres:keys")).content.decode()
    finally:
        signals.fob_flags.disconnect(flags)
    assert html.count("Suspend me") == 2  # among the fobs out and in the list of fobs
    assert (
        "Suspend me" not in client_for(world.leader).get(reverse("centres:keys")).content.decode()
    )


def test_lost_asks_first_and_a_fob_found_again_is_active(world, client_for, fob, holders):
    loan = KeyLoanFactory(fob=fob, holder=holders[0])
    client = client_for(world.staff_a)
    page = client.get(reverse("centres:key_fob_lost", args=[fob.pk])).content.decode()
    assert "Meld nøglebrik 76F-01 mistet?" in page and "Ravn" in page
    fob.refresh_from_db()
    assert fob.status == FobStatus.ACTIVE  # asking changed nothing
    today = timezone.localdate().isoformat()
    client.post(reverse("centres:key_fob_lost", args=[fob.pk]), {"date": today})
    html = client.get(reverse("centres:keys")).content.decode()
    assert reverse("centres:key_fob_found", args=[fob.pk]) in html
    response = client.post(
        reverse("centres:key_fob_found", args=[fob.pk]), {"date": today}, follow=True
    )
    assert "Nøglebrik 76F-01 er aktiv igen." in response.content.decode()
    fob.refresh_from_db()
    loan.refresh_from_db()
    assert fob.status == FobStatus.ACTIVE and loan.lost  # the loan stays closed as lost
    statuses = list(fob.history.order_by("history_id").values_list("status", "history_user"))
    assert statuses[-2:] == [
        (FobStatus.LOST, world.staff_a.pk),
        (FobStatus.ACTIVE, world.staff_a.pk),
    ]
    services.lend_fob(fob=fob, holder=holders[1], issued=timezone.localdate())


def test_only_a_lost_fob_is_found_again(world, client_for, fob):
    url = reverse("centres:key_fob_found", args=[fob.pk])
    assert client_for(world.staff_a).get(url).status_code == 404


def test_found_again_before_it_was_lost_is_refused(world, client_for, fob):
    today = timezone.localdate()
    services.report_fob_lost(fob=fob, date=today)
    response = client_for(world.staff_a).post(
        reverse("centres:key_fob_found", args=[fob.pk]),
        {"date": (today - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "før, brikken blev meldt mistet" in response.content.decode()


def test_retire_asks_first(world, client_for, fob):
    client = client_for(world.staff_a)
    assert (
        "Udfas nøglebrik 76F-01?"
        in client.get(reverse("centres:key_fob_retire", args=[fob.pk])).content.decode()
    )
    fob.refresh_from_db()
    assert fob.status == FobStatus.ACTIVE


def test_a_return_is_in_the_loans_history(world, client_for, fob, holders):
    loan = KeyLoanFactory(fob=fob, holder=holders[0])
    client = client_for(world.staff_a)
    page = client.get(reverse("centres:key_return", args=[loan.pk])).content.decode()
    assert "Udlånt til Ravn" in page
    client.post(
        reverse("centres:key_return", args=[loan.pk]),
        {"date": timezone.localdate().isoformat()},
    )
    latest = loan.history.first()
    assert latest.returned == timezone.localdate() and latest.history_user == world.staff_a
    assert services.return_fob(loan=loan, returned=timezone.localdate()) is False
