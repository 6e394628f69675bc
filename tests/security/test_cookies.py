"""Cookies. Mallory learns the session id of Alice's session before Alice gives her second step
(a cookie planted on a shared tablet, or read over her shoulder). When Alice passes the
step, the session gets a new key: Mallory's copy opens nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.two_factor import replace_backup_codes
from tests.factories import totp_code

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def session_id(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_session(key):
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


def signed_in_with_password(world, client):
    response = client.post(
        reverse("login"), {"username": world.leader.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return session_id(client)


def test_the_second_step_gives_the_session_a_new_key(world, client):
    before = signed_in_with_password(world, client)
    mallory = with_session(before)
    assert mallory.get(reverse("home")).url.startswith(reverse("two_factor_verify"))

    device = TOTPDevice.objects.get(user=world.leader)
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(device)}).status_code == 302

    assert session_id(client) != before
    assert client.get(reverse("dashboard:index")).status_code == 200
    # The old key is gone: not verified, not even signed in.
    response = mallory.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_backup_code_renews_the_key_too(world, client):
    codes = replace_backup_codes(world.leader)
    before = signed_in_with_password(world, client)
    client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert session_id(client) != before
    assert with_session(before).get(reverse("home")).url.startswith(reverse("login"))


def test_turning_the_second_step_off_renews_the_key(world, client_for):
    client = client_for(world.staff_a)
    session = client.session
    session["marker"] = "kept"
    session.save()
    # Bob set up an app (staff may), passed the step, and now turns it off.
    device = TOTPDevice.objects.create(user=world.staff_a, name="app", confirmed=True)
    client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    before = session_id(client)
    response = client.post(reverse("two_factor_remove"), {"password": PASSWORD})
    assert response.status_code == 302
    assert session_id(client) != before
    assert client.session["marker"] == "kept"


def test_production_cookies_are_host_only_and_secure():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "cookie-check-" + "q" * 50,
        "DJANGO_ALLOWED_HOSTS": "vaerested.example.org",
        "DJANGO_EMBEDDED_DATABASE": "1",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, "
        "s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, s.LANGUAGE_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "None",
        "None",
        "/",
        "/",
        "True",
    ]


def test_the_language_cookie_is_lax_and_out_of_reach_of_scripts(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
