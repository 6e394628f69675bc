"""Demo data for this app, on top of the reference organisation from centres.demo.

The reference centres' weekly plan (DOMAIN.md), monthly house meetings with minutes, a
board meeting with a proposal from the association, and a trip with a waitlist.
Invented people only.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from activities import services
from activities.models import (
    Activity,
    AgendaItem,
    AgendaProposal,
    CalendarLink,
    Category,
    Decision,
    LedBy,
    Meeting,
    MeetingKind,
    Schedule,
)
from activities.recurrence import COPENHAGEN
from centres.calendar_days import week_start

F76 = "Værestedet 76F"
FREDERIKSGADE = "Værestedet Frederiksgade"
KRYDSFELTET = "Krydsfeltet"
HALL = "Idrætshallen, Haslev"

# (title, category, centres, place, led by, staff present, schedules, extra fields)
# A schedule is (weekdays, start, end, every N weeks); weekdays 0 = Monday.
WEEKLY_PLAN = [
    ("NADA", Category.NADA, [F76], "", LedBy.STAFF, True, [("124", "9:00", "10:00", 1)], {}),
    (
        "NADA",
        Category.NADA,
        [FREDERIKSGADE],
        "",
        LedBy.STAFF,
        True,
        [("036", "9:00", "10:00", 1)],
        {},
    ),
    ("Gågruppe", Category.WALKING, [F76], "", LedBy.USERS, False, [("1", "10:30", "12:00", 1)], {}),
    (
        "Kreativt værksted",
        Category.CRAFTS,
        [FREDERIKSGADE],
        "",
        LedBy.VOLUNTEERS,
        True,
        [("3", "12:00", "14:00", 1)],
        {},
    ),
    (
        "Cykeltur",
        Category.CYCLING,
        [F76],
        "",
        LedBy.STAFF,
        True,
        [("4", "10:00", "12:00", 2)],
        {},
    ),
    (
        "Fællesrengøring og brunch",
        Category.CLEANING_BRUNCH,
        [F76],
        "",
        LedBy.STAFF,
        True,
        [("2", "9:00", "11:30", 1)],
        {},
    ),
    (
        "Fællesrengøring og brunch",
        Category.CLEANING_BRUNCH,
        [FREDERIKSGADE],
        "",
        LedBy.STAFF,
        True,
        [("0", "9:00", "11:30", 1)],
        {},
    ),
    (
        "Badminton, petanque og hockey i hallen",
        Category.SPORTS_HALL,
        [F76, FREDERIKSGADE],
        HALL,
        LedBy.PARTNER_CLUB,
        True,
        [("6", "10:00", "14:00", 1), ("1", "12:30", "14:00", 1)],
        {},
    ),
    (
        "Motion for mænd",
        Category.SPORTS_HALL,
        [KRYDSFELTET],
        HALL,
        LedBy.PARTNER_CLUB,
        False,
        [("3", "16:00", "17:30", 1)],
        {},
    ),
    (
        "Frisør på besøg",
        Category.VISITING_SERVICE,
        [F76, FREDERIKSGADE],
        "",
        LedBy.VOLUNTEERS,
        True,
        [("2", "10:00", "13:00", 4)],
        {"price": 50},
    ),
    (
        "Fodterapeut",
        Category.VISITING_SERVICE,
        [FREDERIKSGADE],
        "",
        LedBy.VOLUNTEERS,
        True,
        [("0", "12:00", "15:00", 4)],
        {"price": 100},
    ),
    (
        "Overskudsmad fra købmanden",
        Category.OTHER,
        [F76, FREDERIKSGADE],
        "",
        LedBy.USERS,
        False,
        [("4", "13:00", "13:30", 1)],
        {},
    ),
]


def _history(activity, *, since):
    """Past weeks with attendance counted, and one cancelled, for the leader's figures."""
    activity.materialise(since=dt.datetime.combine(since, dt.time.min, tzinfo=COPENHAGEN))
    past = activity.occurrences.filter(start__lt=timezone.now()).order_by("start")
    for number, occurrence in enumerate(past):
        if number == 2:
            occurrence.cancelled = True
            occurrence.cancel_reason = "Personalet var på kursus"
        else:
            occurrence.attendance = 3 + (number * 7 + len(activity.title)) % 9
        occurrence.save()


def _time(text):
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _first_weekday(year, month, weekday):
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _add_months(day, months):
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _activity(organisation, centres, title, category, names, **fields):
    """The demo activity with this title at these centres, created once."""
    existing = Activity.objects.filter(organisation=organisation, title=title, category=category)
    for activity in existing.prefetch_related("centres"):
        if {c.name for c in activity.centres.all()} == set(names):
            return activity, False
    activity = Activity.objects.create(
        organisation=organisation, title=title, category=category, **fields
    )
    activity.centres.set([centres[name] for name in names])
    return activity, True


