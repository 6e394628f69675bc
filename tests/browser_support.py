"""Browser tests: Debian's Chromium, driven by Playwright, against the live server.

Loaded for the whole suite from tests/conftest.py, so any app's tests can drive a browser:
request `live_server` and `page` (and `transactional_db` before data fixtures), and check
each page with `assert_accessible(page)`.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop running in the main thread for the whole
# session once a browser test has started, so Django would refuse every later ORM call
# (in any test) as "async". The calls are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


PLAYWRIGHT_FIXTURES = {"page", "context", "browser", "playwright"}


def pytest_collection_modifyitems(items):
    for item in items:
        if PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def browser_tests_last(items):
    """Browser tests run after all others. Playwright's sync API leaves its event loop
    set in the test's thread for the rest of the session, where asgiref's async_to_sync
    (a job deferred to the queue, a worker's query) then refuses to run. The sort is
    stable: pytest-django's order (transactional tests after the others) holds within."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: "
            "sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)."
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    # A browser that prefers English: the interface must still start in Danish. Reduced
    # motion switches off Bootstrap's colour transitions, so axe never measures a button
    # halfway between two colours.
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "en-GB",
        "reduced_motion": "reduce",
    }


@pytest.fixture
def csp_violations(page):
    """Console messages in which the browser reports a blocked script or style."""
    seen = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


_axe = Axe()


def assert_accessible(page):
    """Fail on any serious or critical axe-core violation on the current page."""
    # Move the pointer off whatever was clicked last: axe judges the resting page.
    page.mouse.move(0, 0)
    results = _axe.run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{page.url}:\n" + "\n".join(serious)


def sign_in(page, live_server, username, password="correct horse battery staple"):
    """Sign in through the form; leaders and safety representatives also enter the code
    their authenticator app would show."""
    from centres.models import User
    from tests.factories import app_device_for, totp_code

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    user = User.objects.filter(username=username).first()
    device = app_device_for(user) if user is not None and user.requires_two_factor else None
    page.get_by_role("button", name="Log ind").click()
    if device is not None:
        page.get_by_label("Kode").fill(totp_code(device))
        page.get_by_role("button", name="Fortsæt").click()
        expect(page.get_by_role("heading", name="Indtast kode")).to_have_count(0)


def open_menu(page, name=None):
    """Open the navigation's menu `name` (None: the signed-in user's own), showing the
    collapsed navigation first on a narrow screen; return the opened menu."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    nav = page.locator("#main-nav")
    button = nav.locator(".user-name") if name is None else nav.get_by_role("button", name=name)
    button.click()
    menu = button.locator("xpath=following-sibling::ul[1]")
    expect(menu).to_be_visible()
    return menu


def go_to(page, menu, link):
    """Follow the link `link` in the navigation's menu `menu`."""
    open_menu(page, menu).get_by_role("link", name=link, exact=True).click()


def sign_out(page, label="Log ud"):
    open_menu(page).get_by_role("button", name=label).click()
