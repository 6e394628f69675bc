"""An unreachable database is told apart from a refused statement: the first answers 503
with Retry-After (config.outage), the second stays a 500, as a bug should."""

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import expect

from centres.models import VisitCount
from config import outage
from tests.browser_support import assert_accessible, sign_in


def wrapped(error):
    """As Django raises it: its own class, from the driver's error."""
    try:
        try:
            raise error
        except psycopg.Error as driver:
            raise OperationalError(str(driver)) from driver
    except OperationalError as django_error:
        return django_error


@pytest.mark.parametrize(
    "error",
    [
        wrapped(psycopg.OperationalError("connection failed: Connection refused")),
        wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")),
        wrapped(psycopg.errors.ConnectionFailure("server closed the connection")),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "shut down", "starting up", "connection lost", "closed"],
)
def test_a_lost_database_is_unreachable(error):
    assert outage.database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
        wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
        wrapped(psycopg.errors.LockNotAvailable("could not obtain lock")),
        ValueError("a bug"),
        None,
    ],
    ids=["deadlock", "timeout", "lock", "bug", "nothing"],
)
def test_a_refused_statement_or_a_bug_is_not(error):
    assert not outage.database_unreachable(error)


def handled(error, **headers):
    request = RequestFactory().get("/centres/", headers=headers)
    try:
        raise error
    except Exception:
        return outage.server_error(request)


def test_the_handler_answers_503_for_an_outage_and_500_for_a_bug(db):
    unreachable = handled(wrapped(psycopg.OperationalError("connection failed")))
    assert unreachable.status_code == 503
    assert unreachable["Retry-After"] == "30"
    assert "Prøv igen om lidt" in unreachable.content.decode()
    assert handled(ValueError("a bug")).status_code == 500


def test_an_htmx_request_gets_a_line_for_the_status_region(db):
    response = handled(wrapped(psycopg.OperationalError("x")), HX_Request="true")
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#service-status"
    assert "ikke gemt" in response.content.decode()


def test_the_phone_keeps_a_tap_the_server_could_not_count_and_sends_it_again(
    transactional_db, live_server, world, page
):
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/centres/{world.centre_a.pk}/tally/")
    counter = page.locator(".tally-number")
    expect(counter).to_have_text("0")
    # The database is away for this tap: the server answers as config.outage does.
    page.route(
        "**/tally/sync/",
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "30", "Content-Type": "text/html; charset=utf-8"},
            body=render_to_string("includes/_unavailable.html"),
        ),
    )
    page.get_by_role("button", name="+1 besøgende").click()
    expect(page.locator(".tally-waiting")).to_have_text("1 ikke sendt endnu")
    expect(page.locator(".tally-note")).to_contain_text("kunne ikke sendes")
    expect(counter).to_have_text("1")
    assert not VisitCount.objects.exists()
    assert_accessible(page)
    # The database is back: the waiting tap goes on the next try, counted once.
    page.unroute("**/tally/sync/")
    expect(page.locator(".tally-queue")).to_be_hidden(timeout=10000)
    expect(counter).to_have_text("1")
    assert VisitCount.objects.get(centre=world.centre_a).visits == 1