@transaction.atomic
def seed(*, organisation, centres, people):
    """Create this app's demo data idempotently (safe to run again)."""
    today = timezone.localdate()
    season_start = week_start(today) - dt.timedelta(weeks=8)
    for title, category, names, place, led_by, staff, schedules, extra in WEEKLY_PLAN:
        activity, created = _activity(
            organisation,
            centres,
            title,
            category,
            names,
            place=place,
            led_by=led_by,
            staff_present=staff,
            **extra,
        )
        # Demo data seeded before the weekly plan stopped on closed days.
        if activity.runs_when_closed and not extra.get("runs_when_closed"):
            activity.runs_when_closed = False
            activity.save(update_fields=["runs_when_closed"])
        if created:
            for weekdays, start, end, interval in schedules:
                Schedule.objects.create(
                    activity=activity,
                    weekdays=weekdays,
                    start_time=_time(start),
                    end_time=_time(end),
                    interval_weeks=interval,
                    valid_from=season_start,
                )
            _history(activity, since=season_start)
        activity.materialise()

    course, created = _activity(
        organisation,
        centres,
        "Social færdighedstræning",
        Category.COURSE,
        [KRYDSFELTET],
        description="Et forløb over 34 uger i en lille gruppe.",
        capacity=10,
        signup_required=True,
    )
    if created:
        Schedule.objects.create(
            activity=course,
            weekdays="0",
            start_time=dt.time(10),
            end_time=dt.time(12),
            valid_from=season_start,
            session_count=34,
        )
        for name in ["Kim", "Mette", "Rasmus", "Lotte", "Aksel", "Pia"]:
            services.sign_up_create(activity=course, name=name)
    course.materialise()

    trip_day = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 14)
    trip, created = _activity(
        organisation,
        centres,
        "Tur til Bregentved Have",
        Category.TRIP,
        [F76, FREDERIKSGADE],
        place="Bregentved Have",
        description="Vi kører i minibus fra begge væresteder. Husk madpakke.",
        price=30,
        capacity=8,
        signup_required=True,
        # A day out: it goes ahead on a day the centres are closed.
        runs_when_closed=True,
    )
    if created:
        Schedule.objects.create(
            activity=trip, start_time=dt.time(9, 30), end_time=dt.time(15), valid_from=trip_day
        )
        names = ["Bent", "Susanne", "Ole", "Karina", "Vagn", "Else", "Finn", "Lis"]
        names += ["Palle", "Gitte", "Preben"]
        for name in names:
            services.sign_up_create(activity=trip, name=name)
    trip.materialise()

    _house_meetings(organisation, centres, today)
    _association(organisation, people, today)
    CalendarLink.objects.get_or_create(
        organisation=organisation,
        centre=None,
        label="Skærmen ved opslagstavlen",
        defaults={"created_by": people.get("leder")},
    )


def _house_meetings(organisation, centres, today):
    """A house meeting on the first Tuesday (76F) or Monday (Frederiksgade) of each month."""
    for name, weekday in ((F76, 1), (FREDERIKSGADE, 0)):
        centre = centres[name]
        for offset in range(-3, 3):
            month = _add_months(today.replace(day=1), offset)
            day = _first_weekday(month.year, month.month, weekday)
            starts_at = dt.datetime.combine(day, dt.time(13), tzinfo=COPENHAGEN)
            meeting, created = Meeting.objects.get_or_create(
                organisation=organisation,
                kind=MeetingKind.HOUSE,
                centre=centre,
                starts_at=starts_at,
                defaults={"place": "Fællesrummet"},
            )
            if not created:
                continue
            AgendaItem.objects.create(meeting=meeting, title="Nyt fra personalet", position=1)
            AgendaItem.objects.create(meeting=meeting, title="Ugeplanen", position=2)
            if starts_at < timezone.now():
                meeting.users_present = 8 + offset % 5
                meeting.staff_present = 2
                meeting.minutes = (
                    "Personalet fortalte om åbningstiderne. Ønske om en tur til haven i "
                    "foråret og om mere information på opslagstavlen og i kalenderen."
                )
                meeting.published_at = starts_at + dt.timedelta(days=2)
                meeting.save()
                Decision.objects.create(
                    meeting=meeting,
                    text="Ugeplanen hænges op ved indgangen hver mandag",
                    owner="Personalet",
                    due=day + dt.timedelta(days=14),
                    done_at=None if offset == -1 else meeting.published_at,
                )


def _association(organisation, people, today):
    board_day = today + dt.timedelta(days=10)
    board, created = Meeting.objects.get_or_create(
        organisation=organisation,
        kind=MeetingKind.BOARD,
        centre=None,
        starts_at=dt.datetime.combine(board_day, dt.time(14), tzinfo=COPENHAGEN),
        defaults={"place": "Krydsfeltet, mødelokalet på 1. sal"},
    )
    if created:
        AgendaItem.objects.create(meeting=board, title="Kørselstilskud til ture", position=1)
        AgendaItem.objects.create(meeting=board, title="Regler for nøglebrikker", position=2)
        AgendaProposal.objects.create(
            meeting=board,
            proposed_by=people.get("forening"),
            title="Fiskekonkurrence med de andre væresteder",
            description="Kan vi tilmelde et hold til landsforeningens fiskekonkurrence?",
        )
    assembly_day = _first_weekday(today.year + (today.month > 3), 3, 5)
    Meeting.objects.get_or_create(
        organisation=organisation,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        centre=None,
        starts_at=dt.datetime.combine(assembly_day, dt.time(11), tzinfo=COPENHAGEN),
        defaults={"place": "Værestedet Frederiksgade"},
    )
