"""Bad input that once broke a page for everyone: a date no one means (year 1, year 9999),
an id of Unicode digits, a NUL character. Each is refused where it comes in."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.forms.forms import BaseForm
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from centres.fields import WallClockDateTimeField
from centres.forms import YesNoField
from centres.plausible import (
    DB_END_DAY,
    FIRST_DAY,
    PlausibleDateField,
    last_day,
    plausible,
)
from centres.query import LARGEST_ID, int_param, int_params, parse_id
from incidents.forms import AliasListField
from incidents.models import Ban, Incident
from tests.incidents.factories import BanFactory, IncidentFactory
from tests.incidents.test_reports import full_data, quick_data

OUR_APPS = ("activities", "advice", "centres", "incidents", "config")
# Django's own account timestamps, shown to a superuser in the admin: set by Django.
NOT_ENTERED = {
    "centres.admin.UserAdminChangeForm.last_login",
    "centres.admin.UserAdminChangeForm.date_joined",
}
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
BAD_IDS = ["²", "\u0663", "\uff11", "99999999999999999999", "-1", "\x00", "0", " 1", "1e3"]
# ("\u0663" is the Arabic-Indic 3, "\uff11" the full-width 1: both pass str.isdigit().)


# --- The plausible range ---------------------------------------------------------------


def our_form_classes():
    """Every form class of the product, found by importing every view module (they import
    the forms) and walking the subclasses of BaseForm."""
    importlib.import_module("config.urls")
    importlib.import_module("config.dashboard.pack")
    found, todo = set(), [BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in OUR_APPS:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def has_the_range(form_class, name, field):
    if plausible in field.validators:
        return True
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is None:
        return False
    try:
        return plausible in model._meta.get_field(name).validators
    except Exception:
        return False


def test_every_date_field_of_every_form_has_the_plausible_range():
    classes = our_form_classes()
    assert len(classes) > 30, "the forms were not found"
    missing = [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c in classes
        for name, field in c.base_fields.items()
        if isinstance(field, DATE_FIELDS) and not has_the_range(c, name, field)
    ]
    missing = [name for name in missing if name not in NOT_ENTERED]
    assert not missing, f"date fields without centres.plausible: {missing}"


def test_every_plausible_model_field_has_a_database_check():
    unchecked = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        names = {c.name for c in model._meta.constraints}
        for field in model._meta.concrete_fields:
            if plausible in field.validators:
                name = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_plausible"
                if name not in names:
                    unchecked.append(f"{model._meta.label}.{field.name}")
    assert not unchecked, f"no database check: {unchecked}"


@pytest.mark.any_day
def test_the_range_runs_from_2000_to_ten_years_ahead_by_the_apps_clock():
    today = timezone.localdate()
    plausible(FIRST_DAY)
    plausible(last_day(today))
    for day in (datetime.date(1, 1, 1), FIRST_DAY - datetime.timedelta(days=1)):
        with pytest.raises(forms.ValidationError):
            plausible(day)
    with pytest.raises(forms.ValidationError, match="2000"):
        plausible(last_day(today) + datetime.timedelta(days=1))
    assert last_day(datetime.date(2028, 2, 29)) == datetime.date(2038, 2, 28)
    assert last_day(today) < DB_END_DAY


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59"])
@pytest.mark.parametrize("form", ["quick", "create"])
def test_an_episode_in_a_year_no_one_means_is_refused_on_the_form(world, client_for, moment, form):
    data = (quick_data if form == "quick" else full_data)(world, occurred_at=moment)
    response = client_for(world.staff_a).post(reverse(f"incidents:{form}"), data)
    assert response.status_code == 200
    assert "Skriv en dato fra 01.01.2000 til" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_ban_in_year_9999_is_refused_on_the_form(world, client_for):
    incident = IncidentFactory(centre=world.centre_a, reported_by=world.staff_a)
    response = client_for(world.leader).post(
        reverse("incidents:ban_create"),
        {
            "alias": "Ravnen",
            "scope": "centre",
            "centre": world.centre_a.pk,
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": "9999-12-31",
            "incident": incident.pk,
            "reason": "Slog ud efter en medarbejder",
        },
    )
    assert response.status_code == 200
    assert "Skriv en dato fra" in response.content.decode()
    assert not Ban.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(1, 1, 2, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
        datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    ],
)
def test_the_database_refuses_an_implausible_moment(world, value):
    incident = IncidentFactory(centre=world.centre_a, reported_by=world.staff_a)
    with pytest.raises(IntegrityError, match="occurred_at_plausible"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(occurred_at=value)


@pytest.mark.parametrize("value", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_the_database_refuses_an_implausible_date(world, value):
    ban = BanFactory(decided_by=world.leader, centre=world.centre_a)
    with pytest.raises(IntegrityError, match="ends_on_plausible"), transaction.atomic():
        Ban.objects.filter(pk=ban.pk).update(starts_on=value, ends_on=value)


def test_the_database_checks_read_no_clock():
    """Fixed bounds only: a check that read now() would hold a row valid today and
    invalid tomorrow."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name.endswith("_plausible"):
                assert isinstance(constraint, models.CheckConstraint)
                for _lookup, bound in constraint.condition.children:
                    # A day, or a year (the quarterly review's).
                    assert isinstance(bound, datetime.date | int), constraint.name


