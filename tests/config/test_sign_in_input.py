"""Whatever is typed on the sign-in page, the answer is a refusal, never a server error."""

from axes.models import AccessAttempt
from django.urls import reverse


def test_a_user_name_longer_than_any_column_is_refused_and_counted(world, client):
    client.raise_request_exception = False
    name = "0" * 300
    response = client.post(reverse("login"), {"username": name, "password": "0"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == name[:255]
    assert attempt.failures_since_start == 1


def test_a_sign_in_with_an_ordinary_name_is_recorded_under_that_name(world, client):
    client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert AccessAttempt.objects.get().username == "bob"
