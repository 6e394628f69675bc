"""Demo data for advice: a year of contacts, outreach hours and meeting tallies.

Invented throughout; the outreach workers' names are made up. Two of them have an
account of their own and keep their hours' absences under "My hours".
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from advice.models import (
    Channel,
    Contact,
    ContactTopic,
    DefaultTopic,
    Duration,
    HelperRole,
    MeetingTally,
    Outcome,
    OutreachAbsence,
    OutreachHours,
    OutreachRole,
    Topic,
)
from centres.demo import DEMO_PASSWORD
from centres.models import Role, User

# Open days (Monday = 0) and contacts a day, roughly: the drop-in centres' staffed days
# and Krydsfeltet's open counselling on Monday and Thursday.
CENTRE_DAYS = {
    "Værestedet 76F": ((1, 2, 4), (1, 5), Channel.DROP_IN),
    "Værestedet Frederiksgade": ((0, 3), (1, 6), Channel.DROP_IN),
    "Krydsfeltet": ((0, 3), (2, 7), Channel.COUNSELLING),
}
# The supervisory reports name budgets, creditors, applications and housing first.
TOPIC_WEIGHTS = {
    DefaultTopic.FINANCE: 14,
    DefaultTopic.DEBT: 9,
    DefaultTopic.BENEFITS: 10,
    DefaultTopic.HOUSING: 11,
    DefaultTopic.LETTERS: 9,
    DefaultTopic.DIGITAL: 7,
    DefaultTopic.JOB: 4,
    DefaultTopic.PHYSICAL_HEALTH: 6,
    DefaultTopic.MENTAL_HEALTH: 5,
    DefaultTopic.SUBSTANCES: 4,
    DefaultTopic.IMMIGRATION: 2,
    DefaultTopic.JUSTICE: 2,
    DefaultTopic.FAMILY: 3,
    DefaultTopic.OTHER: 2,
}
OUTREACH = [
    # centre, role, service, display name, weekday, start, end
    ("Værestedet 76F", OutreachRole.JOB_CENTRE, "Jobcenter Faxe", "Mette", 1, (9, 0), (12, 0)),
    (
        "Værestedet Frederiksgade",
        OutreachRole.JOB_CENTRE,
        "Jobcenter Faxe",
        "Mette",
        3,
        (9, 0),
        (12, 0),
    ),
    (
        "Værestedet 76F",
        OutreachRole.ADDICTION,
        "Misbrugscentret Faxe",
        "Kasper",
        4,
        (10, 0),
        (13, 0),
    ),
    ("Krydsfeltet", OutreachRole.ADDICTION, "Misbrugscentret Faxe", "Kasper", 0, (12, 0), (15, 0)),
]


# Outreach workers with an account: (username, first name, last name); their hours are
# those of OUTREACH under their first name, and they work at those hours' centres.
OUTREACH_WORKERS = [
    ("mette", "Mette", "Lind"),
    ("kasper", "Kasper", "Holt"),
]


def _weighted(rng, weights):
    values, w = zip(*weights.items(), strict=True)
    return rng.choices(values, weights=w)[0]


def seed(*, organisation, centres, people):
    """Create this app's demo data idempotently (safe to run again)."""
    Topic.objects.ensure_defaults(organisation)
    today = timezone.localdate()
    _outreach_hours(centres, today)
    _outreach_workers(organisation, centres, people)
    ours = [centres[name] for name in CENTRE_DAYS]
    if not Contact.objects.filter(centre__in=ours).exists():
        _contacts(organisation, centres, today)
    if not MeetingTally.objects.filter(centre__in=ours).exists():
        _meetings(centres, today)


