"""The dashboard's kept reports live in a table every worker and app server reads."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_what_one_worker_keeps_another_finds():
    another_worker = DatabaseCache("vaerested_cache", {})
    caches["dashboard"].set("dashboard:report:x", "<section>…</section>")
    assert another_worker.get("dashboard:report:x") == "<section>…</section>"


def test_migrate_makes_the_cache_table_where_it_is_missing():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE vaerested_cache")
    call_command("migrate", verbosity=0)
    assert "vaerested_cache" in connection.introspection.table_names()
