"""`make backup-drill`: dump the scale data, restore it into a scratch database and
compare every table's row count and checksum; prints times and sizes.

    python scripts/backup_drill.py [--centres 400] [--years 5] [--keep]
"""

import argparse
import sys
import tempfile

from scale_db import SCRATCH_NAME, ensure_scale_data

from config.backups import DrillError, drill


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centres", type=int, default=400)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="Parallel pg_restore jobs.")
    parser.add_argument("--keep", action="store_true", help="Keep the restored database.")
    options = parser.parse_args()

    source = ensure_scale_data(centres=options.centres, years=options.years)
    restore_name = f"{SCRATCH_NAME}_restore"
    with tempfile.TemporaryDirectory(prefix="vaerested-backup-") as workdir:
        try:
            report = drill(source, restore_name, workdir, jobs=options.jobs, keep=options.keep)
        except DrillError as exc:
            sys.exit(f"Backup drill failed: {exc}")
    print(
        f"pg_dump (custom format): {report.dump_seconds:.1f} s, "
        f"{report.dump_bytes / 1e6:.1f} MB\n"
        f"pg_restore into {restore_name} ({options.jobs} jobs): {report.restore_seconds:.1f} s\n"
        f"Compared {report.tables} tables, {report.rows:,} rows "
        f"(count and md5 of ordered rows): {report.check_seconds:.1f} s"
    )
    for table, before, after in report.mismatches:
        print(f"  MISMATCH {table}: source {before}, restored {after}")
    if not report.ok:
        sys.exit("Backup drill failed: the restored database differs.")
    print("Backup drill passed: every table restored identically.")


if __name__ == "__main__":
    main()
