"""Monthly summaries of the apps' rows, kept exact by triggers and read with part months.

Each summary holds additive counts per key (a centre or an activity, a month and what is
counted). Statement-level triggers with transition tables add the rows a statement
inserted and subtract those it deleted (an update does both), in the same transaction,
with INSERT ... ON CONFLICT DO UPDATE: concurrent writers only add deltas, so they need
no locks of their own, and a bulk load is one trigger call per statement. Rows whose
counts reach zero are kept.
"""

import datetime
import zoneinfo
from collections import Counter
from dataclasses import dataclass

import pgtrigger
from django.db import models

from centres.stats import whole_months

ONE_DAY = datetime.timedelta(days=1)
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")

# The month of a moment is its month in Copenhagen, as the stats' periods are.
LOCAL_MONTH = "date_trunc('month', {} AT TIME ZONE 'Europe/Copenhagen')::date"


def key_to(model):
    """A summary's key naming a row of `model`. No constraint: the summary is kept by
    triggers alone, and its rows may outlive what they count. No index of its own: the
    summary's unique key starts with it."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


@dataclass(frozen=True)
class Summary:
    """A summary table, its key columns and counts, and `select`: the SQL that gives the
    key columns and counts of the rows of a transition table, with `{rows}` in place of
    its name and `{sign}` of 1 (rows added) or -1 (rows removed)."""

    table: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    select: str

    def upsert(self, parts):
        keys = ", ".join(self.keys)
        delta = " UNION ALL ".join(self.select.format(rows=rows, sign=sign) for rows, sign in parts)
        sums = ", ".join(f"sum({c})" for c in self.counts)
        # An update that changes nothing counted writes nothing.
        having = " OR ".join(f"sum({c}) <> 0" for c in self.counts)
        added = ", ".join(f"{c} = {self.table}.{c} + excluded.{c}" for c in self.counts)
        # In key order, so two transactions touching the same rows take them in one order.
        return (
            f"INSERT INTO {self.table} ({keys}, {', '.join(self.counts)}) "
            f"SELECT {keys}, {sums} FROM ({delta}) AS delta GROUP BY {keys} HAVING {having} "
            f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {added};"
        )


OPERATIONS = (
    ("insert", pgtrigger.Insert, {"new": "new_rows"}, [("new_rows", 1)]),
    (
        "update",
        pgtrigger.Update,
        {"old": "old_rows", "new": "new_rows"},
        [("new_rows", 1), ("old_rows", -1)],
    ),
    ("delete", pgtrigger.Delete, {"old": "old_rows"}, [("old_rows", -1)]),
)


def summary_triggers(name, *summaries):
    """The three statement-level triggers (insert, update, delete) of a table that keep
    `summaries` up to date. PostgreSQL allows transition tables on one event only."""
    return [
        pgtrigger.Trigger(
            name=f"{name}_{op}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(**tables),
            func="\n".join(s.upsert(parts) for s in summaries) + "\nRETURN NULL;",
        )
        for op, operation, tables, parts in OPERATIONS
    ]


def split(first, last, ended_by=None):
    """Return (first month, month after the last, part spans) of the days `first` to
    `last`: the whole months to read from a summary, and (first day, last day) of the
    days around them to read from the rows. With `ended_by` (a date), only months that
    ended before it count as whole."""
    first_month, end_month = whole_months(first, last)
    if ended_by is not None:
        end_month = max(first_month, min(end_month, ended_by.replace(day=1)))
    if first_month == end_month:
        return first_month, end_month, [(first, last)]
    spans = []
    if first < first_month:
        spans.append((first, first_month - ONE_DAY))
    if end_month <= last:
        spans.append((end_month, last))
    return first_month, end_month, spans


def moments(first, last):
    """(start, end) of the days `first` to `last` in Copenhagen: a range an index on a
    moment serves, where the moment's local date would not."""
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=COPENHAGEN)
    end = datetime.datetime.combine(last + ONE_DAY, datetime.time.min, tzinfo=COPENHAGEN)
    return start, end


def period_conditions(periods, params, column, *, local_days=False):
    """For each (first day, last day) of `periods`, in order: (index, months, days), the
    SQL conditions of the whole months to read from a summary's `month` column and of the
    other days to read from the rows' `column`, each None where there are none. Their
    values are added to the named `params`. `column` holds a date, or with `local_days` a
    moment whose day in Copenhagen counts."""
    for i, (first, last) in enumerate(periods):
        first_month, end_month, spans = split(first, last)
        months = None
        if first_month < end_month:
            params |= {f"first_month_{i}": first_month, f"end_month_{i}": end_month}
            months = f"month >= %(first_month_{i})s AND month < %(end_month_{i})s"
        days = []
        for j, (first_day, last_day) in enumerate(spans):
            start, end = (
                moments(first_day, last_day) if local_days else (first_day, last_day + ONE_DAY)
            )
            params |= {f"start_{i}_{j}": start, f"end_{i}_{j}": end}
            days.append(f"{column} >= %(start_{i}_{j})s AND {column} < %(end_{i}_{j})s")
        yield i, months, " OR ".join(days) or None


@dataclass(frozen=True)
class Recount:
    """How to check a summary table: `sql` gives the rows it should hold, its `columns` in
    order, counted afresh from the rows it sums (plain GROUP BY, or the SQL function that
    works the figures out). Rows whose counts are all zero are left out of both sides
    (the triggers keep such rows), unless `zeros` says a row is there to be checked
    whatever its counts (the opening months). Found by `centres.recounts.recounts`."""

    table: str
    columns: tuple[str, ...]
    counts: int
    sql: str
    zeros: bool = False

    def _rows(self, cursor, sql):
        cursor.execute(sql)
        rows = Counter(tuple(_comparable(v) for v in row) for row in cursor.fetchall())
        if self.zeros:
            return rows
        return Counter({row: n for row, n in rows.items() if any(row[-self.counts :])})

    def stored(self, cursor):
        return self._rows(cursor, f"SELECT {', '.join(self.columns)} FROM {self.table}")

    def counted(self, cursor):
        return self._rows(cursor, self.sql)


def _comparable(value):
    # Hours are sums of floats: added up in another order they differ in the last bits.
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return tuple(value)
    return value