# --- Ids from the query string ---------------------------------------------------------


@pytest.mark.parametrize("value", [*BAD_IDS, "", None, "2147483648"])
def test_an_id_is_ascii_digits_in_the_integer_range(value):
    assert parse_id(value) is None


def test_int_param_reads_a_plain_id():
    query = QueryDict("centre=12&centre=²&centres=7")
    assert int_params(query, "centre") == [12, None]
    assert int_param(query, "centres") == 7
    assert int_param(query, "nothing") is None
    assert parse_id(str(LARGEST_ID)) == LARGEST_ID


PAGES = [
    ("dashboard:index", "centre"),
    ("dashboard:pack", "centre"),
    ("dashboard:pack", "centres"),
    ("activities:calendar", "centre"),
    ("incidents:quick", "centre"),
    ("incidents:create", "centre"),
    ("centres:key_lend", "fob"),
    ("activities:proposal_create", "meeting"),
]


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(("page", "parameter"), PAGES)
def test_a_bad_id_in_the_query_string_is_no_server_error(world, client_for, page, parameter, value):
    client = client_for(world.leader)
    client.raise_request_exception = False
    response = client.get(reverse(page), {parameter: value})
    assert response.status_code in (200, 400, 404), response.status_code


# --- NUL --------------------------------------------------------------------------------


def test_an_alias_with_a_nul_character_is_refused(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("incidents:create"), full_data(world, involved_aliases="Ravnen, Kra\x00gen")
    )
    assert response.status_code == 200
    assert "Null-tegn er ikke tilladte" in response.content.decode()
    assert not Incident.objects.exists()


def our_field_classes():
    """Every form field class the product defines."""
    for app in OUR_APPS:
        for module_name in (f"{app}.forms", f"{app}.fields", "centres.plausible"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.Field) and cls.__module__ == module.__name__:
                    yield cls


def make_field(cls):
    if cls is forms.ModelMultipleChoiceField or issubclass(cls, forms.ModelChoiceField):
        return cls(queryset=Incident.objects.all())
    return cls()


def test_every_field_of_our_own_refuses_a_nul_character(db):
    classes = set(our_field_classes())
    assert {AliasListField, YesNoField, WallClockDateTimeField, PlausibleDateField} <= classes
    for cls in classes:
        field = make_field(cls)
        for value in ("\x00", "a\x00b", "2026-01-01\x00"):
            with pytest.raises(forms.ValidationError):
                field.clean(value)
