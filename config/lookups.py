"""`__in` with a list of whole numbers or strings, sent to PostgreSQL as one array.

Django writes `centre_id IN (%s, %s, ...)`, one parameter per value, and prepares and
sends each on its own. PostgreSQL turns such a list into `= ANY` of an array anyway, so
writing `centre_id = ANY(%s)` with the list as one parameter gives the same rows and the
same plan for less work in Python: for the 400 centres of the national dashboard, its
"right now" statement with six such lists took 29 ms to build and run, 20 ms with one
array each. `tests/config/test_lookups.py` checks that the rows stay the same. Lists of
other values (dates, expressions, tuples of a composite key), lists of one value (an
equality to the planner) and querysets keep Django's own SQL.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, lookups
from django.db.models.fields.related_lookups import RelatedIn

# The array type each kind of value is sent as.
ARRAY_TYPES = {int: "bigint[]", str: "text[]"}


class ArrayInMixin:
    def as_sql(self, compiler, connection):
        array_type = self.array_type()
        if array_type is None:
            return super().as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{array_type})", (*lhs_params, values)

    def array_type(self):
        """The array type for the list of values, or None where Django's SQL stays."""
        if not self.rhs_is_direct_value() or not isinstance(self.rhs, (list, tuple)):
            return None
        if len(self.rhs) < 2:
            return None
        kinds = {type(value) for value in self.rhs if value is not None}
        # bool is an int to Python, not to PostgreSQL.
        return ARRAY_TYPES.get(kinds.pop()) if len(kinds) == 1 else None


class ArrayIn(ArrayInMixin, lookups.In):
    pass


class RelatedArrayIn(ArrayInMixin, RelatedIn):
    pass


def register_array_lookups():
    Field.register_lookup(ArrayIn)
    ForeignObject.register_lookup(RelatedArrayIn)
