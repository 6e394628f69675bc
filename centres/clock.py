"""One clock: the app's moment, shared with the database for the transaction.

Python decides what "now" and "today" are (`django.utils.timezone`, which tests freeze
with time_machine). SQL that needs them never asks PostgreSQL's own clock (`now()`,
`clock_timestamp()`, `current_date` ...): it reads the moment the app wrote into the
transaction's setting `vaerested.now`, through the function `vaerested_app_now()`
(migration centres 0012), which is NULL when the app said nothing. Every rule in SQL
must then take the safe side; the figure-version triggers, for instance, count a change
as one to the past, which only costs a kept page.

`tests/config/test_one_clock.py` fails on a function, view, default or check in the
database that reads the server's clock, and on raw SQL in the code that does.
"""

import datetime

from django.db import connections, transaction
from django.db.utils import DEFAULT_DB_ALIAS
from django.utils import timezone

SETTING = "vaerested.now"


def share(now: datetime.datetime | None = None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Tell SQL in the current transaction that the app's moment is `now` (default:
    timezone.now()). Only inside an atomic block: the setting ends with its transaction."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "clock.share() outside a transaction would be forgotten at once."
        )
    moment = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, moment.isoformat()])


def shared_now(*, using: str = DEFAULT_DB_ALIAS) -> datetime.datetime | None:
    """The moment SQL reads in the current transaction, or None if none was shared."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT vaerested_app_now()")
        (moment,) = cursor.fetchone()
    return moment
