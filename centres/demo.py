"""Demo data for centres: the reference organisation, its centres and invented people,
the 2023 opening hours, ten key holders with fobs, shifts and a year of visit tallies."""

import datetime
import random

from django.utils import timezone

from centres.calendar_days import week_start
from centres.forms import rota_shift_during
from centres.models import (
    Census,
    Centre,
    Closure,
    KeyFob,
    KeyHolder,
    KeyLoan,
    LegalBasis,
    OpeningHours,
    OpeningKind,
    Organisation,
    Qualification,
    Role,
    RotaShift,
    Shift,
    TargetGroup,
    User,
    VisitCount,
    VisitKind,
)
from centres.openings import local_datetime, openings_for

DEMO_PASSWORD = "vaerested-demo"

ORGANISATION = "Banebryderne (Faxe Kommune)"
CENTRES = [
    ("Værestedet 76F", "Præstøvej 76F, 4640 Faxe"),
    ("Værestedet Frederiksgade", "Frederiksgade 6, 4690 Haslev"),
    ("Krydsfeltet", "Slagterivej 17, 4690 Haslev"),
]
# Invented people, one per role: (username, first name, last name, role, centres).
PEOPLE = [
    ("leder", "Lene", "Holm", Role.LEADER, []),
    ("personale76f", "Emil", "Kjær", Role.STAFF, ["Værestedet 76F"]),
    ("personalefrederiksgade", "Sofie", "Brandt", Role.STAFF, ["Værestedet Frederiksgade"]),
    ("opsoegende", "Jonas", "Friis", Role.OUTREACH, ["Værestedet 76F", "Krydsfeltet"]),
    ("forening", "Birthe", "Lund", Role.ASSOCIATION, []),
]


def seed():
    """Create or update the demo organisation; return (organisation, centres, people)
    with centres and people as dicts keyed by name and username."""
    organisation, _ = Organisation.objects.get_or_create(name=ORGANISATION)
    centres = {}
    for name, address in CENTRES:
        centres[name], _ = Centre.objects.update_or_create(
            organisation=organisation, name=name, defaults={"address": address}
        )
    people = {}
    for username, first_name, last_name, role, centre_names in PEOPLE:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "organisation": organisation,
                "role": role,
                "is_active": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.centres.set([centres[name] for name in centre_names])
        people[username] = user
    seed_centre_data(organisation, centres, people)
    return organisation, centres, people


S76F, FREDERIKSGADE, KRYDSFELTET = (name for name, _ in CENTRES)
TIMES = {
    "8": datetime.time(8),
    "9": datetime.time(9),
    "10": datetime.time(10),
    "12.30": datetime.time(12, 30),
    "14": datetime.time(14),
    "15": datetime.time(15),
    "15.30": datetime.time(15, 30),
    "16": datetime.time(16),
}
BEFORE_CUT = (datetime.date(2022, 1, 1), datetime.date(2023, 5, 31))
AFTER_CUT = (datetime.date(2023, 6, 1), None)
SINCE_2022 = (datetime.date(2022, 1, 1), None)
STAFFED, MAYBE = OpeningKind.STAFFED, OpeningKind.MAYBE
# (centre, weekday, from, until, kind, validity, label): the hours before and after the
# 2023 cut forced by the two-staff injunction (DOMAIN.md).
HOURS = [
    *[
        (name, day, start, end, STAFFED, BEFORE_CUT, "")
        for name in (S76F, FREDERIKSGADE)
        for day, start, end in [
            (0, "8", "16"),
            (1, "8", "16"),
            (2, "8", "15.30"),
            (3, "8", "15.30"),
            (4, "8", "14"),
        ]
    ],
    (S76F, 1, "8", "16", STAFFED, AFTER_CUT, ""),
    (S76F, 2, "8", "15.30", STAFFED, AFTER_CUT, ""),
    (S76F, 4, "8", "14", STAFFED, AFTER_CUT, ""),
    (S76F, 0, "10", "14", MAYBE, AFTER_CUT, ""),
    (S76F, 5, "10", "14", MAYBE, AFTER_CUT, ""),
    (FREDERIKSGADE, 0, "8", "16", STAFFED, AFTER_CUT, ""),
    (FREDERIKSGADE, 3, "8", "15.30", STAFFED, AFTER_CUT, ""),
    (FREDERIKSGADE, 1, "12.30", "14", STAFFED, AFTER_CUT, "Idrætshal"),
    (FREDERIKSGADE, 6, "10", "14", STAFFED, AFTER_CUT, "Idrætshal"),
    (FREDERIKSGADE, 2, "10", "14", MAYBE, AFTER_CUT, ""),
    (KRYDSFELTET, 0, "9", "15", STAFFED, SINCE_2022, "Åben rådgivning"),
    (KRYDSFELTET, 3, "9", "15", STAFFED, SINCE_2022, "Åben rådgivning"),
]
PROFILES = {
    S76F: {
        "legal_basis": LegalBasis.SECTION_104,
        "places": 60,
        "phone": "56 20 30 40",
        "tilbudsportalen_checked": datetime.date(2024, 9, 1),
    },
    FREDERIKSGADE: {"legal_basis": LegalBasis.SECTION_104, "phone": "56 20 30 41"},
    KRYDSFELTET: {"legal_basis": LegalBasis.SECTION_82, "phone": "56 20 30 42"},
}
SAFETY = (
    "Ring 112 ved fare. Ring derefter til vagttelefonen 56 20 30 49. Sig til de andre, "
    "at stedet lukker, lås og skriv kort, hvad der skete, til personalet næste dag."
)
# Invented aliases; two have not had the safety briefing yet.
KEY_HOLDERS = ["Ravn", "Mågen", "Stæren", "Uglen", "Lærken", "Svalen", "Spurven", "Hejren"]
UNBRIEFED = ["Falken", "Viben"]


