"""Demo data for this app, on top of the reference organisation from centres.demo.

Three episodes of the kinds the 2023 supervision named (an assault on a staff member with
absence, a threat, verbal abuse), one ban, a written risk assessment per centre and a
procedure that staff have not yet acknowledged; a safety representative, two weeks of day
sheets at 76F and last quarter's review there, signed by both with its decisions. All
people are invented.
"""

import datetime

from django.utils import timezone

from centres.demo import DEMO_PASSWORD
from centres.models import Role, User
from incidents import review
from incidents.models import (
    AffectedRole,
    Ban,
    BanScope,
    Context,
    DaySheet,
    DaySheetEntry,
    ImmediateAction,
    Incident,
    Kind,
    PartOfDay,
    Procedure,
    QuarterReview,
    ReviewDecision,
    RiskAssessment,
    Severity,
    Status,
)

PROCEDURE_TEXT = (
    "1. Tal roligt og hold afstand. Gå ikke alene ind i en konflikt.\n"
    "2. Tilkald en kollega; ring 112 ved vold eller trusler om vold.\n"
    "3. Under brugeråbninger: den ansvarlige bruger beder personen gå, ringer 112 "
    "ved fare og giver lederen besked samme dag.\n"
    "4. Skriv en hændelsesrapport samme dag, også om mindre episoder."
)


def at(days_ago, hour):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(*, organisation, centres, people):
    """Create this app's demo data idempotently (safe to run again)."""
    leader = people["leder"]
    staff = people["personale76f"]
    centre_76f = centres["Værestedet 76F"]
    frederiksgade = centres["Værestedet Frederiksgade"]
    today = timezone.localdate()

    assault, _ = Incident.objects.get_or_create(
        centre=centre_76f,
        summary="Bruger slog medarbejder i ansigtet ved udlevering af mad",
        defaults={
            "occurred_at": at(6, 12),
            "is_full_report": True,
            "context": Context.STAFFED_OPENING,
            "kinds": [Kind.PHYSICAL_VIOLENCE],
            "severity": Severity.SERIOUS,
            "affected_role": AffectedRole.STAFF,
            "affected_user": staff,
            "involved_aliases": ["Ravnen"],
            "what_happened": "Ravnen blev vred over ventetiden og slog ud efter Emil.",
            "preceded": "Lang kø og uro i køkkenet.",
            "escalated": "Flere brugere blandede sig.",
            "calmed": "En kollega fik Ravnen med udenfor.",
            "immediate_actions": [ImmediateAction.DE_ESCALATION, ImmediateAction.FIRST_AID],
            "injury": True,
            "injury_description": "Hævet kind og hovedpine.",
            "absence_first_day": today - datetime.timedelta(days=5),
            "reported_by": staff,
            "status": Status.REVIEWED,
            "reviewed_at": at(5, 9),
        },
    )
    Incident.objects.get_or_create(
        centre=frederiksgade,
        summary="Truede med at komme tilbage og 'gøre alvor af det'",
        defaults={
            "occurred_at": at(20, 15),
            "is_full_report": True,
            "context": Context.USER_RUN_OPENING,
            "kinds": [Kind.THREAT],
            "severity": Severity.MODERATE,
            "affected_role": AffectedRole.USER,
            "involved_aliases": ["Kaptajnen"],
            "what_happened": "Under brugeråbningen truede Kaptajnen en anden bruger.",
            "immediate_actions": [ImmediateAction.SENT_HOME],
            "reported_by": people["personalefrederiksgade"],
        },
    )
    Incident.objects.get_or_create(
        centre=centre_76f,
        summary="Råbte skældsord efter personalet ved lukketid",
        defaults={
            "occurred_at": at(2, 16),
            "kinds": [Kind.VERBAL_ABUSE],
            "severity": Severity.MINOR,
            "affected_role": AffectedRole.STAFF,
            "reported_by": staff,
        },
    )

    if not Ban.objects.filter(organisation=organisation, alias_key="ravnen").exists():
        Ban.objects.create(
            organisation=organisation,
            alias="Ravnen",
            description="Høj, grå hættetrøje, kommer ofte ved middagstid.",
            scope=BanScope.CENTRE,
            centre=centre_76f,
            starts_on=today - datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=25),
            incident=assault,
            decided_by=leader,
            told_on=today - datetime.timedelta(days=4),
            review_on=today + datetime.timedelta(days=10),
        )

    for centre in centres.values():
        RiskAssessment.objects.get_or_create(
            centre=centre,
            defaults={
                "assessed_on": today - datetime.timedelta(days=30),
                "risks": "Konflikter ved madudlevering; knive og sakse i køkkenet; "
                "alene-arbejde ved lukketid.",
                "measures": "To personaler til stede ved madudlevering og lukning; knive og "
                "sakse låses inde; alarmtelefon ved døren.",
                "review_on": today + datetime.timedelta(days=335),
                "written_by": leader,
            },
        )

    Procedure.objects.get_or_create(
        centre=centre_76f,
        version=1,
        defaults={"text": PROCEDURE_TEXT, "published_by": leader},
    )

    safety_representative = seed_safety_representative(organisation, centres, people)
    seed_day_sheets(centre_76f, staff, today)
    seed_review(centre_76f, leader, safety_representative, staff, today)


