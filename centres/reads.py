"""Several reads in one statement: querysets joined by UNION ALL (`union`), and figures of
several apps each reduced to one row (`one_row`) that the caller runs together
(`one_statement`). On a page of many small figures the round trips cost more than the
counting."""

from django.db import connection
from django.db.models import Value


def union(*querysets):
    """UNION ALL of the querysets that are not None, as one query."""
    present = [q for q in querysets if q is not None]
    if len(present) == 1:
        return present[0]
    # Unordered: the model's default ordering would name columns the union lacks.
    return present[0].union(*present[1:], all=True).order_by()


def one_row(queryset, **aggregates):
    """`queryset` reduced to one row of `aggregates` (named columns), not yet run."""
    # Grouped by a constant: no GROUP BY, so one row even when nothing matches.
    return (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(**aggregates)
        .values(*aggregates)
    )


def one_statement(*rows):
    """Run querysets of one row each (`one_row`) as one statement; their columns by name,
    which must differ."""
    parts, params = [], []
    for i, row in enumerate(rows):
        sql, row_params = row.query.sql_with_params()
        parts.append(f"({sql}) AS row_{i}")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(parts)}", params)
        names = [column.name for column in cursor.description]
        if len(set(names)) < len(names):
            raise ValueError(f"figures named twice: {names}")
        return dict(zip(names, cursor.fetchone(), strict=True))
