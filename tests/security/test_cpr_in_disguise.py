"""Issue 21, item 3: CPR numbers in disguise got into the key holder's alias and the
quick episode's summary, and a phone field took a CPR number as a phone number."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from activities.models import SignUp
from centres.models import Centre, KeyHolder
from centres.phones import normalise_phone
from incidents.models import Incident
from tests.activities.factories import ActivityFactory
from tests.centres.factories import KeyHolderFactory
from tests.incidents.test_reports import quick_data

DANISH_CPR_MESSAGE = "Det ligner et CPR-nummer"
DANISH_PHONE_MESSAGE = "Skriv et telefonnummer på 8 cifre"
# Each disguise the issue names.
DISGUISES = [
    "010190\u20131234",  # en dash
    "010190\u20111234",  # non-breaking hyphen
    "010190\u22121234",  # minus sign
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14",  # full-width digits
    "0101\u200b901234",  # zero-width space
    "01.01.90-1234",
    "01 01 90 1234",
    "010190--1234",
    "010190/1234",
    "O1O19O-1234",  # letter O for zero
]


@pytest.mark.parametrize("cpr", DISGUISES)
def test_the_key_holder_alias_refuses_a_disguised_cpr_number(world, client_for, cpr):
    response = client_for(world.staff_a).post(
        reverse("centres:key_holder_add"), {"alias": f"Ravn {cpr}", "active": "on"}
    )
    assert response.status_code == 200
    assert DANISH_CPR_MESSAGE in response.text
    assert not KeyHolder.objects.exists()


@pytest.mark.parametrize("cpr", DISGUISES)
def test_the_quick_episode_refuses_a_disguised_cpr_number(world, client_for, cpr):
    response = client_for(world.staff_a).post(
        reverse("incidents:quick"), quick_data(world, summary=f"Truede {cpr} i døren")
    )
    assert response.status_code in (200, 400)
    assert DANISH_CPR_MESSAGE in response.text
    assert not Incident.objects.exists()


# --- Phone fields -----------------------------------------------------------------------

NOT_PHONES = ["0101901234", "010190-1234", "1234567", "123456789", "+46 12 34 56 78", "tlf 12"]
PHONES = {
    "12345678": "12 34 56 78",
    "12 34 56 78": "12 34 56 78",
    "+45 12 34 56 78": "12 34 56 78",
    "+4512345678": "12 34 56 78",
    "0045 1234 5678": "12 34 56 78",
    "\u00a012\u00a034\u00a056\u00a078": "12 34 56 78",
    "": "",
}


@pytest.mark.parametrize("typed", NOT_PHONES)
def test_not_a_phone_number(typed):
    assert normalise_phone(typed) is None


@pytest.mark.parametrize(("typed", "stored"), PHONES.items())
def test_a_phone_number_is_stored_one_way(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", NOT_PHONES)
def test_the_key_holder_phone_takes_phone_numbers_only(world, client_for, typed):
    response = client_for(world.staff_a).post(
        reverse("centres:key_holder_add"), {"alias": "Ravn", "phone": typed, "active": "on"}
    )
    assert DANISH_PHONE_MESSAGE in response.text
    assert not KeyHolder.objects.exists()


def test_the_key_holder_phone_is_saved_in_its_one_form(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("centres:key_holder_add"), {"alias": "Ravn", "phone": "+45 1234 5678"}
    )
    assert response.status_code == 302
    assert KeyHolder.objects.get().phone == "12 34 56 78"


@pytest.mark.parametrize(("typed", "ok"), [("0101901234", False), ("+45 56 20 30 40", True)])
def test_the_sign_up_phone_takes_phone_numbers_only(world, client_for, typed, ok):
    activity = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        category="trip",
        capacity=5,
        signup_required=True,
        schedule=False,
    )
    response = client_for(world.staff_a).post(
        reverse("activities:signup_create", args=[activity.pk]), {"name": "Anna", "phone": typed}
    )
    if ok:
        assert SignUp.objects.get().phone == "56 20 30 40"
    else:
        assert DANISH_PHONE_MESSAGE in response.text
        assert not SignUp.objects.exists()


@pytest.mark.parametrize(("typed", "ok"), [("0101901234", False), ("56203040", True)])
def test_the_centre_phone_takes_phone_numbers_only(world, client_for, typed, ok):
    url = reverse("centres:profile", args=[world.centre_a.pk])
    response = client_for(world.leader).post(url, {"phone": typed, "places": "10"})
    centre = Centre.objects.get(pk=world.centre_a.pk)
    if ok:
        assert response.status_code == 302
        assert centre.phone == "56 20 30 40"
    else:
        assert DANISH_PHONE_MESSAGE in response.text
        assert centre.phone != typed


def test_a_phone_saved_by_code_is_stored_one_way_and_the_database_checks_it(world):
    holder = KeyHolderFactory(organisation=world.org_a, phone="+4512345678")
    assert KeyHolder.objects.get(pk=holder.pk).phone == "12 34 56 78"
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyHolder.objects.filter(pk=holder.pk).update(phone="0101901234")
    with pytest.raises(IntegrityError), transaction.atomic():
        Centre.objects.filter(pk=world.centre_a.pk).update(phone="0101901234")


def test_the_migration_rewrites_numbers_that_fit_and_clears_the_rest(world, capsys):
    """Run on the key holders' history, which has no check of its own to stop the old
    values being written for the test."""
    migration = importlib.import_module("centres.migrations.0017_phone_numbers_in_one_form")
    holder = KeyHolderFactory(organisation=world.org_a)
    holder.save()
    fits, cpr = holder.history.order_by("history_id")
    History = type(fits)
    History.objects.filter(pk=fits.pk).update(phone="+45 1234 5678")
    History.objects.filter(pk=cpr.pk).update(phone="0101901234")

    migration.phones_in_one_form("centres.HistoricalKeyHolder").code(django_apps, None)

    assert History.objects.get(pk=fits.pk).phone == "12 34 56 78"
    assert History.objects.get(pk=cpr.pk).phone == ""
    said = capsys.readouterr().out
    assert str(cpr.pk) in said and "0101901234" not in said
