"""Mallory sprays: one wrong password at each of many user names from one address. Each
user name alone never reaches its limit; the address does, and then waits for every user
name, while Bob's office at another address signs in as usual."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
MALLORY = "203.0.113.66"
OFFICE = "198.51.100.10"


def sign_in(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def limit():
    return settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


def test_the_limit_per_address_is_above_the_one_per_user_name(limit):
    assert limit > settings.AXES_FAILURE_LIMIT


def test_spraying_many_user_names_pauses_the_address(db, client, limit):
    UserFactory(username="bob")
    with time_machine.travel("2027-02-01 09:00 +0100", tick=False) as traveller:
        for n in range(limit - 1):
            response = sign_in(client, f"person{n}", "Sommer2027!", MALLORY)
            assert response.status_code == 200, n  # "wrong user name or password"
        # The failure that reaches the limit pauses the address, as for one user name.
        assert sign_in(client, "someone-else", "Sommer2027!", MALLORY).status_code == 429
        response = sign_in(client, "bob", PASSWORD, MALLORY)
        assert response.status_code == 429
        assert "For mange forsøg" in response.content.decode()
        # Bob from the office is not paused.
        assert sign_in(client, "bob", PASSWORD, OFFICE).status_code == 302
        client.logout()
        # After the pause the address may try again.
        traveller.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)
        assert sign_in(client, "bob", PASSWORD, MALLORY).status_code == 302


def test_a_few_mistakes_in_an_office_never_pause_it(db, client, limit):
    # A shared address with ordinary typos: below the limit everyone still signs in.
    people = [UserFactory(username=f"staff{n}") for n in range(limit // 2)]
    for person in people:
        sign_in(client, person.username, "typo", OFFICE)
    for person in people:
        assert sign_in(client, person.username, PASSWORD, OFFICE).status_code == 302
        client.logout()
