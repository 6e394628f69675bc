"""For tests that start the app in a process of its own (a queue worker, a server)."""

from urllib.parse import quote

from django.conf import settings


def database_url():
    """The test database pytest-django made, as a DATABASE_URL: on the embedded server
    (a socket directory for a host) or on DATABASE_URL's alike."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{quote(host, safe='')}{port}/{db['NAME']}"
