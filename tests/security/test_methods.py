"""Every URL, every persona, every HTTP method: no method gets past the access rules.

Where GET is refused, a POST is refused the same way and changes nothing; methods the
application never serves (PUT, PATCH, DELETE, OPTIONS) are 405 before any view runs; no
request with an empty body fails with a server error.
"""

import pytest

from tests.conftest import PERSONAS
from tests.security.support import changed_tables, is_denial, table_fingerprints
from tests.test_permissions import build_url, expected_statuses, extend_world

UNSERVED = ("put", "patch", "delete", "options")


def attempt(client, method, url, problems):
    try:
        response = getattr(client, method)(url)
    except Exception as error:  # the test client re-raises what would be a 500
        problems.append(f"{method.upper()} {url} raised {error!r}")
        return None
    if response.status_code >= 500:
        problems.append(f"{method.upper()} {url}: {response.status_code}")
    return response


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_method_gets_past_a_refused_get(world, client_for, persona):
    extend_world(world)
    client = client_for(world.persona(persona))
    column = PERSONAS.index(persona)
    refused = []
    for name, kwargs, statuses in expected_statuses():
        url = build_url(world, name, kwargs)
        if statuses[column] in (403, 404):  # the permission matrix checks these GETs
            refused.append((url, statuses[column], ""))
        elif statuses[column] == 302:  # only a redirect to sign in is a refusal
            location = client.get(url)["Location"]
            if is_denial(302, location):
                refused.append((url, 302, location))
    assert refused, "nothing is refused to this persona: the test would check nothing"

    problems = []
    before = table_fingerprints()
    for url, status, location in refused:
        for method in ("post", *UNSERVED):
            response = attempt(client, method, url, problems)
            if response is None:
                continue
            expected = status if method == "post" else 405
            if response.status_code != expected:
                problems.append(f"{method.upper()} {url}: {response.status_code}, not {expected}")
            elif method == "post" and status == 302 and response.url != location:
                problems.append(f"POST {url} went to {response.url}, GET to {location}")
    if changed := changed_tables(before, table_fingerprints()):
        problems.append(f"refused requests changed {changed}")
    assert not problems, f"{persona}:\n" + "\n".join(problems)


@pytest.mark.parametrize("persona", PERSONAS)
def test_empty_posts_never_fail(world, client_for, persona):
    extend_world(world)
    client = client_for(world.persona(persona))
    problems = []
    for name, kwargs, _statuses in expected_statuses():
        if name == "logout":  # would end the session the rest of the walk needs
            continue
        url = build_url(world, name, kwargs)
        attempt(client, "post", url, problems)
    assert not problems, f"{persona}:\n" + "\n".join(problems)


@pytest.mark.parametrize("method", UNSERVED)
def test_unserved_methods_are_refused_on_every_page(world, client_for, method):
    extend_world(world)
    client = client_for(world.leader)
    for name, kwargs, _statuses in expected_statuses():
        response = getattr(client, method)(build_url(world, name, kwargs))
        assert response.status_code == 405, name
        assert response["Allow"] == "GET, HEAD, POST"
