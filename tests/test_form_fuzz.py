"""Whatever is posted to any form of the product, the answer is never a server error and
never a partly saved row.

The forms are found, not listed: every page of the permission table is opened as a
persona who may use it, and every <form method="post"> on it is parsed. Hypothesis then
fills the fields with text of every kind, huge and negative numbers, digits that are not
ASCII (superscript, Arabic-Indic, full-width), NUL characters, dates far in the past and
future (so ranges come reversed), and bytes that are not UTF-8. An answer that is not a
success (a redirect, or an htmx answer) must be the form with its errors or a 4xx, and
every table must hold as many rows as before. Every form is also posted once with each
date in year 1 and once in year 9999, which must be refused; and every page of the
permission table is opened with such values in the query strings the views read, which
must never be a server error.

Examples per form: 5 by default; HYPOTHESIS_PROFILE=thorough runs 200 (see README).
"""

import os
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.middleware import TOKEN_FIELD
from tests.activities import permissions as activities_permissions
from tests.advice import permissions as advice_permissions
from tests.centres import permissions as centres_permissions
from tests.config import permissions as config_permissions
from tests.conftest import PERSONAS
from tests.incidents import permissions as incidents_permissions
from tests.test_permissions import CORE, TABLE, build_url, extend_world

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
EXAMPLES = 200 if THOROUGH else 5
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not THOROUGH,  # the same examples on every CI run; new ones when thorough
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
PERSONA_ORDER = ["leader", "staff_a", "outreach", "association", "anonymous"]
# Forms that end the session or only set a cookie: nothing to save, nothing to break.
SKIPPED_ACTIONS = {"logout", "set_language"}
# Rows written on purpose whatever the answer: sign-in attempts, sessions, access logs.
UNCOUNTED = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
UNCOUNTED |= {"centres.accesslogentry"}
ERROR_MARKERS = ("invalid-feedback", "alert-danger", 'role="alert"')
CPR = "Ring til ham, 010190-1234"
CPR_WITHOUT_DASH = "0101901234 stod der"
# The disguises of issue 21: other dashes, full-width digits, invisibles, separators, O.
CPR_DISGUISED = [
    "Ring til ham, 010190\u20131234",
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14 stod der",
    "0101\u200b90\u22121234",
    "01.01.90-1234",
    "01 01 90 1234",
    "010190--1234",
    "010190/1234",
    "O1O19O\u20111234",
]
FREE_TEXT = {"text", "textarea", "search"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select" or "textarea"
    value: str = ""
    options: list = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    htmx: bool
    fields: dict = field(default_factory=dict)

    def add(self, name, kind, value="", option=None, multiple=False):
        known = self.fields.setdefault(name, Field(name, kind, value, multiple=multiple))
        if option is not None:
            known.options.append(option)

    def defaults(self):
        """What the browser would send unchanged: values, the chosen or first option."""
        data = {}
        for f in self.fields.values():
            if f.kind in ("checkbox", "radio", "select"):
                data[f.name] = f.value or (f.options[0] if f.options else "")
            else:
                data[f.name] = f.value
        return data


class FormParser(HTMLParser):
    """Collect the POST forms of a page with their fields."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            posts = (a.get("method") or "").lower() == "post" or "hx-post" in a
            action = a.get("hx-post") or a.get("action") or self.page_url
            self.form = Form(action, "hx-post" in a) if posts else None
            if self.form:
                self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "option" and self.select:
            select = self.form.fields[self.select]
            select.options.append(a.get("value", ""))
            if "selected" in a:
                select.value = a.get("value", "")
        elif "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            self.input(a)
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self.input({**a, "type": "submit"})
        elif tag == "select":
            self.select = a["name"]
            self.form.add(a["name"], "select", multiple="multiple" in a)
        elif tag == "textarea":
            self.textarea = a["name"]
            self.form.add(a["name"], "textarea")

    def input(self, a):
        kind = (a.get("type") or "text").lower()
        if kind == "submit":  # a named button (the tally's "new") sends its value
            self.form.add(a["name"], "radio", option=a.get("value", ""))
        elif kind in ("checkbox", "radio"):
            self.form.add(a["name"], kind, option=a.get("value", "on"))
            if "checked" in a:
                self.form.fields[a["name"]].value = a.get("value", "on")
        elif kind not in ("button", "image", "reset", "file"):
            self.form.add(a["name"], kind, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.fields[self.textarea].value += data


def post_forms(html, page_url):
    parser = FormParser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if url_name(f.action) not in SKIPPED_ACTIONS]


def url_name(action):
    try:
        match = resolve(urlsplit(action).path)
    except Resolver404:
        return None
    return match.view_name


# --- What is posted ---------------------------------------------------------------------

ARABIC_INDIC, FULL_WIDTH = 0x0660, 0xFF10  # their zeros


def in_digits(zero, text):
    """`text` with its ASCII digits written in the digits starting at `zero`."""
    return text.translate({ord("0") + i: chr(zero + i) for i in range(10)})


# str.isdigit() is true for each; int() refuses the first and reads the others.
UNICODE_DIGITS = ["²", in_digits(ARABIC_INDIC, "3"), in_digits(FULL_WIDTH, "1")]
UNICODE_DIGITS += [in_digits(ARABIC_INDIC, "123"), in_digits(FULL_WIDTH, "2147483648")]
NULS = ["\x00", "a\x00b", "Ravnen, Kra\x00gen", "2026-01-01\x00"]
unicode_digits = st.sampled_from(UNICODE_DIGITS)
nul = st.one_of(st.sampled_from(NULS), st.text(max_size=20).map(lambda t: t + "\x00" + t))
not_utf8 = st.sampled_from([b"\xff\xfe", b"caf\xe9", b"\xc3\x28", b"\x80abc", b"\xed\xa0\x80"])
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["-1", "0", "2147483648", "-2147483649", "1e309", "NaN", "-0", "1,5"]),
    unicode_digits,
)
far_dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "1900-01-01", "2999-12-31", "2026-02-30"]),
    st.sampled_from([in_digits(z, "0001-01-01") for z in (ARABIC_INDIC, FULL_WIDTH)]),
    st.just("2026-01-01\x00"),
)
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), st.sampled_from(["24:00", "25:61", "-1:00"])
)
datetimes = st.one_of(
    st.builds(lambda d, t: f"{d}T{t}", far_dates, times),
    st.sampled_from(["0001-01-01T00:00", "9999-12-31T23:59"]),
)
any_text = st.one_of(st.text(max_size=300), st.text(min_size=1, max_size=20).map(lambda t: t * 300))
any_text = st.one_of(any_text, nul)
anything = st.one_of(any_text, numbers, far_dates, not_utf8, unicode_digits, nul, st.just(""))


def value_for(f):
    """A strategy for one field: mostly its own kind of value, sometimes anything."""
    own = {
        "number": numbers,
        "date": far_dates,
        "time": times,
        "datetime-local": datetimes,
        "text": any_text,
        "textarea": any_text,
        "email": st.one_of(st.emails(), any_text),
    }.get(f.kind, anything)
    if f.options:
        choice = st.sampled_from(f.options)
        own = st.lists(choice, max_size=len(f.options)) if f.multiple else choice
        if f.kind == "checkbox":
            own = st.lists(choice, max_size=len(f.options), unique=True)
    return st.one_of(own, own, anything, st.none())  # None: the field is left out


def form_data(form):
    return st.fixed_dictionaries(
        {name: value_for(f) for name, f in form.fields.items() if name != TOKEN_FIELD}
    )


def encode(data):
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                pairs.append((name, item))
    pairs.append((TOKEN_FIELD, secrets.token_urlsafe(24)))  # a fresh form each time
    return urlencode(pairs)


# --- What is checked --------------------------------------------------------------------


def row_counts():
    """Rows per table, in one query."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and model._meta.label_lower not in UNCOUNTED
        }
    )
    counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def send(client, form, body, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.generic(
        "POST",
        form.action,
        body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


# Pages that answer a successful post with a page, not a redirect: new backup codes are
# shown once and kept nowhere a redirect could fetch them from.
SHOWN_ONCE = {"two_factor/backup_codes.html"}
# Searches by alias go by POST (an alias is never put in a URL) and answer with the
# results; their refusals (a CPR-like term) are checked with the other free text.
SEARCH_PAGES = {"centres/access_log.html", "incidents/incident_list.html"}


def succeeded(response, htmx):
    status = response.status_code
    return (
        300 <= status < 400
        or (htmx and status == 200)
        or (status == 200 and any(t.name in SHOWN_ONCE for t in response.templates))
        or (
            status == 200
            and any(t.name in SEARCH_PAGES for t in response.templates)
            and not any(m in response.content.decode() for m in ERROR_MARKERS)
        )
    )


def check_answer(response, htmx, before, what):
    status = response.status_code
    assert status < 500, f"{what}: server error"
    if succeeded(response, htmx):
        return
    assert status == 200 or 400 <= status < 500, f"{what}: answered {status}"
    if status == 200:
        html = response.content.decode()
        assert any(m in html for m in ERROR_MARKERS), f"{what}: 200 without an error shown"
    after = row_counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"{what}: refused, but rows changed: {changed}"


def field_has_error(html, name):
    """Crispy marks the field's widget is-invalid and gives its error an id after it."""
    widget = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', html)
    return bool(
        (widget and "is-invalid" in widget.group())
        or re.search(rf'id="(?:error_\d+_id_{name}|id_{name}-errors)"', html)
    )


# --- The walk ---------------------------------------------------------------------------

APP_ROWS = {
    "core": CORE,
    "centres": centres_permissions.ROWS,
    "activities": activities_permissions.ROWS,
    "advice": advice_permissions.ROWS,
    "incidents": incidents_permissions.ROWS,
}
# Pages that are not forms: the health check and the calendar feed.
NOT_PAGES = {"healthz", "activities:calendar_feed"}
# Dates in years no one means: the year 1 made every page listing it answer 500.
NO_ONE_MEANS = ["0001-01-01", "9999-12-31"]
# What the views read from query strings, and values that once broke them.
QUERY_NAMES = ["centre", "centres", "fob", "meeting", "date", "week", "from", "to", "start"]
QUERY_NAMES += ["end", "page", "year", "status", "show", "view", "kind", "context", "undo"]
QUERY_VALUES = [*UNICODE_DIGITS[:3], "\x00", *NO_ONE_MEANS, "99999999999999999999", "-1"]
# Sign-in and password forms hold names and passwords, not free text.
NOT_FREE_TEXT = {"login", "password_change", "password_reset"}


def pages_of(rows):
    """(url name, persona) for each page a persona of organisation A may open."""
    for name, (_kwargs, statuses) in rows.items():
        if name in NOT_PAGES:
            continue
        for persona in PERSONA_ORDER:
            if statuses[PERSONAS.index(persona)] == 200:
                yield name, persona
                break


def discover(world, client_for, rows):
    """Every POST form on the app's pages: (persona, page name, form), each action once."""
    found = {}
    for name, persona in pages_of(rows):
        client = client_for(world.persona(persona))
        url = build_url(world, name, TABLE[name][0])
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        for form in post_forms(response.content.decode(), url):
            found.setdefault((persona, form.action), (persona, name, form))
    return list(found.values())


@pytest.mark.parametrize("app", list(APP_ROWS))
def test_no_form_breaks_on_any_input(world, client_for, app):
    extend_world(world)
    forms = discover(world, client_for, APP_ROWS[app])
    assert forms or app == "core", f"no forms found on {app}'s pages"

    # First what must be refused whatever else is sent: nothing is changed by these.
    for persona, name, form in forms:
        client = client_for(world.persona(persona))
        client.raise_request_exception = False
        check_refusals(client, name, form, f"{name} as {persona}: POST {form.action}")

    # Then anything at all; forms that delete or close something go last, so the pages'
    # own forms are tried while their objects still exist.
    for persona, name, form in sorted(
        forms, key=lambda f: f[2].action != build_url(world, f[1], TABLE[f[1]][0])
    ):
        client = client_for(world.persona(persona))
        client.raise_request_exception = False
        fuzz(client, form, f"{name} as {persona}: POST {form.action}")


# The tablet by the door is no persona of the table: its pages are walked with its cookie.
KIOSK_PAGES = ["centres:kiosk_home", "centres:tally", "advice:record", "incidents:quick"]


def test_no_kiosk_form_breaks_on_any_input(world, client):
    """The forms a paired tablet of centre A is shown, and the pairing page's, fuzzed as
    the tablet (and the pairing form as anyone)."""
    from centres.kiosk import COOKIE_NAME
    from tests.centres.factories import KioskDeviceFactory, pair_kiosk

    extend_world(world)
    client.raise_request_exception = False
    forms = {}
    for name in [*KIOSK_PAGES, "centres:kiosk_pair"]:
        url = build_url(world, name, TABLE[name][0])
        if name == "centres:kiosk_pair":
            client.cookies.pop(COOKIE_NAME, None)
        else:
            client.cookies[COOKIE_NAME] = pair_kiosk(KioskDeviceFactory(centre=world.centre_a))
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        for form in post_forms(response.content.decode(), url):
            forms.setdefault(form.action, (name, form))
    assert {url_name(action) for action in forms} >= {
        "centres:tally_tap",
        "advice:record",
        "incidents:quick",
        "centres:kiosk_pair",
    }
    client.cookies[COOKIE_NAME] = pair_kiosk(KioskDeviceFactory(centre=world.centre_a))
    for name, form in forms.values():
        what = f"{name} as a tablet: POST {form.action}"
        check_refusals(client, name, form, what)
        fuzz(client, form, what)


def check_refusals(client, name, form, what):
    """What must be refused whatever else is sent: nothing is changed by these."""

    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused before any view runs.
    huge = {**form.defaults(), "x": "a" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    before = row_counts()
    response = send(client, form, encode(huge))
    assert response.status_code == 400, f"{what}: oversized body got {response.status_code}"
    check_answer(response, False, before, what)

    # A date no one means, in every date field at once, is refused.
    dated = [f.name for f in form.fields.values() if f.kind in ("date", "datetime-local")]
    for year in NO_ONE_MEANS if dated else ():
        far = {n: year if form.fields[n].kind == "date" else f"{year}T12:00" for n in dated}
        before = row_counts()
        response = send(client, form, encode({**form.defaults(), **far}))
        assert not succeeded(response, False), f"{what}: a date {year} was taken"
        check_answer(response, False, before, what)

    # A CPR-like number in any free-text field is refused, with the error on that field.
    free_text = [f.name for f in form.fields.values() if f.kind in FREE_TEXT]
    if name in NOT_FREE_TEXT or not free_text:
        return
    for cpr in (CPR, CPR_WITHOUT_DASH, *CPR_DISGUISED):
        before = row_counts()
        response = send(client, form, encode({**form.defaults(), **dict.fromkeys(free_text, cpr)}))
        assert not succeeded(response, False), f"{what}: a CPR number was taken"
        check_answer(response, False, before, what)
        html = response.content.decode()
        unmarked = [n for n in free_text if not field_has_error(html, n)]
        assert not unmarked, f"{what}: CPR number taken without an error on {unmarked}"


def fuzz(client, form, what):
    @FUZZ
    @given(data=form_data(form), htmx=st.booleans() if form.htmx else st.just(False))
    def post(data, htmx):
        before = row_counts()
        check_answer(send(client, form, encode(data), htmx), htmx, before, what)

    post()


# The dashboard and report pack read the query string and have no form to post.
QUERY_ROWS = {**APP_ROWS, "config": config_permissions.ROWS}


@pytest.mark.parametrize("app", list(QUERY_ROWS))
def test_no_page_breaks_on_any_query_string(world, client_for, app):
    """Every page, opened with each bad value in every query parameter the views read
    (all at once), and with each name alone holding "²"."""
    extend_world(world)
    for name, persona in pages_of(QUERY_ROWS[app]):
        client = client_for(world.persona(persona))
        client.raise_request_exception = False
        url = build_url(world, name, TABLE[name][0])
        queries = [dict.fromkeys(QUERY_NAMES, value) for value in QUERY_VALUES]
        queries += [{key: "²"} for key in QUERY_NAMES]
        for query in queries:
            status = client.get(url, query).status_code
            assert status < 500, f"{name} as {persona}: GET {url} {query}: {status}"
