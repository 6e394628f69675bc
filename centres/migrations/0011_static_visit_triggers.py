"""The tally's triggers with static SQL, which PL/pgSQL plans once per connection.

Every tap is an INSERT ... ON CONFLICT DO UPDATE, which fires both the INSERT and the
UPDATE statement triggers of centres_visitcount. Built with format() and EXECUTE, their
statements were planned afresh each time: 3.5 of the 4 ms a tap spent in the database.
The statements and what they do are unchanged.
"""

from django.db import migrations

# The SQL as this migration ran it, written out so that the migration does not
# depend on application code that may change or go.
SQL_1 = """
CREATE OR REPLACE FUNCTION centres_visitcount_summarise() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows),
        changes AS (
            SELECT centre_id, date, kind, sum(visits) AS visits, sum(new_visits) AS new_visits
            FROM delta GROUP BY centre_id, date, kind
            HAVING sum(visits) <> 0 OR sum(new_visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitday s
            SET visits = s.visits + c.visits, new_visits = s.new_visits + c.new_visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.date = c.date AND s.kind = c.kind
            RETURNING s.centre_id, s.date, s.kind
        )
        INSERT INTO centres_visitday (centre_id, date, kind, visits, new_visits)
        SELECT c.centre_id, c.date, c.kind, c.visits, c.new_visits FROM changes c
        WHERE c.visits >= 0 AND c.new_visits >= 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.date = c.date AND u.kind = c.kind
        )
        ORDER BY 1, 2, 3
        ON CONFLICT (centre_id, date, kind) DO UPDATE
        SET visits = centres_visitday.visits + excluded.visits,
            new_visits = centres_visitday.new_visits + excluded.new_visits
    ;

        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows),
        changes AS (
            SELECT centre_id, date_trunc('month', date)::date AS month,
                   (extract(isodow FROM date) - 1)::smallint AS weekday, hour,
                   sum(visits) AS visits
            FROM delta WHERE hour IS NOT NULL
            GROUP BY 1, 2, 3, 4 HAVING sum(visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitheat s SET visits = s.visits + c.visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.month = c.month
              AND s.weekday = c.weekday AND s.hour = c.hour
            RETURNING s.centre_id, s.month, s.weekday, s.hour
        )
        INSERT INTO centres_visitheat (centre_id, month, weekday, hour, visits)
        SELECT c.centre_id, c.month, c.weekday, c.hour, c.visits FROM changes c
        WHERE c.visits > 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.month = c.month
              AND u.weekday = c.weekday AND u.hour = c.hour
        )
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (centre_id, month, weekday, hour) DO UPDATE
        SET visits = centres_visitheat.visits + excluded.visits
    ;
    ELSIF TG_OP = 'DELETE' THEN
        
        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows),
        changes AS (
            SELECT centre_id, date, kind, sum(visits) AS visits, sum(new_visits) AS new_visits
            FROM delta GROUP BY centre_id, date, kind
            HAVING sum(visits) <> 0 OR sum(new_visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitday s
            SET visits = s.visits + c.visits, new_visits = s.new_visits + c.new_visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.date = c.date AND s.kind = c.kind
            RETURNING s.centre_id, s.date, s.kind
        )
        INSERT INTO centres_visitday (centre_id, date, kind, visits, new_visits)
        SELECT c.centre_id, c.date, c.kind, c.visits, c.new_visits FROM changes c
        WHERE c.visits >= 0 AND c.new_visits >= 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.date = c.date AND u.kind = c.kind
        )
        ORDER BY 1, 2, 3
        ON CONFLICT (centre_id, date, kind) DO UPDATE
        SET visits = centres_visitday.visits + excluded.visits,
            new_visits = centres_visitday.new_visits + excluded.new_visits
    ;

        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows),
        changes AS (
            SELECT centre_id, date_trunc('month', date)::date AS month,
                   (extract(isodow FROM date) - 1)::smallint AS weekday, hour,
                   sum(visits) AS visits
            FROM delta WHERE hour IS NOT NULL
            GROUP BY 1, 2, 3, 4 HAVING sum(visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitheat s SET visits = s.visits + c.visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.month = c.month
              AND s.weekday = c.weekday AND s.hour = c.hour
            RETURNING s.centre_id, s.month, s.weekday, s.hour
        )
        INSERT INTO centres_visitheat (centre_id, month, weekday, hour, visits)
        SELECT c.centre_id, c.month, c.weekday, c.hour, c.visits FROM changes c
        WHERE c.visits > 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.month = c.month
              AND u.weekday = c.weekday AND u.hour = c.hour
        )
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (centre_id, month, weekday, hour) DO UPDATE
        SET visits = centres_visitheat.visits + excluded.visits
    ;
    ELSE
        
        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows UNION ALL SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows),
        changes AS (
            SELECT centre_id, date, kind, sum(visits) AS visits, sum(new_visits) AS new_visits
            FROM delta GROUP BY centre_id, date, kind
            HAVING sum(visits) <> 0 OR sum(new_visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitday s
            SET visits = s.visits + c.visits, new_visits = s.new_visits + c.new_visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.date = c.date AND s.kind = c.kind
            RETURNING s.centre_id, s.date, s.kind
        )
        INSERT INTO centres_visitday (centre_id, date, kind, visits, new_visits)
        SELECT c.centre_id, c.date, c.kind, c.visits, c.new_visits FROM changes c
        WHERE c.visits >= 0 AND c.new_visits >= 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.date = c.date AND u.kind = c.kind
        )
        ORDER BY 1, 2, 3
        ON CONFLICT (centre_id, date, kind) DO UPDATE
        SET visits = centres_visitday.visits + excluded.visits,
            new_visits = centres_visitday.new_visits + excluded.new_visits
    ;

        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows UNION ALL SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows),
        changes AS (
            SELECT centre_id, date_trunc('month', date)::date AS month,
                   (extract(isodow FROM date) - 1)::smallint AS weekday, hour,
                   sum(visits) AS visits
            FROM delta WHERE hour IS NOT NULL
            GROUP BY 1, 2, 3, 4 HAVING sum(visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitheat s SET visits = s.visits + c.visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.month = c.month
              AND s.weekday = c.weekday AND s.hour = c.hour
            RETURNING s.centre_id, s.month, s.weekday, s.hour
        )
        INSERT INTO centres_visitheat (centre_id, month, weekday, hour, visits)
        SELECT c.centre_id, c.month, c.weekday, c.hour, c.visits FROM changes c
        WHERE c.visits > 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.month = c.month
              AND u.weekday = c.weekday AND u.hour = c.hour
        )
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (centre_id, month, weekday, hour) DO UPDATE
        SET visits = centres_visitheat.visits + excluded.visits
    ;
    END IF;
    RETURN NULL;
END
$body$;
"""