def seed_centre_data(organisation, centres, people):
    today = timezone.localdate()
    for name, values in PROFILES.items():
        Centre.objects.filter(pk=centres[name].pk).update(
            age_from=18,
            age_to=80,
            target_groups=[g.value for g in TargetGroup if g != TargetGroup.NON_VIOLENT_CRIME],
            methods="Fristed, samvær, råd og vejledning, aktiviteter.",
            safety_instructions=SAFETY,
            **values,
        )
    for name, weekday, start, end, kind, (valid_from, valid_until), label in HOURS:
        OpeningHours.objects.update_or_create(
            centre=centres[name],
            weekday=weekday,
            starts=TIMES[start],
            valid_from=valid_from,
            defaults={"ends": TIMES[end], "kind": kind, "valid_until": valid_until, "label": label},
        )
    for name in (S76F, FREDERIKSGADE):
        Closure.objects.get_or_create(
            centre=centres[name],
            starts=datetime.date(today.year, 7, 13),
            defaults={"ends": datetime.date(today.year, 7, 24), "reason": "Sommerlukket"},
        )
    seed_keys(organisation, centres, today)
    seed_shifts(centres, people, today)
    seed_rota(organisation, centres, people)
    seed_tallies(centres, today)
    for name, weekly, monthly, occasional, date in [
        (S76F, 34, 7, 10, datetime.date(2022, 10, 1)),
        (FREDERIKSGADE, 25, 5, 8, datetime.date(2022, 10, 1)),
        (S76F, 31, 9, 12, today - datetime.timedelta(days=40)),
    ]:
        Census.objects.get_or_create(
            centre=centres[name],
            date=date,
            defaults={"weekly": weekly, "monthly": monthly, "occasional": occasional},
        )


def seed_keys(organisation, centres, today):
    holders = []
    for n, alias in enumerate(KEY_HOLDERS + UNBRIEFED):
        signed = today - datetime.timedelta(days=60 + 45 * n)
        holder, _ = KeyHolder.objects.get_or_create(
            organisation=organisation,
            alias=alias,
            defaults={
                "agreement_signed": signed,
                "safety_briefing": None if alias in UNBRIEFED else signed,
            },
        )
        holders.append(holder)
    for n in range(12):
        fob, created = KeyFob.objects.get_or_create(
            organisation=organisation, number=f"B-{n + 1:02d}"
        )
        if created:
            opens = [centres[S76F]] if n % 2 == 0 else [centres[FREDERIKSGADE]]
            if n == 11:
                opens = [centres[S76F], centres[FREDERIKSGADE]]
            fob.centres.set(opens)
        if n < len(holders) and not fob.loans.exists():
            KeyLoan.objects.create(fob=fob, holder=holders[n], issued=holders[n].agreement_signed)


