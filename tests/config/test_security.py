import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def test_every_page_carries_a_strict_content_security_policy(db, client):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("persona", ["anonymous", "leader", "staff_a", "outreach", "association"])
def test_pages_have_no_inline_script_or_style(world, client_for, persona):
    from tests.test_permissions import TABLE, build_url, extend_world

    extend_world(world)
    client = client_for(world.persona(persona))
    for name, (kwargs, _statuses) in TABLE.items():
        response = client.get(build_url(world, name, kwargs))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        url = response.request["PATH_INFO"]
        assert "Content-Security-Policy" in response
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "style=" not in html, url
        assert "<style" not in html, url


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_idle_session_is_gone_after_30_minutes(db, client):
    UserFactory(username="bob")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False) as traveller:
        sign_in(client, "bob")
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(29 * 60)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_active_session_ends_after_12_hours(db, client):
    UserFactory(username="bob")
    with time_machine.travel("2026-11-23 07:00 +0100", tick=False) as traveller:
        sign_in(client, "bob")
        for _ in range(12 * 3 + 1):  # a request every 20 minutes, past 12 hours
            traveller.shift(20 * 60)
            response = client.get(reverse("home"))
            if response.status_code != 200:
                break
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_login_is_throttled_after_five_failures_then_released(db, client):
    UserFactory(username="bob")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, "bob", "wrong").status_code == 200
        response = sign_in(client, "bob", "wrong")
        assert response.status_code == 429
        assert "For mange forsøg" in response.content.decode()
        # Even the right password waits out the pause.
        assert sign_in(client, "bob").status_code == 429
        traveller.shift(16 * 60)
        response = sign_in(client, "bob")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_throttling_one_user_leaves_others_alone(db, client):
    UserFactory(username="bob")
    UserFactory(username="carol")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "bob", "wrong")
    assert sign_in(client, "carol").status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(db, client, run_jobs):
    UserFactory(username="bob", email="bob@example.org")
    known = client.post(reverse("password_reset"), {"email": "bob@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert mail.outbox == []  # the worker sends it, never the request
    run_jobs()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.org"]
    assert mail.outbox[0].subject == "Ny adgangskode til Værested"


def test_password_reset_link_sets_a_new_password(db, client, run_jobs):
    UserFactory(username="bob", email="bob@example.org")
    client.post(reverse("password_reset"), {"email": "bob@example.org"})
    run_jobs()
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "a new and long pass", "new_password2": "a new and long pass"}
    )
    assert response.url == reverse("password_reset_complete")
    assert sign_in(client, "bob", "a new and long pass").status_code == 302


def test_password_change_rejects_a_wrong_old_password_in_danish(db, client):
    UserFactory(username="bob")
    sign_in(client, "bob")
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
    assert "Din gamle adgangskode blev ikke indtastet korrekt" in response.content.decode()


def test_throttling_behind_a_proxy_goes_by_the_client_address(db, client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(username="bob")
    # The attacker forges Bob's address; the proxy appends the real one.
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"}, **attacker)
    assert (
        client.post(reverse("login"), {"username": "bob", "password": PASSWORD}, **attacker)
    ).status_code == 429
    bob = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD}, **bob)
    assert response.status_code == 302


def test_admin_is_for_superusers_only_even_with_is_staff(world, client_for):
    world.leader.is_staff = True
    world.leader.save()
    response = client_for(world.leader).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_superuser_reaches_the_admin(db, client_for, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    assert client_for(root).get(reverse("admin:centres_centre_changelist")).status_code == 200


def test_htmx_requests_carry_the_csrf_token(world, client_for):
    html = client_for(world.staff_a).get(reverse("home")).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)
    assert token and len(token.group(1)) >= 32
