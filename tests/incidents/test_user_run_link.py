"""A user-run opening where something unsafe happened links to the quick incident form,
prefilled with the centre and the user-run context."""

from urllib.parse import urlencode

from django.urls import reverse

from centres import signals
from incidents.models import Context
from tests.centres.factories import UserRunOpeningFactory

RECORD = {"took_place": "yes", "visitors": "4", "locked_properly": "yes"}


def opening(world, **kwargs):
    return UserRunOpeningFactory(
        centre=world.centre_a, key_holder__organisation=world.org_a, **kwargs
    )


def record_url(run):
    return reverse("centres:user_run_record", args=[run.centre_id, run.pk])


def quick_url(world):
    query = urlencode({"centre": world.centre_a.pk, "context": "user_run"})
    return f"{reverse('incidents:quick')}?{query}"


def test_incidents_gives_centres_the_link_only_for_an_unsafe_opening(world):
    assert signals.unsafe_report_url_for(opening(world, unsafe_event=True)) == quick_url(world)
    assert signals.unsafe_report_url_for(opening(world, unsafe_event=False)) is None


def test_a_yes_shows_the_link_to_the_incident_form(world, client_for):
    run = opening(world, unsafe_event=True)
    html = client_for(world.staff_a).get(record_url(run)).content.decode()
    assert "Registrér en hændelse" in html
    assert quick_url(world).replace("&", "&amp;") in html


def test_a_no_shows_no_link(world, client_for):
    run = opening(world, unsafe_event=False)
    html = client_for(world.staff_a).get(record_url(run)).content.decode()
    assert "Registrér en hændelse" not in html


def test_recording_a_yes_returns_to_the_page_with_the_link(world, client_for):
    run = opening(world)
    client = client_for(world.staff_a)
    response = client.post(record_url(run), {**RECORD, "unsafe_event": "yes"})
    assert response["Location"] == record_url(run)
    assert "Registrér en hændelse" in client.get(response["Location"]).content.decode()
    response = client.post(record_url(run), {**RECORD, "unsafe_event": "no"})
    assert response["Location"] == world.centre_a.get_absolute_url()


def test_the_link_opens_the_quick_form_prefilled(world, client_for):
    response = client_for(world.staff_a).get(quick_url(world))
    form = response.context["form"]
    assert form["centre"].value() == world.centre_a.pk
    assert form["context"].value() == Context.USER_RUN_OPENING
    html = response.content.decode()
    assert f'value="{Context.USER_RUN_OPENING}"' in html
    assert f'<option value="{world.centre_a.pk}" selected>' in html