def seed_shifts(centres, people, today):
    """This week and next: one staff member alone on some days, so the leader sees flags."""
    monday = week_start(today)
    plan = [
        ("personale76f", S76F, 1, "8", "16"),
        ("leder", S76F, 1, "8", "16"),
        ("personale76f", S76F, 2, "8", "15.30"),
        ("personale76f", S76F, 4, "8", "14"),
        ("personalefrederiksgade", FREDERIKSGADE, 0, "8", "16"),
        ("leder", FREDERIKSGADE, 0, "8", "16"),
        ("personalefrederiksgade", FREDERIKSGADE, 3, "8", "15.30"),
    ]
    for week in (0, 7):
        for username, name, weekday, start, end in plan:
            day = monday + datetime.timedelta(days=week + weekday)
            starts = local_datetime(day, TIMES[start])
            if not Shift.objects.filter(
                worker=people[username], starts__lt=local_datetime(day, TIMES[end]), ends__gt=starts
            ).exists():
                Shift.objects.create(
                    centre=centres[name],
                    worker=people[username],
                    starts=starts,
                    ends=local_datetime(day, TIMES[end]),
                )


# The reference case's other three staff (invented names): with Emil and Sofie the five
# who serve the two drop-in centres, one of them a student.
ROTA_PEOPLE = [
    ("personale2", "Maja", "Vest", Qualification.TRAINED, [S76F]),
    ("personale3", "Henrik", "Dal", Qualification.TRAINED, [FREDERIKSGADE]),
    ("studerende", "Ali", "Sand", Qualification.STUDENT, [S76F, FREDERIKSGADE]),
]
# (username, centre, weekday, from, until): two trained staff on every staffed opening
# of the 2023 hours, and the student alongside on Fridays at 76F.
ROTA = [
    *[
        (username, S76F, day, start, end)
        for username in ("personale76f", "personale2")
        for day, start, end in [(1, "8", "16"), (2, "8", "15.30"), (4, "8", "14")]
    ],
    ("studerende", S76F, 4, "8", "14"),
    *[
        (username, FREDERIKSGADE, day, start, end)
        for username in ("personalefrederiksgade", "personale3")
        for day, start, end in [
            (0, "8", "16"),
            (3, "8", "15.30"),
            (1, "12.30", "14"),
            (6, "10", "14"),
        ]
    ],
]


def seed_rota(organisation, centres, people):
    """The weekly rota since the 2023 cut. The one-off demo shifts the rota now covers
    are removed, so nobody is planned twice at once."""
    for username, first_name, last_name, qualification, centre_names in ROTA_PEOPLE:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "organisation": organisation,
                "role": Role.STAFF,
                "qualification": qualification,
                "is_active": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.centres.set([centres[name] for name in centre_names])
        people[username] = user
    for username, name, weekday, start, end in ROTA:
        RotaShift.objects.get_or_create(
            centre=centres[name],
            worker=people[username],
            weekday=weekday,
            starts=TIMES[start],
            ends=TIMES[end],
            valid_from=AFTER_CUT[0],
        )
    rota_people = {people[username].pk for username, *_rest in ROTA}
    for shift in Shift.objects.filter(worker_id__in=rota_people):
        if rota_shift_during(shift.worker, shift.starts, shift.ends):
            shift.delete()


def seed_tallies(centres, today):
    """A year of plausible hourly counts in the opening hours, made once."""
    first = today - datetime.timedelta(days=365)
    wanted = [c for c in centres.values() if not c.visit_counts.exists()]
    if not wanted:
        return
    found = openings_for(
        wanted, local_datetime(first, datetime.time()), local_datetime(today, datetime.time())
    )
    rows = []
    for centre in wanted:
        rng = random.Random(centre.name)
        for opening in found[centre.pk]:
            kind = VisitKind.STAFFED if opening.kind == STAFFED else VisitKind.USER_RUN
            if opening.kind == MAYBE and rng.random() < 0.4:
                continue  # nobody came to open
            start = timezone.localtime(opening.start)
            for hour in range(start.hour, timezone.localtime(opening.end).hour):
                visits = max(0, int(rng.gauss(6 if kind == VisitKind.STAFFED else 3, 2)))
                new = sum(rng.random() < 0.04 for _ in range(visits))
                rows.append(
                    VisitCount(
                        centre=centre,
                        date=start.date(),
                        hour=hour,
                        kind=kind,
                        visits=visits,
                        new_visits=new,
                    )
                )
    VisitCount.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