REVERSE_SQL_1 = """
CREATE OR REPLACE FUNCTION centres_visitcount_summarise() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
    delta text := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows'
        WHEN 'DELETE' THEN
            'SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows'
        ELSE
            'SELECT centre_id, date, hour, kind, visits, new_visits FROM new_rows
             UNION ALL
             SELECT centre_id, date, hour, kind, -visits, -new_visits FROM old_rows'
    END;
BEGIN
    EXECUTE format($sql$
        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (%s),
        changes AS (
            SELECT centre_id, date, kind, sum(visits) AS visits, sum(new_visits) AS new_visits
            FROM delta GROUP BY centre_id, date, kind
            HAVING sum(visits) <> 0 OR sum(new_visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitday s
            SET visits = s.visits + c.visits, new_visits = s.new_visits + c.new_visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.date = c.date AND s.kind = c.kind
            RETURNING s.centre_id, s.date, s.kind
        )
        INSERT INTO centres_visitday (centre_id, date, kind, visits, new_visits)
        SELECT c.centre_id, c.date, c.kind, c.visits, c.new_visits FROM changes c
        WHERE c.visits >= 0 AND c.new_visits >= 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.date = c.date AND u.kind = c.kind
        )
        ORDER BY 1, 2, 3
        ON CONFLICT (centre_id, date, kind) DO UPDATE
        SET visits = centres_visitday.visits + excluded.visits,
            new_visits = centres_visitday.new_visits + excluded.new_visits
    $sql$, delta);
    EXECUTE format($sql$
        WITH delta (centre_id, date, hour, kind, visits, new_visits) AS (%s),
        changes AS (
            SELECT centre_id, date_trunc('month', date)::date AS month,
                   (extract(isodow FROM date) - 1)::smallint AS weekday, hour,
                   sum(visits) AS visits
            FROM delta WHERE hour IS NOT NULL
            GROUP BY 1, 2, 3, 4 HAVING sum(visits) <> 0
        ),
        updated AS (
            UPDATE centres_visitheat s SET visits = s.visits + c.visits
            FROM changes c
            WHERE s.centre_id = c.centre_id AND s.month = c.month
              AND s.weekday = c.weekday AND s.hour = c.hour
            RETURNING s.centre_id, s.month, s.weekday, s.hour
        )
        INSERT INTO centres_visitheat (centre_id, month, weekday, hour, visits)
        SELECT c.centre_id, c.month, c.weekday, c.hour, c.visits FROM changes c
        WHERE c.visits > 0 AND NOT EXISTS (
            SELECT 1 FROM updated u
            WHERE u.centre_id = c.centre_id AND u.month = c.month
              AND u.weekday = c.weekday AND u.hour = c.hour
        )
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (centre_id, month, weekday, hour) DO UPDATE
        SET visits = centres_visitheat.visits + excluded.visits
    $sql$, delta);
    RETURN NULL;
END
$body$;

"""

