"""Recording an advice contact: fast, anonymous, scoped to the user's centres."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from advice.models import Contact, ContactTopic, DefaultTopic, Topic
from tests.advice.factories import TopicFactory

TODAY = datetime.date(2026, 3, 17)
URL = "/advice/record/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 17, 10, 0), tick=False):
        yield


def post_data(centre, topic_list, **overrides):
    data = {
        "centre": centre.pk,
        "date": TODAY.isoformat(),
        "topics": [t.pk for t in topic_list],
        "channel": "drop_in",
        "helper_role": "staff",
        "duration": "under_15",
        "outcome": "answered",
    }
    data.update(overrides)
    return data


def test_url(world):
    assert reverse("advice:record") == URL


def test_first_visit_seeds_the_topics_and_prefills_centre_and_date(world, client_for):
    response = client_for(world.staff_a).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["centre"] == world.centre_a.pk
    assert form.initial["date"] == TODAY
    assert Topic.objects.filter(organisation=world.org_a).count() == 14
    content = response.content.decode()
    assert 'type="hidden" name="centre"' in content
    assert "Gæld og kreditorer" in content


def test_staff_records_a_contact_with_two_topics(world, client_for):
    client = client_for(world.staff_a)
    client.get(URL)
    topics = list(Topic.objects.filter(code__in=[DefaultTopic.DEBT, DefaultTopic.HOUSING]))
    response = client.post(URL, post_data(world.centre_a, topics, new_to_service="on"))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.centre == world.centre_a
    assert contact.date == TODAY
    assert contact.new_to_service
    assert set(contact.topics.all()) == set(topics)
    page = client.get(URL)
    assert "Kontakten er registreret" in page.content.decode()


def test_outreach_worker_defaults_to_outreach_caseworker(world, client_for):
    response = client_for(world.outreach).get(URL)
    assert response.context["form"]["helper_role"].value() == "outreach_caseworker"


def test_leader_with_several_centres_gets_the_last_used_one(world, client_for):
    client = client_for(world.leader)
    assert client.get(URL).context["form"].initial["centre"] is None
    topic = Topic.objects.filter(organisation=world.org_a).first()
    client.post(URL, post_data(world.centre_b, [topic]))
    assert client.get(URL).context["form"].initial["centre"] == world.centre_b.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"topics": []}, "topics", "Vælg mindst ét emne."),
        ({"date": "2026-03-18"}, "date", "Datoen kan ikke ligge i fremtiden."),
        ({"date": "2025-01-01"}, "date", "Kontakter kan registreres op til 31 dage tilbage."),
        ({"date": "17/3-26"}, "date", "Indtast en gyldig dato."),
        ({"channel": "gossip"}, "channel", "Vælg en af mulighederne."),
        ({"duration": ""}, "duration", "Vælg én."),
        ({"topics": ["x"]}, "topics", "Vælg emner fra listen."),
    ],
)
def test_bad_input_gets_a_danish_message_and_saves_nothing(
    world, client_for, overrides, field, message
):
    client = client_for(world.staff_a)
    client.get(URL)
    topic = Topic.objects.filter(organisation=world.org_a).first()
    response = client.post(URL, post_data(world.centre_a, [topic], **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Contact.objects.exists()


def test_another_centre_or_organisation_cannot_be_chosen(world, client_for):
    client = client_for(world.staff_a)
    client.get(URL)
    topic = Topic.objects.filter(organisation=world.org_a).first()
    for centre in (world.centre_b, world.centre_z):
        response = client.post(URL, post_data(centre, [topic]))
        assert "Vælg et af dine væresteder." in response.context["form"].errors["centre"]
    assert not Contact.objects.exists()


def test_another_organisations_or_a_retired_topic_cannot_be_chosen(world, client_for):
    client = client_for(world.staff_a)
    client.get(URL)
    foreign = TopicFactory(organisation=world.org_z)
    retired = TopicFactory(organisation=world.org_a, retired=True)
    for topic in (foreign, retired):
        response = client.post(URL, post_data(world.centre_a, [topic]))
        assert response.status_code == 200
        assert response.context["form"].errors["topics"]
    assert not ContactTopic.objects.exists()


def test_association_may_not_record(world, client_for):
    response = client_for(world.association).post(URL, {})
    assert response.status_code == 403


def test_user_without_a_centre_is_told_so(world, client_for):
    world.staff_a.centres.clear()
    response = client_for(world.staff_a).get(URL)
    assert "ikke tilknyttet et værested" in response.content.decode()


def test_record_page_query_count_is_small(world, client_for, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    client.get(URL)
    with django_assert_max_num_queries(10):
        client.get(URL)


def record_one(client, world):
    client.get(URL)
    topic = Topic.objects.filter(organisation=world.org_a).first()
    response = client.post(URL, post_data(world.centre_a, [topic]))
    assert response.status_code == 302
    return parse_qs(urlsplit(response.url).query)["undo"][0]


def test_the_contact_just_recorded_can_be_undone(world, client_for):
    client = client_for(world.staff_a)
    token = record_one(client, world)
    page = client.get(URL, {"undo": token})
    assert "Fortryd kontakten" in page.content.decode()
    response = client.post("/advice/record/undo/", {"undo": token}, follow=True)
    assert "Kontakten er slettet." in response.content.decode()
    assert not Contact.objects.exists()
    assert not ContactTopic.objects.exists()


def test_undo_is_refused_when_late_tampered_or_out_of_scope(world, client_for):
    client = client_for(world.staff_a)
    token = record_one(client, world)
    for who, value in [(world.staff_a, token + "x"), (world.staff_b, token), (world.staff_a, "")]:
        response = client_for(who).post("/advice/record/undo/", {"undo": value}, follow=True)
        assert "Kontakten kan ikke længere fortrydes." in response.content.decode()
    with time_machine.travel(datetime.datetime(2026, 3, 17, 10, 11), tick=False):
        response = client_for(world.staff_a).post(
            "/advice/record/undo/", {"undo": token}, follow=True
        )
        assert "Kontakten kan ikke længere fortrydes." in response.content.decode()
    assert Contact.objects.count() == 1


def test_the_undo_token_holds_no_person(world, client_for):
    from django.core import signing

    token = record_one(client_for(world.staff_a), world)
    assert signing.loads(token, salt="advice.contact.undo") == Contact.objects.get().pk


def test_default_topics_follow_the_chosen_language(world, client_for):
    client = client_for(world.staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    content = client.get(URL).content.decode()
    assert "Debt and creditors" in content and "Gæld og kreditorer" not in content


def test_an_empty_post_explains_what_is_missing(world, client_for):
    response = client_for(world.staff_a).post(URL, {})
    assert response.status_code == 200
    assert "Vælg mindst ét emne." in response.context["form"].errors["topics"]
    assert not Contact.objects.exists()
