"""migrate, with a lock timeout so a deploy cannot hang the site.

ALTER TABLE waits for every open transaction on the table; while it waits, every
request that touches the table queues behind it. With a lock timeout the migration
gives up instead, and the deploy can be retried when the site is quiet.
"""

import contextlib
import os

from django.core.management import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import DatabaseError, OperationalError, connections

LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"


def timeouts():
    """(lock_timeout, statement_timeout) as PostgreSQL durations, from the environment."""
    return (
        os.environ.get("VAERESTED_MIGRATE_LOCK_TIMEOUT", "").strip() or "5s",
        os.environ.get("VAERESTED_MIGRATE_STATEMENT_TIMEOUT", "").strip() or "15min",
    )


class Command(DjangoMigrateCommand):
    help = (
        DjangoMigrateCommand.help
        + " Gives up when a lock is not granted within VAERESTED_MIGRATE_LOCK_TIMEOUT "
        "(default 5s) or a statement runs longer than VAERESTED_MIGRATE_STATEMENT_TIMEOUT "
        "(default 15min)."
    )

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        lock_timeout, statement_timeout = timeouts()
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, false), "
                    "set_config('statement_timeout', %s, false)",
                    [lock_timeout, statement_timeout],
                )
            except DatabaseError as exc:
                raise CommandError(
                    f"VAERESTED_MIGRATE_LOCK_TIMEOUT or VAERESTED_MIGRATE_STATEMENT_TIMEOUT "
                    f"is not a PostgreSQL duration: {exc}"
                ) from None
        try:
            return super().handle(*args, **options)
        except OperationalError as exc:
            code = getattr(exc.__cause__, "sqlstate", None)
            if code == LOCK_NOT_AVAILABLE:
                raise CommandError(
                    f"Migration stopped: a table stayed locked by another transaction for "
                    f"over {lock_timeout} (VAERESTED_MIGRATE_LOCK_TIMEOUT); the waiting "
                    f"migration was rolled back. Retry when the site is quiet."
                ) from exc
            if code == QUERY_CANCELED:
                raise CommandError(
                    f"Migration stopped: a statement ran longer than {statement_timeout} "
                    f"(VAERESTED_MIGRATE_STATEMENT_TIMEOUT); the migration was rolled back."
                ) from exc
            raise
        finally:
            if connection.connection is not None and not connection.needs_rollback:
                # A broken connection is replaced anyway.
                with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout; RESET statement_timeout")
