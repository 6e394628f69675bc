"""A privacy officer reads the one-time form tokens' table after Bob records an advice
contact. The advice design promises that nothing ties a contact to who recorded it: the
row names no user, no exact moment, and not the contact."""

from django.urls import reverse
from django.utils import timezone

from advice.models import Contact
from centres.models import SubmissionToken
from tests.advice.factories import TopicFactory
from tests.advice.test_record import post_data

TOKEN = "privacy-token-0000000001"


def record_contact(client, world, token=TOKEN):
    topic = TopicFactory(organisation=world.org_a)
    data = post_data(world.centre_a, [topic], date=timezone.localdate().isoformat())
    return client.post(reverse("advice:record"), {**data, "submission_token": token})


def test_the_token_row_names_no_user_no_moment_and_not_the_contact(world, client_for):
    client = client_for(world.staff_a)
    response = record_contact(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "undo=" in response.url  # the browser gets its way back
    contact = Contact.objects.get()
    row = SubmissionToken.objects.get(token=TOKEN)
    stored = " ".join(str(value) for value in row.__dict__.values() if value is not None)
    assert "undo" not in stored and response.url not in stored
    assert row.location == reverse("advice:record")
    assert str(world.staff_a.pk) != row.owner and world.staff_a.username not in stored
    assert (row.created.minute, row.created.second, row.created.microsecond) == (0, 0, 0)
    assert not [f.name for f in SubmissionToken._meta.fields if f.is_relation]
    assert str(contact.pk) not in row.location


def test_the_same_form_sent_again_is_saved_once_without_the_undo_link(world, client_for):
    client = client_for(world.staff_a)
    record_contact(client, world)
    again = record_contact(client, world)
    assert again.status_code == 302
    assert again.url == reverse("advice:record")
    assert Contact.objects.count() == 1


def test_another_user_cannot_replay_bobs_token(world, client_for):
    record_contact(client_for(world.staff_a), world)
    response = record_contact(client_for(world.leader), world)
    assert response.status_code == 400
    assert Contact.objects.count() == 1
