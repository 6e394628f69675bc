import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from config.backups import drill, drop_database, table_checksums, with_database
from tests.factories import CentreFactory


def conninfo():
    params = connection.get_connection_params()
    keys = ("dbname", "host", "port", "user", "password")
    return make_conninfo(**{k: params[k] for k in keys if params.get(k)})


@pytest.mark.django_db(transaction=True)
def test_drill_restores_every_table_and_would_notice_a_lost_row(tmp_path):
    CentreFactory.create_batch(3)
    source = conninfo()
    restore_name = connection.settings_dict["NAME"] + "_restore"
    try:
        report = drill(source, restore_name, tmp_path, jobs=1, keep=True)
        assert report.ok, report.mismatches
        assert report.rows > 3 and report.dump_bytes > 0
        assert "centres_centre" in table_checksums(source)

        restored = with_database(source, restore_name)
        with psycopg.connect(restored) as conn:
            conn.execute(
                "DELETE FROM centres_centre WHERE id = (SELECT max(id) FROM centres_centre)"
            )
        before, after = table_checksums(source), table_checksums(restored)
        assert before["centres_centre"] != after["centres_centre"]
        assert before["centres_organisation"] == after["centres_organisation"]
    finally:
        drop_database(source, restore_name)