def _outreach_hours(centres, today):
    start_of_year = today.replace(month=1, day=1)
    for centre_name, role, service, name, weekday, start, end in OUTREACH:
        hours, _ = OutreachHours.objects.update_or_create(
            centre=centres[centre_name],
            display_name=name,
            weekday=weekday,
            defaults={
                "role": role,
                "service": service,
                "start_time": datetime.time(*start),
                "end_time": datetime.time(*end),
                "valid_from": start_of_year,
            },
        )
        # Three weeks of summer holiday, as the notice board would say.
        holiday = datetime.date(today.year, 7, 6)
        OutreachAbsence.objects.get_or_create(
            hours=hours,
            start_date=holiday,
            defaults={"end_date": holiday + datetime.timedelta(days=20), "reason": "holiday"},
        )


def _outreach_workers(organisation, centres, people):
    """The accounts of OUTREACH_WORKERS, linked to their hours; added to `people`."""
    for username, first_name, last_name in OUTREACH_WORKERS:
        worker, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "organisation": organisation,
                "role": Role.OUTREACH,
                "is_active": True,
            },
        )
        if created:
            worker.set_password(DEMO_PASSWORD)
            worker.save(update_fields=["password"])
        worker.centres.set({centres[row[0]] for row in OUTREACH if row[3] == first_name})
        for hours in OutreachHours.objects.filter(
            centre__organisation=organisation, display_name=first_name, worker=None
        ):
            hours.worker = worker
            hours.save()
        people[username] = worker


def _contacts(organisation, centres, today):
    rng = random.Random(6)
    topics = {t.code: t for t in Topic.objects.filter(organisation=organisation).exclude(code="")}
    contacts, topic_codes = [], []
    for day in (today - datetime.timedelta(days=n) for n in range(365, 0, -1)):
        for centre_name, (weekdays, (low, high), channel) in CENTRE_DAYS.items():
            if day.weekday() not in weekdays:
                continue
            for _ in range(rng.randint(low, high)):
                counselling = channel == Channel.COUNSELLING
                contacts.append(
                    Contact(
                        centre=centres[centre_name],
                        date=day,
                        channel=channel if rng.random() < 0.75 else rng.choice(Channel.values),
                        helper_role=_weighted(
                            rng,
                            {
                                HelperRole.STAFF: 1 if counselling else 8,
                                HelperRole.SOCIAL_WORKER: 8 if counselling else 2,
                                HelperRole.OUTREACH_CASEWORKER: 1,
                                HelperRole.ADDICTION_CONSULTANT: 1,
                                HelperRole.SUPPORT_CONTACT: 1,
                                HelperRole.VOLUNTEER: 1,
                            },
                        ),
                        duration=_weighted(
                            rng,
                            {
                                Duration.UNDER_15: 2 if counselling else 6,
                                Duration.FROM_15_TO_30: 5,
                                Duration.FROM_30_TO_60: 4 if counselling else 2,
                                Duration.OVER_60: 1,
                            },
                        ),
                        outcome=_weighted(
                            rng,
                            {
                                Outcome.ANSWERED: 6,
                                Outcome.FORM_OR_LETTER: 4,
                                Outcome.REFERRED: 2,
                                Outcome.FOLLOW_UP: 3,
                            },
                        ),
                        new_to_service=rng.random() < 0.12,
                    )
                )
                codes = {_weighted(rng, TOPIC_WEIGHTS)}
                if rng.random() < 0.35:
                    codes.add(_weighted(rng, TOPIC_WEIGHTS))
                topic_codes.append(codes)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ContactTopic.objects.bulk_create(
        [
            ContactTopic(contact=contact, topic=topics[code])
            for contact, codes in zip(contacts, topic_codes, strict=True)
            for code in codes
        ],
        batch_size=5000,
    )


def _meetings(centres, today):
    """A year of job-centre meetings held at the drop-in centres; no-shows are rare."""
    rng = random.Random(82)
    month = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    while month <= today:
        for name in ("Værestedet 76F", "Værestedet Frederiksgade"):
            tally, _ = MeetingTally.objects.get_or_create(
                centre=centres[name], service="job_centre", month=month
            )
            MeetingTally.objects.filter(pk=tally.pk).update(
                held=F("held") + rng.randint(6, 14),
                no_show=F("no_show") + rng.choice([0, 0, 0, 1]),
                cancelled=F("cancelled") + rng.randint(0, 2),
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
