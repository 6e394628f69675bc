"""Time the heavy pages through the test client beside their targets, and the dashboard's
figures in plain SQL.

Not part of the test run: it reads whatever data the database holds (see seed_scale).
"""

import argparse
import datetime
import logging
import statistics
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from activities.models import CalendarLink
from bench import sql as dashboard_sql
from centres import demo as centres_demo
from centres.models import Centre, Organisation, Role, User
from config.dashboard.periods import Period
from config.management.commands.seed_demo import APP_DEMOS


@dataclass(frozen=True)
class Target:
    """What a page must reach: a p95 time, and for the dashboard a share of its SQL."""

    p95_ms: float
    sql_ratio: float | None = None

    def text(self):
        ratio = f", ≤ {self.sql_ratio:g}x SQL" if self.sql_ratio else ""
        return f"p95 ≤ {self.p95_ms:g} ms{ratio}"

    def met(self, p95, ratio):
        return p95 <= self.p95_ms and (self.sql_ratio is None or ratio <= self.sql_ratio)


ONE_CENTRE = Target(30, 2)
ORGANISATION = Target(60, 2)
EVERY_CENTRE = Target(200, 2)
CALENDAR = Target(40)
PACK_XLSX_ORGANISATION = Target(300)
PACK_XLSX_EVERY_CENTRE = Target(1500)


@dataclass
class Page:
    """One row: `kind` names the page whatever the centres (for --query-counts), `label`
    says for whom. A dashboard row has `sql`: the centres and period of its hand SQL."""

    kind: str
    label: str
    user: User | None
    url: str
    params: dict
    target: Target | None = None
    sql: tuple | None = None


@dataclass
class Scope:
    """An organisation and the people and link whose pages are measured."""

    name: str
    organisation: Organisation
    leader: User
    centres: list = field(default_factory=list)
    staff: User | None = None
    link: CalendarLink | None = None


