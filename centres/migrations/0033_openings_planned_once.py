from django.db import migrations

# centres_openings stayed SQL in 0031 so that it would be inlined into the caller's
# query. Inlined, it is planned with every call: a tap asks it for the kind of the opening
# in progress and paid 1.0-1.5 ms of planning for 0.15 ms of work; a month of the
# organisation of 20 for the calendar 3.3 ms, 2.5 ms with the kept plan. Its CTEs are
# materialised, so the caller's conditions never reached into them anyway. Made PL/pgSQL
# with the plan kept, as 0032 does for the other two, around the same query: its text is
# read from the function as 0031 defined it, so the opening rules stay written once.
HEADER = """
CREATE OR REPLACE FUNCTION centres_openings(centre_ids bigint[], from_date date,
                                            until_date date)
RETURNS TABLE (centre_id bigint, day date, kind varchar, starts timestamptz,
               ends timestamptz, hours double precision, hours_id bigint,
               user_run_id bigint)
"""
CURRENT_BODY = (
    "(SELECT prosrc FROM pg_proc "
    "WHERE oid = 'centres_openings(bigint[], date, date)'::regprocedure)"
)
# PL/pgSQL around the query: its result columns win over the OUT parameters of the
# same names (centre_id, day, kind, ...).
BEFORE = r"E'#variable_conflict use_column\nBEGIN\nRETURN QUERY '"
AFTER = r"E';\nEND\n'"

TO_PLPGSQL = f"""
DO $do$
BEGIN
    EXECUTE format(
        $f${HEADER}
        LANGUAGE plpgsql STABLE SET search_path FROM CURRENT SET jit = off
        SET plan_cache_mode = force_generic_plan AS %L$f$,
        {BEFORE} || rtrim({CURRENT_BODY}, E'\\n ;') || {AFTER}
    );
END
$do$;
"""

TO_SQL = f"""
DO $do$
DECLARE body text := {CURRENT_BODY};
BEGIN
    body := substr(body, length({BEFORE}) + 1);
    body := left(body, length(body) - length({AFTER}));
    EXECUTE format($f${HEADER} LANGUAGE sql STABLE AS %L$f$, body || E'\\n');
    ALTER FUNCTION centres_openings(bigint[], date, date) RESET ALL;
END
$do$;
"""


class Migration(migrations.Migration):
    dependencies = [("centres", "0032_opening_rules_planned_once")]

    operations = [migrations.RunSQL(sql=TO_PLPGSQL, reverse_sql=TO_SQL)]
