"""What the attacker tests share: a fingerprint of every table, and denial statuses."""

from django.db import connection
from django.urls import reverse

# Tables that change on every request by design: sessions (renewed on each request for the
# idle limit), sign-in attempts, Django's own bookkeeping, and the access log (opening a
# person's data is logged, a refused form's page included).
CHURNING_TABLES = {"django_session", "django_migrations", "centres_accesslogentry"}
CHURNING_PREFIXES = ("axes_",)


def table_fingerprints():
    """Return {table: hash of all its rows}, in one query, to see whether anything changed."""
    tables = sorted(
        t
        for t in connection.introspection.table_names()
        if t not in CHURNING_TABLES and not t.startswith(CHURNING_PREFIXES)
    )
    parts = [
        f"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM \"{t}\" r"
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before, after):
    return sorted(t for t in before if before[t] != after.get(t))


def is_denial(status, location=""):
    """A refusal by access control: 403, 404, or a redirect to a sign-in page."""
    if status in (403, 404):
        return True
    return status == 302 and location.startswith((reverse("login"), reverse("admin:login")))
