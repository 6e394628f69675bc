"""Triggers that move an organisation's FigureVersion when data behind its figures change,
and the helpers that install statement-level triggers for this and other summaries.

Each app names its own tables and how a changed row leads to its organisation; the
migrations install the triggers with `install_sql` and remove them with `remove_sql`.
The triggers are statement-level with transition tables, so a bulk insert of millions of
rows moves each organisation's version once.
"""

SEQUENCE = "centres_figureversion_seq"

# In a trigger function: the query of TG_ARGV[0] over the statement's changed rows.
CHANGED_ROWS = """CASE TG_OP
        WHEN 'INSERT' THEN format(TG_ARGV[0], 'new_rows')
        WHEN 'DELETE' THEN format(TG_ARGV[0], 'old_rows')
        ELSE format(TG_ARGV[0], 'new_rows') || ' UNION ' || format(TG_ARGV[0], 'old_rows')
    END"""

# The statement that gives each organisation of {rows} (SQL) a new version; in order of
# organisation, so two statements never wait on each other's rows.
TOUCH = f"""        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('{SEQUENCE}') FROM (
            SELECT DISTINCT organisation_id FROM ({{rows}}) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version"""

FUNCTION_SQL = f"""
CREATE SEQUENCE {SEQUENCE};

-- TG_ARGV[0]: a query giving organisation ids, with %1$s for the transition table.
CREATE FUNCTION centres_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
    organisations text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE centres_figureversion SET version = nextval('{SEQUENCE}');
        RETURN NULL;
    END IF;
    organisations := {CHANGED_ROWS};
    -- In order of organisation, so two statements never wait on each other's rows.
    EXECUTE format($sql$
{TOUCH.format(rows="%s")}
    $sql$, organisations);
    RETURN NULL;
END
$body$;
"""

REMOVE_FUNCTION_SQL = f"""
DROP FUNCTION centres_touch_figures();
DROP SEQUENCE {SEQUENCE};
"""

# A changed row that names a centre.
VIA_CENTRE = "SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id"
# A changed row that names its organisation.
DIRECT = "SELECT organisation_id FROM %1$s"


def _quote(text):
    return "'" + text.replace("'", "''") + "'"


def install_sql(table, query, *, function="centres_touch_figures", suffix="figures"):
    """SQL creating four statement-level triggers on `table` that call `function` with
    `query` (SQL with %1$s for the transition table of changed rows) as argument, or with
    none if `query` is None."""
    argument = "" if query is None else _quote(query)
    truncate_argument = "" if query is None else "''"
    statements = []
    for event, transition in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        statements.append(
            f"CREATE TRIGGER {table}_{suffix}_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {transition} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {function}({argument});"
        )
    statements.append(
        f"CREATE TRIGGER {table}_{suffix}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}({truncate_argument});"
    )
    return "\n".join(statements)


def remove_sql(table, suffix="figures"):
    return "\n".join(
        f"DROP TRIGGER {table}_{suffix}_{event} ON {table};"
        for event in ("insert", "update", "delete", "truncate")
    )


def install_all(tables, **options):
    """install_sql for each table of {table: query}."""
    return "\n".join(install_sql(table, query, **options) for table, query in tables.items())


def remove_all(tables, suffix="figures"):
    return "\n".join(remove_sql(table, suffix) for table in tables)


def static_function_sql(function, query):
    """SQL creating `function`: centres_touch_figures for one table, with `query` written
    into its body instead of passed as an argument.

    PL/pgSQL plans a static statement once per connection and keeps the plan; the shared
    function builds its statement with format() and EXECUTE, which plans it again on
    every call (about a millisecond). Worth it where a table is written by the minute.
    """
    changed = {
        "INSERT": query.replace("%1$s", "new_rows"),
        "DELETE": query.replace("%1$s", "old_rows"),
        "UPDATE": (
            f"{query.replace('%1$s', 'new_rows')} UNION {query.replace('%1$s', 'old_rows')}"
        ),
    }
    branches = "\n    ELS".join(
        f"IF TG_OP = '{event}' THEN\n{TOUCH.format(rows=rows)};" for event, rows in changed.items()
    )
    return f"""
CREATE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    {branches}
    ELSE
        UPDATE centres_figureversion SET version = nextval('{SEQUENCE}');
    END IF;
    RETURN NULL;
END
$body$;
"""


def install_static_sql(table, query, *, suffix="figures"):
    """Replace the figure triggers of `table` with ones calling a function of its own
    (static_function_sql), named {table}_touch_figures."""
    function = f"{table}_touch_figures"
    return (
        remove_sql(table, suffix)
        + static_function_sql(function, query)
        + install_sql(table, None, function=function, suffix=suffix)
    )


def remove_static_sql(table, query, *, suffix="figures"):
    """Undo install_static_sql: back to the shared function with `query` as argument."""
    return (
        remove_sql(table, suffix)
        + f"\nDROP FUNCTION {table}_touch_figures();\n"
        + install_sql(table, query, suffix=suffix)
    )
