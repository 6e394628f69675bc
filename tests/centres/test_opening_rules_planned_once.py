"""The opening rules' PL/pgSQL functions, and any other of the apps' that returns rows,
keep one plan per connection (migration 0032).

A later CREATE OR REPLACE without the setting would silently plan every call afresh
again, five to seven milliseconds of a one-centre dashboard. That the rows are the same
whatever the plan is tested in test_opening_rules_unchanged, which runs with it."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.clock_free]

ROW_FUNCTIONS = """
SELECT p.proname, coalesce(p.proconfig, '{}')
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema() AND l.lanname = 'plpgsql' AND p.proretset
  AND p.proname ~ '^(centres|activities|advice|incidents)_'
ORDER BY 1
"""


def test_every_plpgsql_function_returning_rows_keeps_its_generic_plan():
    with connection.cursor() as cursor:
        cursor.execute(ROW_FUNCTIONS)
        functions = dict(cursor.fetchall())
    assert {"centres_opening_months", "centres_staffed_openings"} <= functions.keys()
    assert {
        name: config
        for name, config in functions.items()
        if "plan_cache_mode=force_generic_plan" not in config
    } == {}