def seed_safety_representative(organisation, centres, people):
    """A staff member at Frederiksgade who is the unit's safety representative."""
    user, created = User.objects.update_or_create(
        username="amr",
        defaults={
            "first_name": "Jakob",
            "last_name": "Vinther",
            "email": "amr@example.org",
            "organisation": organisation,
            "role": Role.STAFF,
            "is_safety_representative": True,
            "is_active": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.centres.set([centres["Værestedet Frederiksgade"]])
    people["amr"] = user
    return user


# Two weeks of day sheets at 76F: (days ago, [(kind, part of the day, count)]); an empty
# list is a day with no episodes.
DAY_SHEETS = [
    (1, [(Kind.VERBAL_ABUSE, PartOfDay.FROM_12, 2)]),
    (2, []),
    (3, [(Kind.THREAT, PartOfDay.FROM_14, 1), (Kind.OTHER, PartOfDay.FROM_14, 1)]),
    (6, [(Kind.VERBAL_ABUSE, PartOfDay.FROM_10, 1)]),
    (7, []),
    (
        8,
        [(Kind.VERBAL_ABUSE, PartOfDay.FROM_12, 3), (Kind.PHYSICAL_VIOLENCE, PartOfDay.FROM_12, 1)],
    ),
    (10, []),
    (13, [(Kind.OTHER, PartOfDay.FROM_10, 2)]),
]


def seed_day_sheets(centre, staff, today):
    for days_ago, counts in DAY_SHEETS:
        day = today - datetime.timedelta(days=days_ago)
        sheet, created = DaySheet.objects.get_or_create(
            centre=centre,
            day=day,
            defaults={"no_episodes": not counts, "filled_in_by": staff},
        )
        if created:
            for kind, part, n in counts:
                DaySheetEntry.objects.create(sheet=sheet, kind=kind, part_of_day=part, count=n)


TEN_MINUTES = datetime.timedelta(minutes=10)


def seed_review(centre, leader, safety_representative, staff, today):
    """Last quarter's review at 76F with its decisions, signed by both (once)."""
    year, quarter = review.previous_quarter_of(*review.quarter_of_day(today))
    last_quarter, created = QuarterReview.objects.get_or_create(
        centre=centre, year=year, quarter=quarter
    )
    if not created:
        return
    last = review.quarter_days(year, quarter)[1]
    for days_after, text, owner, done in (
        (30, "Introducér den nye studerende til proceduren for vold og trusler.", staff, True),
        (
            45,
            "Gennemgå med nøgleholderne, hvad de gør ved en episode under brugeråbent.",
            leader,
            False,
        ),
        (60, "Flyt madudleveringen, så køen ikke står i døren.", staff, False),
    ):
        ReviewDecision.objects.create(
            review=last_quarter,
            text=text,
            owner=owner,
            due_on=last + datetime.timedelta(days=days_after),
            done_on=min(last + datetime.timedelta(days=10), today) if done else None,
        )
    # Five days after the quarter, or a little before now early in a quarter.
    now = timezone.now()
    planned = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=5), datetime.time(14))
    )
    signed = max(review.quarter_span(year, quarter)[1], min(planned, now - TEN_MINUTES))
    review.review_sign(review=last_quarter, user=safety_representative, now=signed)
    review.review_sign(review=last_quarter, user=leader, now=min(signed + TEN_MINUTES, now))
