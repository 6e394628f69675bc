"""Every summary table's recount, and the tables the triggers write: a summary kept by
triggers is checked by comparing it with its recount (centres.summaries.Recount), and
`recounts` finds them all on the models' `recount` attribute.

The centres' summaries are models in centres.models; their recounts are given here."""

import re

from django.apps import apps

from centres.models import OpeningMonth, VisitDay, VisitHeat
from centres.summaries import Recount

VisitDay.recount = Recount(
    table="centres_visitday",
    columns=("centre_id", "date", "kind", "visits", "new_visits"),
    counts=2,
    sql=(
        "SELECT centre_id, date, kind, sum(visits), sum(new_visits) "
        "FROM centres_visitcount GROUP BY 1, 2, 3"
    ),
)

# Figures entered afterwards for a whole day have no hour: not in the heat map.
VisitHeat.recount = Recount(
    table="centres_visitheat",
    columns=("centre_id", "month", "weekday", "hour", "visits"),
    counts=1,
    sql=(
        "SELECT centre_id, date_trunc('month', date)::date, "
        "(extract(isodow FROM date) - 1)::smallint, hour, sum(visits) "
        "FROM centres_visitcount WHERE hour IS NOT NULL GROUP BY 1, 2, 3, 4"
    ),
)

# Only the months kept are checked, each worked out afresh by the rules.
OpeningMonth.recount = Recount(
    table="centres_openingmonth",
    columns=("centre_id", "month", "staffed", "user_run", "maybe", "understaffed"),
    counts=4,
    sql=(
        "SELECT r.centre_id, r.month, r.staffed, r.user_run, r.maybe, r.understaffed "
        "FROM centres_openingmonth AS m CROSS JOIN LATERAL centres_opening_months("
        "ARRAY[m.centre_id], m.month, (m.month + interval '1 month' - interval '1 day')::date"
        ") AS r"
    ),
    zeros=True,
)


def recounts():
    """{table: Recount} of every model that has one."""
    return {
        model._meta.db_table: model.recount
        for model in apps.get_models()
        if isinstance(getattr(model, "recount", None), Recount)
    }


WRITES = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)", re.I)
CALLS = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(", re.I)

FUNCTIONS = """
SELECT p.proname, p.prosrc FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
"""
TRIGGER_FUNCTIONS = """
SELECT DISTINCT p.proname FROM pg_trigger AS t
JOIN pg_class AS c ON c.oid = t.tgrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_proc AS p ON p.oid = t.tgfoid
WHERE n.nspname = 'public' AND NOT t.tgisinternal
"""
TABLES = """
SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
"""


def written_by_triggers(cursor):
    """The tables of the public schema that the functions of its triggers write to, and
    the functions those call, read from their source in the database."""
    cursor.execute(FUNCTIONS)
    sources = dict(cursor.fetchall())
    cursor.execute(TABLES)
    tables = {name for (name,) in cursor.fetchall()}
    cursor.execute(TRIGGER_FUNCTIONS)
    todo = [name for (name,) in cursor.fetchall()]
    seen, written = set(todo), set()
    while todo:
        source = sources[todo.pop()]
        written |= {name.lower() for name in WRITES.findall(source)} & tables
        called = {name.lower() for name in CALLS.findall(source)} & sources.keys()
        todo += called - seen
        seen |= called
    return written
