import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from centres.models import Organisation, PublicHoliday
from centres.scale import CENTRES_PER_ORGANISATION, KNOWN_PASSWORD_ORGANISATIONS, Plan

# Each app adds its rows on top of the centres, people and openings of centres.scale.
APP_SCALES = ["centres.scale", "activities.scale", "advice.scale", "incidents.scale"]
APP_LABELS = ["centres", "activities", "advice", "incidents"]


def app_tables():
    """The tables of our apps' models, many-to-many and history tables included."""
    tables = []
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def row_counts(tables):
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


class Command(BaseCommand):
    help = (
        "Fill the database with years of plausible data for many centres, set-based, "
        "to measure pages and queries at the scale of a whole country."
    )

    def add_arguments(self, parser):
        parser.add_argument("--centres", type=int, default=400)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--password",
            default="",
            help=f"Give the leaders and staff of the first {KNOWN_PASSWORD_ORGANISATIONS} "
            "organisations this password (for load tests); others cannot sign in.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty every table of the apps first (all data, not only earlier scale data).",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG off.")

    def handle(self, *args, centres, years, seed, password, replace, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale fills the database with invented data; it runs only with "
                "DJANGO_DEBUG=1, or with --force (never on a production database)."
            )
        if centres < 1 or years < 1:
            raise CommandError("--centres and --years must be at least 1.")
        if Organisation.objects.exists() and not replace:
            raise CommandError(
                "The database already holds organisations; use --replace to empty it first."
            )
        plan = Plan(
            centres=centres,
            years=years,
            seed=seed,
            today=timezone.localdate(),
            password_hash=make_password(password) if password else "",
        )
        started = time.monotonic()
        tables = app_tables()
        with transaction.atomic(), connection.cursor() as cursor:
            if replace:
                # The public holidays are the calendar's, not invented data: they stay.
                kept = PublicHoliday._meta.db_table
                quoted = ", ".join(f'"{table}"' for table in tables if table != kept)
                cursor.execute(f"TRUNCATE {quoted}, django_session RESTART IDENTITY CASCADE")
            # Bulk loading: nothing to wait for on disk until the commit, no parallel
            # workers (random() after setseed() is only repeatable in one process).
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
            for name in APP_SCALES:
                step = time.monotonic()
                import_module(name).seed(cursor, plan)
                self.stdout.write(f"{name}: {time.monotonic() - step:.1f} s")
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')
        elapsed = time.monotonic() - started

        counts = row_counts(tables)
        width = max(len(table) for table in tables)
        for table, count in counts.items():
            self.stdout.write(f"  {table:<{width}} {count:>12,}")
        self.stdout.write(f"  {'total':<{width}} {sum(counts.values()):>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{centres} centres over {years} years ({plan.first} to {plan.last}) "
                f"in {elapsed:.0f} s."
            )
        )
        if password:
            self.stdout.write(
                "Known password on leder-1 … leder-"
                f"{min(KNOWN_PASSWORD_ORGANISATIONS, plan.organisations)} and their staff "
                "(personale-<centre>-<0..2>)."
            )
        self.stdout.write(
            f"leder-1 leads the largest organisation ({plan.large} centres); the others have "
            f"up to {CENTRES_PER_ORGANISATION}."
        )
