"""Accounts as an attacker probes them: reset answers that tell nothing, sessions that end."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def reset_page(client, run_jobs):
    """Ask for a reset of `email`; the page answered, once the worker has sent the mail."""

    def ask(email):
        answer = page_answered(client, email)
        run_jobs()
        return answer

    return ask


def page_answered(client, email):
    response = client.post(reverse("password_reset"), {"email": email}, follow=True)
    # The only per-request differences: the CSRF token, masked anew for every page, and
    # each form's one-time submission token.
    text = re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", response.text)
    return response.status_code, re.sub(r'(name="submission_token" value=")[^"]+', r"\1TOKEN", text)


def test_password_reset_answers_the_same_whether_or_not_an_account_exists(db, reset_page):
    UserFactory(username="bob", email="bob@example.org")
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    known = reset_page("bob@example.org")
    for other in ("nobody@example.org", "gone@example.org", "BOB@example.org"):
        assert reset_page(other) == known, other
    assert known[0] == 200
    assert "Tjek din e-mail" in known[1]
    # Mail only for the account that exists and may sign in (the address matched without
    # regard to case, as Django does), and once: the second ask for bob came too soon,
    # with the same answer.
    assert [m.to[0] for m in mail.outbox] == ["bob@example.org"]


def test_password_reset_mails_an_account_at_most_once_per_quarter_hour(db, reset_page):
    UserFactory(username="bob", email="bob@example.org")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False) as traveller:
        answers = {reset_page("bob@example.org") for _ in range(5)}
        assert len(mail.outbox) == 1 and len(answers) == 1
        traveller.shift(14 * 60)
        reset_page("bob@example.org")
        assert len(mail.outbox) == 1
        traveller.shift(61)
        reset_page("bob@example.org")
        assert len(mail.outbox) == 2


def test_a_verified_leader_session_also_ends_when_idle(world, client_for):
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False) as traveller:
        client = client_for(world.leader)
        assert client.get(reverse("incidents:list")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("incidents:list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        # Signing in again asks for a code again.
        client.post(
            reverse("login"),
            {"username": "alice", "password": "correct horse battery staple"},
        )
        assert client.get(reverse("incidents:list")).url.startswith(reverse("two_factor_verify"))


def test_a_verified_session_ends_after_12_hours_however_busy(world, client_for):
    with time_machine.travel("2026-11-23 07:00 +0100", tick=False) as traveller:
        client = client_for(world.leader)
        client.get(reverse("home"))
        for _ in range(12 * 3 + 1):
            traveller.shift(20 * 60)
            response = client.get(reverse("incidents:list"))
            if response.status_code != 200:
                break
        assert response.status_code == 302
        assert response.url == reverse("login")
