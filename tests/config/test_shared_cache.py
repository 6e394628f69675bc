"""The dashboard's kept reports, the calendar's kept days and the kept openings live in
tables every worker and app server reads."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_what_one_worker_keeps_another_finds():
    # Another worker of the same release.
    another_worker = DatabaseCache("vaerested_cache", {"KEY_PREFIX": settings.KEPT_PREFIX})
    caches["dashboard"].set("dashboard:report:x", "<section>…</section>")
    assert another_worker.get("dashboard:report:x") == "<section>…</section>"


def test_migrate_makes_the_cache_table_where_it_is_missing():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE vaerested_cache")
        cursor.execute("DROP TABLE vaerested_openings_cache")
        cursor.execute("DROP TABLE vaerested_calendar_cache")
    call_command("migrate", verbosity=0)
    tables = connection.introspection.table_names()
    assert {"vaerested_cache", "vaerested_openings_cache", "vaerested_calendar_cache"} <= set(
        tables
    )
