"""Several reads in one statement: querysets joined by UNION ALL (`union`), and figures of
several apps each read in one row that the caller runs together (`one_statement`). On a
page of many small figures the round trips cost more than the counting."""

import functools

from django.db import DEFAULT_DB_ALIAS, connection


def union(*querysets):
    """UNION ALL of the querysets that are not None, as one query."""
    present = [q for q in querysets if q is not None]
    if len(present) == 1:
        return present[0]
    # Unordered: the model's default ordering would name columns the union lacks.
    return present[0].union(*present[1:], all=True).order_by()


@functools.cache
def condition(model, q):
    """(SQL, parameters) of the rule `q` (a Q of constants, on `model`'s own columns) for
    a hand-written statement over `model`'s table, unaliased: the rule stays written once,
    as the queryset and any partial index use it. Compiled once per process; it holds no
    value that changes."""
    query = model._base_manager.filter(q).query
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = query.where.as_sql(compiler, compiler.connection)
    if len(query.alias_map) > 1:
        raise ValueError(f"{q} reaches beyond {model._meta.db_table}")
    return sql, tuple(params)


def one_statement(*rows):
    """Run statements of one row each, (SQL, parameters) with named columns that must
    differ, as one statement; return their columns by name."""
    parts, params = [], []
    for i, (sql, row_params) in enumerate(rows):
        parts.append(f"({sql}) AS row_{i}")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(parts)}", params)
        names = [column.name for column in cursor.description]
        if len(set(names)) < len(names):
            raise ValueError(f"figures named twice: {names}")
        return dict(zip(names, cursor.fetchone(), strict=True))
