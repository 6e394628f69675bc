"""Time the figures over three years of a busy centre's contacts, then roll it all back."""

import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from advice import stats
from advice.models import (
    Channel,
    Contact,
    ContactTopic,
    Duration,
    HelperRole,
    MeetingTally,
    Outcome,
    Topic,
)
from centres.models import Centre, Organisation


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Create three years of a busy centre's advice contacts inside a transaction, time "
        "the figures over them, and roll back: nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--per-day", type=int, default=40, help="contacts per weekday")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, per_day, years, runs, **options):
        try:
            with transaction.atomic():
                self._run(per_day, years, runs)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: nothing was kept.")

    def _run(self, per_day, years, runs):
        rng = random.Random(3)
        organisation = Organisation.objects.create(name="Timing (rolled back)")
        centre = Centre.objects.create(organisation=organisation, name="Busy centre")
        topics = list(Topic.objects.ensure_defaults(organisation))
        end = datetime.date.today()
        start = end - datetime.timedelta(days=365 * years)
        contacts, chosen = [], []
        day = start
        while day <= end:
            if day.weekday() < 5:
                for _ in range(per_day):
                    contacts.append(
                        Contact(
                            centre=centre,
                            date=day,
                            channel=rng.choice(Channel.values),
                            helper_role=rng.choice(HelperRole.values),
                            duration=rng.choice(Duration.values),
                            outcome=rng.choice(Outcome.values),
                            new_to_service=rng.random() < 0.1,
                        )
                    )
                    chosen.append(rng.sample(topics, rng.choice([1, 1, 2, 3])))
            day += datetime.timedelta(days=1)
        loaded = time.perf_counter()
        Contact.objects.bulk_create(contacts, batch_size=5000)
        ContactTopic.objects.bulk_create(
            [
                ContactTopic(contact=c, topic=t)
                for c, ts in zip(contacts, chosen, strict=True)
                for t in ts
            ],
            batch_size=10000,
        )
        self.stdout.write(
            f"{len(contacts)} contacts with {sum(map(len, chosen))} topics loaded in "
            f"{time.perf_counter() - loaded:.1f} s"
        )
        with connection.cursor() as cursor:
            # As autovacuum would have done on a table that grew over three years.
            cursor.execute("ANALYZE advice_contact")
            cursor.execute("ANALYZE advice_contacttopic")
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            figures = stats.compute(
                contacts=Contact.objects.filter(centre__in=[centre]),
                meetings=MeetingTally.objects.filter(centre__in=[centre]),
                centres=[centre],
                organisation_id=organisation.pk,
                start=start,
                end=end,
                suppressed=False,
            )
            timings.append(time.perf_counter() - began)
        assert figures.total == len(contacts)
        timings.sort()
        self.stdout.write(
            f"Figures over {years} years ({len(figures.months)} months): "
            f"median {timings[len(timings) // 2] * 1000:.0f} ms, "
            f"fastest {timings[0] * 1000:.0f} ms over {runs} runs"
        )
