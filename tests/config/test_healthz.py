from unittest import mock

from django.urls import reverse


def test_healthz_answers_ok_without_login(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_database_without_details(db, client):
    with mock.patch("config.views.connection.cursor", side_effect=Exception("password=hunter2")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert response["Retry-After"] == "30"


def test_healthz_takes_only_get(db, client):
    assert client.post(reverse("healthz")).status_code == 405
