"""Demo data for this app, on top of the reference organisation from centres.demo.

Three episodes of the kinds the 2023 supervision named (an assault on a staff member with
absence, a threat, verbal abuse), one ban, a written risk assessment per centre and a
procedure that staff have not yet acknowledged. All people are invented.
"""

import datetime

from django.utils import timezone

from incidents.models import (
    AffectedRole,
    Ban,
    BanScope,
    Context,
    ImmediateAction,
    Incident,
    Kind,
    Procedure,
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
