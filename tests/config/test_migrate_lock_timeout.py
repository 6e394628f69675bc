import time

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.fixture
def table_locked_elsewhere(transactional_db):
    """Another session holds an exclusive lock on django_migrations, as a long
    transaction or a stuck ALTER TABLE would on a busy table."""
    other = psycopg.connect(**connection.get_connection_params())
    other.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
    yield
    other.rollback()
    other.close()


def test_migrate_gives_up_quickly_when_a_table_is_locked(table_locked_elsewhere, monkeypatch):
    monkeypatch.setenv("VAERESTED_MIGRATE_LOCK_TIMEOUT", "300ms")
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"locked by another transaction for over 300ms"):
        call_command("migrate", verbosity=0)
    assert time.monotonic() - started < 5


def test_migrate_runs_and_leaves_the_connection_without_timeouts(transactional_db):
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_bad_timeout_is_a_clear_error(transactional_db, monkeypatch):
    monkeypatch.setenv("VAERESTED_MIGRATE_LOCK_TIMEOUT", "soon")
    with pytest.raises(CommandError, match="not a PostgreSQL duration"):
        call_command("migrate", verbosity=0)
