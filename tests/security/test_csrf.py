"""A form post from another site carries no CSRF token: it is refused and changes nothing."""

import pytest

from tests.conftest import PERSONAS
from tests.security.support import changed_tables, table_fingerprints
from tests.test_permissions import build_url, expected_statuses, extend_world

# Browsers post CSP violation reports on their own, without a token; the view stores
# nothing and refuses anything but a report (tests/security/test_csp_reports.py).
CSRF_EXEMPT = {"csp_report"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_post_without_a_token_is_refused(world, client_for, persona):
    extend_world(world)
    client = client_for(world.persona(persona))
    client.handler.enforce_csrf_checks = True  # as a browser's post from another site
    before = table_fingerprints()
    accepted = []
    for name, kwargs, _statuses in expected_statuses():
        if name in CSRF_EXEMPT:
            continue
        url = build_url(world, name, kwargs)
        for data in ({}, {"csrfmiddlewaretoken": "x" * 64}):
            response = client.post(url, data)
            if response.status_code != 403:
                accepted.append(f"{url} {data}: {response.status_code}")
    assert not accepted, "\n".join(accepted)
    assert changed_tables(before, table_fingerprints()) == []
