"""Time the heavy pages through the test client, and the dashboard's figures in plain SQL.

Not part of the test run: it reads whatever data the database holds (see seed_scale).
"""

import argparse
import datetime
import logging
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench import sql as dashboard_sql
from centres.models import Centre, Organisation, Role, User
from config.dashboard.periods import Period

PACK = reverse_lazy("dashboard:pack")
PACK_XLSX = reverse_lazy("dashboard:pack_xlsx")


class Rollback(Exception):
    pass


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = (
        "Median and p95 time and query count of the dashboard (one centre, an "
        "organisation, every centre), the calendar, the tally page and the report pack, "
        "and the dashboard's figures in hand-written SQL for comparison."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
        parser.add_argument(
            "--period", default="month", choices=["week", "month", "quarter", "year"]
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="A day in the period (default: a month ago).",
        )
        parser.add_argument(
            "--national",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Also measure every centre as one organisation (inside a transaction "
            "that is rolled back).",
        )

    def handle(self, *args, repeat, period, date, national, **options):
        logging.disable(logging.INFO)  # one sign-in line per page is noise here
        if repeat < 2:
            raise CommandError("--repeat must be at least 2.")
        today = timezone.localdate()
        date = date or today - datetime.timedelta(days=30)
        self.period = Period.containing(period, date)
        self.repeat = repeat
        organisation = (
            Organisation.objects.annotate(n=Count("centres"))
            .filter(n__gt=0)
            .order_by("-n", "pk")
            .first()
        )
        if organisation is None:
            raise CommandError("No centres: run seed_scale (or seed_demo) first.")
        leader = User.objects.filter(
            organisation=organisation, role=Role.LEADER, is_active=True
        ).first()
        if leader is None:
            raise CommandError(f"{organisation} has no leader to sign in as.")
        self.stdout.write(
            f"{Centre.objects.count()} centres; period {self.period.start} to {self.period.end}; "
            f"{repeat} requests each\n"
        )
        header = (
            f"{'page':60} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
            f"{'SQL ms':>8} {'page/SQL':>9}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        # Everything the measurement writes (a two-factor device for the leader, the
        # national organisation) is rolled back at the end.
        try:
            with (
                override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
                transaction.atomic(),
            ):
                self.measure_organisation(organisation, leader, today)
                if national:
                    self.make_national(organisation)
                    self.measure_dashboard(
                        "dashboard, every centre",
                        leader,
                        {},
                        list(Centre.objects.values_list("pk", flat=True)),
                        organisation,
                        today,
                    )
                    year = {"year": self.period.start.year}
                    self.row("report pack page, every centre", leader, PACK, year)
                    self.row("report pack XLSX, every centre", leader, PACK_XLSX, year)
                raise Rollback
        except Rollback:
            pass

    def make_national(self, organisation):
        """Put every centre in `organisation` for the measurement (rolled back after)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE centres_centre SET organisation_id = %s, name = name || ' #' || id "
                "WHERE organisation_id <> %s",
                [organisation.pk, organisation.pk],
            )

    def measure_organisation(self, organisation, leader, today):
        centres = list(Centre.objects.filter(organisation=organisation).order_by("pk"))
        one = centres[0]
        staff = User.objects.filter(centres=one, role=Role.STAFF, is_active=True).first() or leader
        self.measure_dashboard(
            "dashboard, one centre", leader, {"centre": one.pk}, [one.pk], organisation, today
        )
        self.measure_dashboard(
            f"dashboard, an organisation (all {len(centres)} centres)",
            leader,
            {},
            [c.pk for c in centres],
            organisation,
            today,
        )
        year = self.period.start.year
        self.row("calendar", leader, reverse("activities:calendar"), {})
        self.row("tally page", staff, reverse("centres:tally", args=[one.pk]), {})
        self.row("report pack page (a year)", leader, reverse("dashboard:pack"), {"year": year})
        self.row(
            "report pack XLSX (a year)", leader, reverse("dashboard:pack_xlsx"), {"year": year}
        )

    def measure_dashboard(self, label, user, extra, centre_ids, organisation, today):
        params = {"period": self.period.kind, "date": self.period.start.isoformat(), **extra}
        url = reverse("dashboard:index")
        now = timezone.now()
        samples = []
        for i in range(self.repeat + 2):
            started = time.perf_counter()
            dashboard_sql.run(centre_ids, organisation.pk, self.period, now, today)
            if i >= 2:
                samples.append(time.perf_counter() - started)
        sql_median = statistics.median(samples) * 1000
        self.write(label, *self.row(label, user, url, params, report=False), sql_median)
        if self.period.end < today:
            current = {**params, "date": today.isoformat()}
            self.write(
                f"{label}, current {self.period.kind}",
                *self.row(label, user, url, current, report=False),
            )

    def row(self, label, user, url, params, report=True, before_each=None):
        client = Client()
        client.force_login(user)
        if user.requires_two_factor:
            # As if the code had been given: the page behind the sign-in is measured.
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        for _ in range(2):  # warm caches, connections and template loading
            response = client.get(url, params)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        samples = []
        for _ in range(self.repeat):
            if before_each:
                before_each()
            started = time.perf_counter()
            client.get(url, params)
            samples.append(time.perf_counter() - started)
        if before_each:
            before_each()
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        result = (
            statistics.median(samples) * 1000,
            percentile(samples, 0.95) * 1000,
            len(queries.captured_queries),
        )
        if report:
            self.write(label, *result)
        return result

    def write(self, label, median, p95, queries, sql=None):
        sql_text = f"{sql:8.1f} {median / sql:9.1f}" if sql else f"{'':8} {'':9}"
        self.stdout.write(f"{label:60} {median:10.1f} {p95:8.1f} {queries:8d} {sql_text}")
