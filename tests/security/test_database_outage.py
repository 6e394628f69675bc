"""The database goes away under a running app server, and comes back.

A real gunicorn server reaches PostgreSQL through a relay the test can cut, as a crashed
or restarting database would. While it is cut, every page answers 503 with Retry-After
and a short Danish page, the tally's htmx answer tells the phone the tap was not counted,
/healthz says the database is unavailable, and the log has one line per request and no
traceback. Once it is back, the tap sent again with its token is counted exactly once.
"""

import contextlib
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from centres.models import VisitCount
from tests.security.test_throttling_processes import (
    Browser,
    database_url,
    free_port,
    serve,
    wait_until_up,
)


class DatabaseLink:
    """A TCP relay from the app server to PostgreSQL that can be cut and restored."""

    def __init__(self):
        settings = connection.settings_dict
        host = settings["HOST"] or settings["OPTIONS"].get("host") or "/tmp"
        port = int(settings["PORT"] or 5432)
        if host.startswith("/"):
            self.target = (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
        else:
            self.target = (socket.AF_INET, (host, port))
        self.port = free_port()
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        """New connections are refused and open ones break, as when the server dies.

        shutdown() first: a plain close() leaves a thread blocked in accept() or recv()
        holding the socket open."""
        with self.lock:
            for s in [self.listener, *self.sockets]:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            family, address = self.target
            upstream = socket.socket(family, socket.SOCK_STREAM)
            try:
                upstream.connect(address)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


def through(url, link):
    """`url` (postgres://...) with the relay's address in place of the server's."""
    parts = urllib.parse.urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return parts._replace(netloc=f"{credentials}@127.0.0.1:{link.port}").geturl()


@pytest.fixture
def relayed_server(transactional_db):
    link = DatabaseLink()
    link.start()
    with serve(through(database_url(), link)) as (url, process):
        wait_until_up(url, process)
        yield url, link, process
        link.cut()


def fetch(browser, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with browser.opener.open(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def tap(browser, base, centre):
    """A tap as the counter page sends it: htmx, the page's CSRF and one-time tokens."""
    status, _headers, page = fetch(browser, f"{base}/centres/{centre.pk}/tally/")
    assert status == 200, page
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    return send_tap(browser, base, centre, csrf, token), (csrf, token)


def send_tap(browser, base, centre, csrf, token):
    data = urllib.parse.urlencode(
        {"new": "0", "csrfmiddlewaretoken": csrf, "submission_token": token}
    ).encode()
    headers = {"HX-Request": "true", "Referer": base + "/"}
    return fetch(browser, f"{base}/centres/{centre.pk}/tally/tap/", data, headers)


def test_an_outage_answers_503_and_no_tap_is_lost_or_doubled(world, relayed_server):
    base, link, process = relayed_server
    browser = Browser()
    assert browser.sign_in(base, "bob", "correct horse battery staple") == 302
    (status, _h, _body), (csrf, _token) = tap(browser, base, world.centre_a)
    assert status == 200

    # A second tap's page is open on the phone when the database goes away.
    _status, _h, page = fetch(browser, f"{base}/centres/{world.centre_a.pk}/tally/")
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    link.cut()

    status, headers, body = send_tap(browser, base, world.centre_a, csrf, token)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["HX-Retarget"] == "#service-status"
    assert "ikke gemt" in body
    status, headers, body = fetch(browser, base + "/")
    assert (status, headers["Retry-After"]) == (503, "30")
    assert "Prøv igen om lidt" in body
    status, _headers, body = fetch(browser, base + "/healthz")
    assert (status, body) == (503, "database unavailable")

    link.start()
    # The phone sends the same tap again, with its token: counted once.
    status, _h, body = send_tap(browser, base, world.centre_a, csrf, token)
    assert status == 200, body
    assert send_tap(browser, base, world.centre_a, csrf, token)[0] == 200  # a resend
    assert VisitCount.objects.filter(centre=world.centre_a).totals()["visits"] == 2
    assert fetch(browser, base + "/healthz")[:3:2] == (200, "ok")

    process.terminate()
    log = process.communicate(timeout=10)[0]
    assert "Traceback" not in log, log
    assert "_session_cache" not in log, log
    outage_lines = [line for line in log.splitlines() if "Database unreachable" in line]
    assert len(outage_lines) == 3, log  # the tap, the home page, the health check
