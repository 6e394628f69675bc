"""What the Content-Security-Policy blocks is reported by the browser and logged, so an
attack (or a page of ours that breaks the policy) is seen, not only stopped."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

REPORT = {
    "csp-report": {
        "document-uri": "https://vaerested.example.org/incidents/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js",
        "original-policy": "default-src 'self'",
    }
}


def post(body, content_type="application/csp-report"):
    # Browsers send reports without a session or a CSRF token.
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("csp_report"), body, content_type=content_type)


def test_every_policy_names_the_report_address(db, client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "report-uri /csp-report/" in policy


def test_a_report_is_logged_in_one_line(db, caplog):
    with caplog.at_level(logging.WARNING, logger="vaerested.csp"):
        response = post(json.dumps(REPORT))
    assert response.status_code == 204
    (line,) = [r.getMessage() for r in caplog.records if r.name == "vaerested.csp"]
    assert "script-src-elem" in line and "https://evil.example/x.js" in line


def test_a_reporting_api_report_is_logged_too(db, caplog):
    body = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://vaerested.example.org/",
                "effectiveDirective": "img-src",
                "blockedURL": "https://evil.example/pixel.png",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="vaerested.csp"):
        assert post(json.dumps(body), "application/reports+json").status_code == 204
    assert any("evil.example/pixel.png" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "body", ["not json", "[]x", json.dumps({"csp-report": "x"}), json.dumps(42)]
)
def test_nonsense_is_refused_and_nothing_logged(db, caplog, body):
    with caplog.at_level(logging.WARNING, logger="vaerested.csp"):
        assert post(body).status_code == 400
    assert not [r for r in caplog.records if r.name == "vaerested.csp"]


def test_a_long_report_is_cut_and_a_huge_one_refused(db, caplog):
    long = {
        "csp-report": {**REPORT["csp-report"], "blocked-uri": "https://x.example/" + "a" * 5000}
    }
    with caplog.at_level(logging.WARNING, logger="vaerested.csp"):
        assert post(json.dumps(long)).status_code == 204
    assert max(len(r.getMessage()) for r in caplog.records) < 1200
    huge = json.dumps({"csp-report": {"blocked-uri": "b" * 20000}})
    assert post(huge).status_code == 413


def test_the_browser_reports_what_the_policy_blocked(
    transactional_db, live_server, world, page, caplog
):
    page.goto(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    with caplog.at_level(logging.WARNING, logger="vaerested.csp"):
        with page.expect_request(lambda r: "/csp-report/" in r.url) as sent:
            # An injected image from another origin, as an XSS payload would add.
            page.evaluate(
                "() => { const i = document.createElement('img');"
                " i.src = 'http://evil.example/pixel.png'; document.body.append(i); }"
            )
        sent.value.response()
    assert any("img-src" in r.getMessage() for r in caplog.records if r.name == "vaerested.csp")


def test_a_form_post_is_not_a_report(db, client):
    # A form (as a CSRF probe sends) is refused before its body is read.
    assert client.post(reverse("csp_report"), {"x": "1"}).status_code == 415
