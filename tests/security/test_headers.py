"""What every response tells the browser: keep no copy, run only our own code, no framing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_permissions import TABLE, build_url, extend_world

ROOT = Path(__file__).resolve().parents[2]
# Pages with incidents, bans and key holders, and some without.
SENSITIVE = [
    "home",
    "incidents:list",
    "incidents:detail",
    "incidents:ban_list",
    "incidents:ban_detail",
    "incidents:centre_bans",
    "centres:keys",
    "centres:key_holder_edit",
    "two_factor",
]


def directives(response):
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


@pytest.mark.parametrize("name", SENSITIVE)
def test_signed_in_pages_are_not_stored_and_carry_the_security_headers(world, client_for, name):
    extend_world(world)
    kwargs, _statuses = TABLE[name]
    response = client_for(world.leader).get(build_url(world, name, kwargs))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert "public" not in cache_control

    policy = directives(response)
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_keep_their_caching(world, client_for):
    client = client_for(world.leader)
    static = client.get(settings.STATIC_URL + "css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_deploy_check_is_clean():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "deploy-check-" + "q" * 50,
        "DJANGO_ALLOWED_HOSTS": "vaerested.example.org",
        "DJANGO_EMBEDDED_DATABASE": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
