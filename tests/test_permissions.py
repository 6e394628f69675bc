"""Every URL pattern of the project, walked by every persona, against one table.

A URL pattern missing from the table fails `test_every_url_pattern_has_a_rule`, so no
new view can forget to decide who may use it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.activities import permissions as activities_permissions
from tests.advice import permissions as advice_permissions
from tests.centres import permissions as centres_permissions
from tests.config import permissions as config_permissions
from tests.conftest import PERSONAS
from tests.incidents import permissions as incidents_permissions

APP_PERMISSIONS = [
    centres_permissions,
    activities_permissions,
    advice_permissions,
    incidents_permissions,
    config_permissions,
]

# Column order: anonymous, staff_a, staff_b, leader, outreach, association, other_leader.
# `kwargs` build the URL from the world; every object belongs to organisation A.
R, OK = 302, 200

CORE = {
    "home": ({}, (R, OK, OK, OK, OK, OK, OK)),
    "healthz": ({}, (OK,) * 7),
    # Browsers post reports of blocked content here; a GET is refused.
    "csp_report": ({}, (405,) * 7),
    # The counter's service worker: a static file, for everyone.
    "service_worker": ({}, (OK,) * 7),
    "login": ({}, (OK, R, R, R, R, R, R)),
    "logout": ({}, (405,) * 7),
    "password_change": ({}, (R, OK, OK, OK, OK, OK, OK)),
    "password_change_done": ({}, (R, OK, OK, OK, OK, OK, OK)),
    "password_reset": ({}, (OK,) * 7),
    "password_reset_done": ({}, (OK,) * 7),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "set-password"}, (OK,) * 7),
    "password_reset_complete": ({}, (OK,) * 7),
    # Django's language switch answers a GET with a redirect and changes nothing.
    "set_language": ({}, (R,) * 7),
    # Two-factor sign-in: the leaders have an app already, so there is no QR code to show,
    # and a verified session is sent on from the code page.
    "two_factor": ({}, (R, OK, OK, OK, OK, OK, OK)),
    "two_factor_qr": ({}, (R, OK, OK, 404, OK, OK, 404)),
    "two_factor_verify": ({}, (R,) * 7),
    "two_factor_backup_codes": ({}, (R, 405, 405, 405, 405, 405, 405)),
    "two_factor_remove": ({}, (R, 405, 405, 405, 405, 405, 405)),
}
TABLE = {**CORE}
for module in APP_PERMISSIONS:
    assert not set(module.ROWS) & set(TABLE), f"{module.__name__} repeats a URL name"
    TABLE.update(module.ROWS)

# Django's admin is for superusers only: everyone else is sent to its login page.
ADMIN_RULES = {
    "admin:login": (OK,) * 7,
}
ADMIN_DEFAULT = (R,) * 7
ADMIN_SAMPLE_KWARGS = {
    "app_label": "centres",
    "object_id": "1",
    "pk": "1",
    "id": "1",
    "content_type_id": "1",
    "uidb64": "MQ",
    "token": "x",
    "url": "centres/centre/",
}


def url_patterns(resolver=None, namespace=""):
    """Yield (qualified name, pattern) for every pattern, descending into includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name or '<unnamed>'}"
            yield name, entry


def project_url_names():
    return [name for name, _ in url_patterns()]


def test_every_url_pattern_has_a_rule():
    names = project_url_names()
    assert "<unnamed>" not in names, "every URL pattern needs a name, so it can have a rule"
    missing = sorted(n for n in names if n not in TABLE and not n.startswith("admin:"))
    assert not missing, f"URL patterns without a rule in TABLE: {missing}"
    stale = sorted(set(TABLE) - set(names))
    assert not stale, f"rules for URL patterns that no longer exist: {stale}"


def expected_statuses():
    for name in dict.fromkeys(project_url_names()):
        if name.startswith("admin:"):
            yield name, None, ADMIN_RULES.get(name, ADMIN_DEFAULT)
        else:
            kwargs, statuses = TABLE[name]
            yield name, kwargs, statuses


def build_url(world, name, kwargs):
    if name == "admin:<unnamed>":  # the admin's catch-all page
        return reverse("admin:index") + "no-such-page/"
    if kwargs is None:  # admin: fill in whatever its pattern asks for
        pattern = dict(url_patterns())[name]
        wanted = pattern.pattern.regex.groupindex
        for sample in (ADMIN_SAMPLE_KWARGS, {**ADMIN_SAMPLE_KWARGS, "app_label": "auth"}):
            try:
                return reverse(name, kwargs={k: sample[k] for k in wanted})
            except Exception:
                continue
        raise AssertionError(f"cannot build a URL for {name}")
    values = {k: (getattr(world, v).pk if hasattr(world, v) else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=values)


def extend_world(world):
    """Let every app add the objects its URLs in TABLE refer to; no app may replace
    another's object."""
    for module in APP_PERMISSIONS:
        before = dict(vars(world))
        module.extend_world(world)
        replaced = [k for k in before if vars(world)[k] is not before[k]]
        assert not replaced, f"{module.__name__} replaced world.{replaced}"
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world, client_for, persona):
    extend_world(world)
    client = client_for(world.persona(persona))
    column = PERSONAS.index(persona)
    wrong = []
    for name, kwargs, statuses in expected_statuses():
        url = build_url(world, name, kwargs)
        status = client.get(url).status_code
        if status != statuses[column]:
            wrong.append(f"{name} {url}: expected {statuses[column]}, got {status}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("centres:detail", args=[world.centre_a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