SQL_2 = """DROP TRIGGER centres_visitcount_figures_insert ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_update ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_delete ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_truncate ON centres_visitcount;
CREATE FUNCTION centres_visitcount_touch_figures() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO centres_figureversion (organisation_id, version)
        SELECT organisation_id, nextval('centres_figureversion_seq') FROM (
            SELECT DISTINCT organisation_id FROM (SELECT c.organisation_id FROM new_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date UNION SELECT c.organisation_id FROM old_rows r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'Europe/Copenhagen')::date) AS changed (organisation_id)
            WHERE organisation_id IS NOT NULL ORDER BY 1
        ) AS touched
        ON CONFLICT (organisation_id) DO UPDATE SET version = excluded.version;
    ELSE
        UPDATE centres_figureversion SET version = nextval('centres_figureversion_seq');
    END IF;
    RETURN NULL;
END
$body$;
CREATE TRIGGER centres_visitcount_figures_insert AFTER INSERT ON centres_visitcount REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_visitcount_touch_figures();
CREATE TRIGGER centres_visitcount_figures_update AFTER UPDATE ON centres_visitcount REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_visitcount_touch_figures();
CREATE TRIGGER centres_visitcount_figures_delete AFTER DELETE ON centres_visitcount REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_visitcount_touch_figures();
CREATE TRIGGER centres_visitcount_figures_truncate AFTER TRUNCATE ON centres_visitcount FOR EACH STATEMENT EXECUTE FUNCTION centres_visitcount_touch_figures();"""

REVERSE_SQL_2 = """DROP TRIGGER centres_visitcount_figures_insert ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_update ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_delete ON centres_visitcount;
DROP TRIGGER centres_visitcount_figures_truncate ON centres_visitcount;
DROP FUNCTION centres_visitcount_touch_figures();
CREATE TRIGGER centres_visitcount_figures_insert AFTER INSERT ON centres_visitcount REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval ''5 minutes'') AT TIME ZONE ''Europe/Copenhagen'')::date');
CREATE TRIGGER centres_visitcount_figures_update AFTER UPDATE ON centres_visitcount REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval ''5 minutes'') AT TIME ZONE ''Europe/Copenhagen'')::date');
CREATE TRIGGER centres_visitcount_figures_delete AFTER DELETE ON centres_visitcount REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('SELECT c.organisation_id FROM %1$s r JOIN centres_centre c ON c.id = r.centre_id WHERE r.date < ((clock_timestamp() + interval ''5 minutes'') AT TIME ZONE ''Europe/Copenhagen'')::date');
CREATE TRIGGER centres_visitcount_figures_truncate AFTER TRUNCATE ON centres_visitcount FOR EACH STATEMENT EXECUTE FUNCTION centres_touch_figures('');"""



class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0010_password_reset_sent_at"),
    ]

    operations = [
        migrations.RunSQL(SQL_1, REVERSE_SQL_1),
        migrations.RunSQL(SQL_2, REVERSE_SQL_2),
    ]

