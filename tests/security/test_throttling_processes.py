"""Sign-in throttling holds across app servers: they share it through the database.

Two real gunicorn servers run against the test database; wrong passwords for Bob are
spread over both, and once the limit is reached both refuse him.
"""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60  # a loaded CI machine; they usually start in 2-3 s


def database_url():
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{urllib.parse.quote(host, safe='')}{port}/{db['NAME']}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, process):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the worker boots
            time.sleep(0.2)  # polling a starting process, not waiting on the app
    raise AssertionError(f"{url} did not start within {STARTUP_SECONDS} s")


@contextlib.contextmanager
def serve(database):
    """A gunicorn app server (one worker) on the test settings and `database` (a URL);
    yields its base URL and process, whose output is its log."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database,
    }
    url = f"http://127.0.0.1:{free_port()}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        "1",
        "--bind",
        url.removeprefix("http://"),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def two_servers(transactional_db):
    with serve(database_url()) as first, serve(database_url()) as second:
        for url, process in (first, second):
            wait_until_up(url, process)
        yield [first[0], second[0]]


class Browser:
    """Just enough of a browser: cookies, and the CSRF token from the sign-in form."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirects(),
        )

    def sign_in(self, base, username, password):
        with self.opener.open(base + "/account/login/", timeout=10) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        try:
            with self.opener.open(base + "/account/login/", data=data, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_wrong_passwords_spread_over_two_servers_are_counted_together(two_servers):
    UserFactory(username="bob")
    first, second = two_servers
    browser = Browser()
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [browser.sign_in((first, second)[n % 2], "bob", "wrong") for n in range(limit - 1)]
    assert statuses == [200] * (limit - 1)  # the form again, with a message
    assert browser.sign_in(second if limit % 2 == 0 else first, "bob", "wrong") == 429
    # Now both servers refuse Bob, even with the right password.
    assert browser.sign_in(first, "bob", "correct horse battery staple") == 429
    assert browser.sign_in(second, "bob", "correct horse battery staple") == 429
