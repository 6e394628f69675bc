"""The leader keeps the organisation's topics: add, retire, use again."""

from advice.models import Topic
from tests.advice.factories import ContactFactory

URL = "/advice/topics/"


def test_leader_sees_the_seeded_topics_and_adds_one(world, client_for):
    client = client_for(world.leader)
    assert "Økonomi og budget" in client.get(URL).content.decode()
    assert client.post(URL, {"name": "Tøj og vask"}).status_code == 302
    assert Topic.objects.filter(organisation=world.org_a, name="Tøj og vask").exists()


def test_a_duplicate_or_cpr_name_is_refused(world, client_for):
    client = client_for(world.leader)
    client.get(URL)
    for name, message in [
        ("gæld og kreditorer", "Der findes allerede et emne med det navn."),
        ("Debt and creditors", "Der findes allerede et emne med det navn."),
        ("Sag 010190-1234", "CPR-nummer"),
        ("", "påkrævet"),
    ]:
        response = client.post(URL, {"name": name})
        assert message in " ".join(response.context["form"].errors["name"])
    assert Topic.objects.filter(organisation=world.org_a).count() == 14


def test_a_used_topic_is_retired_then_used_again(world, client_for):
    client = client_for(world.leader)
    client.get(URL)
    topic = Topic.objects.filter(organisation=world.org_a).first()
    ContactFactory(centre=world.centre_a, topics=[topic])
    client.post(f"/advice/topics/{topic.pk}/toggle/")
    topic.refresh_from_db()
    assert topic.retired
    assert topic not in Topic.objects.active()
    client.post(f"/advice/topics/{topic.pk}/toggle/")
    topic.refresh_from_db()
    assert not topic.retired


def test_another_organisations_topic_is_not_found(world, client_for):
    client_for(world.other_leader).get(URL)
    foreign = Topic.objects.filter(organisation=world.org_z).first()
    assert client_for(world.leader).post(f"/advice/topics/{foreign.pk}/toggle/").status_code == 404
    assert client_for(world.staff_a).post(f"/advice/topics/{foreign.pk}/toggle/").status_code == 403