class Rollback(Exception):
    pass


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = (
        "Median and p95 time and query count of the dashboard (one centre, the largest "
        "organisation, every centre; a past and the current period), the calendar, the "
        "tally page and the report pack, beside their targets, and the dashboard's figures "
        "in hand-written SQL for comparison."
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
            help="A day in the past period to measure (default: the period before this one).",
        )
        parser.add_argument(
            "--national",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Also measure every centre as one organisation (inside a transaction "
            "that is rolled back).",
        )
        parser.add_argument(
            "--query-counts",
            action="store_true",
            help="Time nothing: print each page's query count for the demo organisation "
            "(made inside the rolled-back transaction) beside the data the database holds.",
        )

    def handle(self, *args, repeat, period, date, national, query_counts, **options):
        logging.disable(logging.INFO)  # one sign-in line per page is noise here
        if repeat < 2:
            raise CommandError("--repeat must be at least 2.")
        self.today = timezone.localdate()
        current = Period.containing(period, self.today)
        self.past = Period.containing(period, date) if date else current.previous()
        if self.past.end >= self.today:
            raise CommandError("--date must lie in a period that has ended.")
        self.current = current.so_far(self.today)
        self.repeat = repeat
        self.clients = {}
        organisation = (
            Organisation.objects.annotate(n=Count("centres"))
            .filter(n__gt=0)
            .order_by("-n", "pk")
            .first()
        )
        if organisation is None:
            raise CommandError("No centres: run seed_scale (or seed_demo) first.")
        # Everything the measurement writes (two-factor devices, a calendar link, the
        # national organisation, the demo organisation) is rolled back at the end.
        try:
            with (
                override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
                transaction.atomic(),
            ):
                largest = self.scope(organisation)
                if query_counts:
                    self.count_queries(largest, national)
                else:
                    self.time_pages(largest, national)
                raise Rollback
        except Rollback:
            pass

    # What is measured

    def scope(self, organisation, name=None):
        centres = list(Centre.objects.filter(organisation=organisation).order_by("pk"))
        people = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
        leader = people.filter(role=Role.LEADER).first()
        if leader is None:
            raise CommandError(f"{organisation} has no leader to sign in as.")
        # Not a safety representative: they sign in with a second step, as leaders do.
        staff = people.filter(role=Role.STAFF, centres=centres[0])
        staff = staff.order_by("is_safety_representative", "pk").first() or leader
        return Scope(
            name=name or f"organisation of {len(centres)}",
            organisation=organisation,
            leader=leader,
            centres=centres,
            staff=staff,
            link=self.association_link(organisation, people),
        )

    def association_link(self, organisation, people):
        """The organisation's calendar link for the users' association: one an association
        member made, or else any for every centre, or else a new one."""
        links = CalendarLink.objects.active().filter(organisation=organisation, centre=None)
        link = (
            links.filter(created_by__role=Role.ASSOCIATION).first() or links.order_by("pk").first()
        )
        if link is None:
            member = people.filter(role=Role.ASSOCIATION).first()
            link = CalendarLink.objects.create(
                organisation=organisation, label="Opslagstavlen", created_by=member
            )
        return link

    def national(self, scope):
        """Every centre in `scope`'s organisation (rolled back after)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE centres_centre SET organisation_id = %s, name = name || ' #' || id "
                "WHERE organisation_id <> %s",
                [scope.organisation.pk, scope.organisation.pk],
            )
        centres = list(Centre.objects.order_by("pk"))
        return Scope(
            name=f"every centre ({len(centres)})",
            organisation=scope.organisation,
            leader=scope.leader,
            centres=centres,
        )

    def demo(self):
        organisation, centres, people = centres_demo.seed()
        for name in APP_DEMOS:
            import_module(name).seed(organisation=organisation, centres=centres, people=people)
        return self.scope(organisation, name=f"demo ({len(centres)} centres)")

    def dashboard_pages(self, scope, kind, label, centre_ids, target):
        extra = {"centre": centre_ids[0]} if len(centre_ids) == 1 else {}
        url = reverse("dashboard:index")
        pages = []
        for when, period in (("past", self.past), ("current", self.current)):
            so_far = " so far" if period.running else ""
            pages.append(
                Page(
                    kind=f"dashboard, {kind}, {when} {period.kind}",
                    label=f"dashboard, {label}, {when} {period.kind}{so_far}",
                    user=scope.leader,
                    url=url,
                    params={"period": period.kind, "date": period.start.isoformat(), **extra},
                    target=target,
                    sql=(centre_ids, period),
                )
            )
        return pages

    def pack_pages(self, scope, xlsx_target):
        year = {"year": self.past.start.year}
        return [
            Page(
                "report pack page, a year",
                f"report pack page, {year['year']}, {scope.name}",
                scope.leader,
                reverse("dashboard:pack"),
                year,
            ),
            Page(
                "report pack XLSX, a year",
                f"report pack XLSX, {year['year']}, {scope.name}",
                scope.leader,
                reverse("dashboard:pack_xlsx"),
                year,
                xlsx_target,
            ),
        ]

    def organisation_pages(self, scope):
        ids = [c.pk for c in scope.centres]
        month = {"view": "month"}
        return [
            *self.dashboard_pages(scope, "one centre", "one centre", ids[:1], ONE_CENTRE),
            *self.dashboard_pages(scope, "all centres", scope.name, ids, ORGANISATION),
            Page(
                "calendar month, staff member",
                "calendar month, staff member",
                scope.staff,
                reverse("activities:calendar"),
                month,
                CALENDAR,
            ),
            Page(
                "calendar month, users' association",
                "calendar month, users' association (calendar link)",
                None,
                reverse("activities:shared_calendar", args=[scope.link.token]),
                month,
                CALENDAR,
            ),
            Page(
                "tally page",
                "tally page, staff member",
                scope.staff,
                reverse("centres:tally", args=[ids[0]]),
                {},
            ),
            *self.pack_pages(scope, PACK_XLSX_ORGANISATION),
        ]

    def national_pages(self, scope):
        ids = [c.pk for c in scope.centres]
        return [
            *self.dashboard_pages(scope, "all centres", scope.name, ids, EVERY_CENTRE),
            *self.pack_pages(scope, PACK_XLSX_EVERY_CENTRE),
        ]

    # Timing

    COLUMNS = (
        f"{'page':58} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} "
        f"{'page/SQL':>9}  {'target':24} result"
    )

    def time_pages(self, largest, national):
        self.stdout.write(
            f"{Centre.objects.count()} centres; past {self.past.kind} {self.past.start} to "
            f"{self.past.end}, current {self.current.start} to {self.current.end}; "
            f"{self.repeat} requests each, nothing reset between them\n"
        )
        self.stdout.write(self.COLUMNS)
        self.stdout.write("-" * len(self.COLUMNS))
        for page in self.organisation_pages(largest):
            self.time_page(page, largest)
        if national:
            every = self.national(largest)
            for page in self.national_pages(every):
                self.time_page(page, every)

    def time_page(self, page, scope):
        median, p95, queries = self.measure(page)
        sql_ms = ratio = None
        if page.sql:
            sql_ms = self.time_sql(scope, *page.sql)
            ratio = median / sql_ms
        verdict = ""
        if page.target:
            verdict = "PASS" if page.target.met(p95, ratio) else "MISS"
        sql_text = f"{sql_ms:8.1f} {ratio:9.1f}" if sql_ms else f"{'':8} {'':9}"
        target = page.target.text() if page.target else ""
        self.stdout.write(
            f"{page.label:58} {median:10.1f} {p95:8.1f} {queries:8d} {sql_text}  "
            f"{target:24} {verdict}".rstrip()
        )

    def time_sql(self, scope, centre_ids, period):
        now = timezone.now()
        samples = []
        for i in range(self.repeat + 2):
            started = time.perf_counter()
            dashboard_sql.run(centre_ids, scope.organisation.pk, period, now, self.today)
            if i >= 2:
                samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    def client(self, user):
        """A client signed in as `user` (None: signed out), the second step given."""
        key = user.pk if user else None
        if key in self.clients:
            return self.clients[key]
        client = Client()
        if user is not None:
            client.force_login(user)
            if user.requires_two_factor:
                device, _ = TOTPDevice.objects.get_or_create(
                    user=user, name="bench", defaults={"confirmed": True}
                )
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        self.clients[key] = client
        return client

    def warm(self, page):
        """Two requests first: connections, template loading, work done once."""
        client = self.client(page.user)
        for _ in range(2):
            response = client.get(page.url, page.params)
            if response.status_code != 200:
                raise CommandError(f"{page.label}: {page.url} answered {response.status_code}")
        return client

    def queries(self, page, client):
        with CaptureQueriesContext(connection) as queries:
            client.get(page.url, page.params)
        return len(queries.captured_queries)

    def measure(self, page):
        client = self.warm(page)
        samples = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            client.get(page.url, page.params)
            samples.append(time.perf_counter() - started)
        return (
            statistics.median(samples) * 1000,
            percentile(samples, 0.95) * 1000,
            self.queries(page, client),
        )

    # Query counts at two sizes

    def count_queries(self, largest, national):
        counts = {}

        def count(scope, pages):
            for page in pages:
                counts.setdefault(page.kind, {})[scope.name] = self.queries(page, self.warm(page))
            return scope

        # The largest organisation before its centres become every centre.
        scopes = [count(largest, self.organisation_pages(largest))]
        if national:
            every = self.national(largest)
            scopes.append(count(every, self.national_pages(every)))
        demo = self.demo()
        scopes.insert(0, count(demo, self.organisation_pages(demo)))
        self.stdout.write(
            f"Queries of one request after two, by size; {Centre.objects.count()} centres in all\n"
        )
        header = f"{'page':46}" + "".join(f" {s.name:>22}" for s in scopes) + "  same"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for kind, by_scope in counts.items():
            cells = "".join(f" {by_scope.get(s.name, ''):>22}" for s in scopes)
            same = "yes" if len(set(by_scope.values())) == 1 else "NO"
            self.stdout.write(f"{kind:46}{cells}  {same}")
