"""Numbers from a query string, read one way everywhere.

`str.isdigit()` is true for "²" and the Arabic-Indic 3, which `int()` refuses or reads as 3;
a number past PostgreSQL's integer overflows the query. So an id from a link is ASCII
digits within the integer range, or it is not there.
"""

import re

ID = re.compile(r"[0-9]{1,10}")
LARGEST_ID = 2**31 - 1  # PostgreSQL's integer


def parse_id(value):
    """`value` as an id (a positive integer a primary key can hold), or None."""
    if not isinstance(value, str) or not ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def int_param(query, name):
    """The id in `query` (request.GET or POST) under `name`, or None if it is not one."""
    return parse_id(query.get(name))


def int_params(query, name):
    """Every value under `name` in `query`, each an id or None."""
    return [parse_id(value) for value in query.getlist(name)]
