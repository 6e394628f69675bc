import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_config

ROOT = Path(__file__).resolve().parents[2]


def test_a_postgres_url_is_used_as_given(tmp_path):
    config = database_config("postgres://alice:secret@db.example.org:5433/vaerested", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.org", 5433, "vaerested")
    assert (config["USER"], config["PASSWORD"]) == ("alice", "secret")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///db.sqlite3", "PostgreSQL only"),
        ("mysql://root@localhost/test", "PostgreSQL only"),
        ("localhost:5432", "PostgreSQL only"),
        ("postgres://postgres@127.0.0.1:5432", "names no database"),
    ],
)
def test_a_wrong_url_is_refused_with_a_reason(tmp_path, url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_config(url, tmp_path)


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_EMBEDDED_DATABASE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unreachable_server_gives_one_clear_line():
    # Port 9 (discard) on loopback: nothing listens there.
    result = manage("migrate", DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:9/x")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot reach the database:")


def test_a_non_postgres_url_gives_one_clear_line():
    result = manage("check", DJANGO_DEBUG="1", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DATABASE_URL must be a postgres:// URL "
        "(Værested runs on PostgreSQL only), not sqlite://…"
    ]


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_tests_run_on_postgresql(django_db_setup, db):
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_production_without_database_url_refuses_the_embedded_server():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DATABASE_URL must be set when DJANGO_DEBUG is off "
        "(or DJANGO_EMBEDDED_DATABASE=1 to use the embedded PostgreSQL)."
    ]


def test_a_malformed_number_setting_gives_one_clear_line():
    result = manage("check", DJANGO_DEBUG="1", DJANGO_PROXY_COUNT="two")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DJANGO_PROXY_COUNT must be a whole number, not 'two'."
    ]


def test_development_mail_goes_to_the_console():
    # `make run`'s settings, as they are: a password reset there must not fail.
    result = manage(
        "shell",
        "-c",
        "from django.core.mail import send_mail; send_mail('s', 'body', 'a@x.dk', ['b@x.dk'])",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert "Subject: s" in result.stdout
