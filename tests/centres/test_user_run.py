"""User-run openings: planned with a responsible key holder, recorded afterwards."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import UserRunOpening, VisitCount, VisitKind
from tests.centres.factories import KeyHolderFactory, UserRunOpeningFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")


def test_staff_plan_a_user_run_opening(world, client_for):
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    other = KeyHolderFactory(organisation=world.org_z, alias="Fremmed")
    client = client_for(world.staff_a)
    url = reverse("centres:user_run_add", args=[world.centre_a.pk])
    data = {"starts": "2026-11-28T10:00", "ends": "2026-11-28T14:00", "key_holder": holder.pk}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "key_holder": other.pk}).status_code == 200
    assert client.post(url, {**data, "ends": "2026-11-28T09:00"}).status_code == 200
    assert UserRunOpening.objects.get().key_holder == holder


def test_recording_afterwards_adds_the_visitors_to_the_tallies_once(world, client_for):
    starts = timezone.now() - datetime.timedelta(days=2)
    run = UserRunOpeningFactory(
        centre=world.centre_a, starts=starts, key_holder__organisation=world.org_a
    )
    client = client_for(world.staff_a)
    url = reverse("centres:user_run_record", args=[world.centre_a.pk, run.pk])
    data = {"took_place": "yes", "visitors": "7", "locked_properly": "yes", "unsafe_event": "no"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "visitors": "9"}).status_code == 302  # a correction
    counts = VisitCount.objects.filter(centre=world.centre_a, kind=VisitKind.USER_RUN).totals()
    assert counts["visits"] == 9
    run.refresh_from_db()
    assert run.took_place and run.locked_properly and run.unsafe_event is False
    html = client.post(url, {**data, "visitors": ""}).content.decode()
    assert "Skriv hvor mange der kom" in html


def test_a_future_opening_cannot_be_recorded(world, client_for):
    run = UserRunOpeningFactory(
        centre=world.centre_a,
        starts=timezone.now() + datetime.timedelta(days=1),
        key_holder__organisation=world.org_a,
    )
    url = reverse("centres:user_run_record", args=[world.centre_a.pk, run.pk])
    assert client_for(world.staff_a).get(url).status_code == 404


def test_without_receivers_an_unsafe_opening_shows_no_incident_link(world, client_for, monkeypatch):
    from centres import signals

    monkeypatch.setattr(signals.unsafe_report_url, "receivers", [])
    run = UserRunOpeningFactory(
        centre=world.centre_a, unsafe_event=True, key_holder__organisation=world.org_a
    )
    url = reverse("centres:user_run_record", args=[world.centre_a.pk, run.pk])
    client = client_for(world.staff_a)
    assert "Registrér en hændelse" not in client.get(url).content.decode()
    data = {"took_place": "no", "locked_properly": "yes", "unsafe_event": "yes"}
    assert client.post(url, data)["Location"] == world.centre_a.get_absolute_url()
