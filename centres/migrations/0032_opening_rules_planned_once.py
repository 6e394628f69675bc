from django.db import migrations

# 0031 made centres_staffed_openings and centres_opening_months PL/pgSQL so that a
# connection would plan their query once. PostgreSQL plans a cached statement afresh for
# its first five calls and then keeps doing so whenever its estimate of a generic plan is
# higher than the fresh plans' average, as it is for this query of many CTEs: every call
# paid 5-7 ms of planning, four fifths of a one-centre call (one centre, five days:
# 7.0 ms planned afresh, 1.9 ms with the kept plan; 400 centres for a year: 1.12 s and
# 1.10 s). The plan's shape does not depend on the arguments (the CTEs are materialised),
# so the generic plan is kept from the first call.
FUNCTIONS = (
    "centres_staffed_openings(bigint[], date, date)",
    "centres_opening_months(bigint[], date, date)",
)


class Migration(migrations.Migration):
    dependencies = [("centres", "0031_faster_opening_rules")]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER FUNCTION {f} SET plan_cache_mode = force_generic_plan" for f in FUNCTIONS],
            reverse_sql=[f"ALTER FUNCTION {f} RESET plan_cache_mode" for f in FUNCTIONS],
        )
    ]
