"""Writes that span several rows: places on trips and courses, agenda proposals."""

from django.db import transaction
from django.db.models import Max

from activities.models import (
    Activity,
    AgendaItem,
    AgendaProposal,
    ProposalStatus,
    SignUp,
    SignUpStatus,
)


def sign_up_create(*, activity: Activity, name: str, phone: str = "") -> SignUp:
    """Give `name` a confirmed place if one is free, otherwise a place on the waitlist.

    The activity row is locked for the transaction, so two people can never take the
    last place at the same time.
    """
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        confirmed = locked.signups.filter(status=SignUpStatus.CONFIRMED).count()
        full = locked.capacity is not None and confirmed >= locked.capacity
        return SignUp.objects.create(
            activity=locked,
            name=name,
            phone=phone,
            status=SignUpStatus.WAITLIST if full else SignUpStatus.CONFIRMED,
        )


def sign_up_cancel(*, signup: SignUp) -> SignUp | None:
    """Cancel a sign-up; if it held a place, give it to the first on the waitlist.

    Returns the promoted sign-up, if any.
    """
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status == SignUpStatus.CANCELLED:
            return None
        held_place = signup.status == SignUpStatus.CONFIRMED
        signup.status = SignUpStatus.CANCELLED
        signup.save(update_fields=["status"])
        if not held_place:
            return None
        confirmed = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
        if activity.capacity is not None and confirmed >= activity.capacity:
            return None
        first = (
            activity.signups.filter(status=SignUpStatus.WAITLIST)
            .order_by("created_at", "pk")
            .first()
        )
        if first is not None:
            first.status = SignUpStatus.CONFIRMED
            first.save(update_fields=["status"])
        return first


def proposal_take_up(*, proposal: AgendaProposal) -> AgendaItem:
    """Put a proposal on its meeting's agenda and tell the proposer so."""
    with transaction.atomic():
        meeting = proposal.meeting
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            meeting=meeting,
            title=proposal.title,
            notes=proposal.description,
            position=last + 1,
        )
        proposal.agenda_item = item
        proposal.status = ProposalStatus.TAKEN_UP
        proposal.save(update_fields=["agenda_item", "status"])
        return item


def course_second_team(*, course: Activity) -> Activity:
    """Start a second team of a full course, same times, and move the waitlist onto it
    (in order, up to its size); the rest stay on the first team's waitlist."""
    with transaction.atomic():
        course = Activity.objects.select_for_update().get(pk=course.pk)
        team = Activity.objects.create(
            organisation_id=course.organisation_id,
            title=f"{course.title} (2)",
            description=course.description,
            category=course.category,
            place=course.place,
            led_by=course.led_by,
            staff_present=course.staff_present,
            price=course.price,
            capacity=course.capacity,
            signup_required=True,
            runs_when_closed=course.runs_when_closed,
        )
        team.centres.set(course.centres.all())
        for schedule in course.schedules.all():
            schedule.pk = None
            schedule.activity = team
            schedule.save()
        waiting = course.signups.filter(status=SignUpStatus.WAITLIST).order_by("created_at", "pk")
        moving = list(waiting[: course.capacity] if course.capacity else waiting)
        SignUp.objects.filter(pk__in=[s.pk for s in moving]).update(
            activity=team, status=SignUpStatus.CONFIRMED
        )
        team.materialise()
        return team


def extend_occurrences(today=None):
    """Plan the occurrences of every weekly activity up to the horizon, from `today`
    (the app's today unless given); returns how many were planned."""
    return sum(
        activity.materialise(today=today)
        for activity in Activity.objects.prefetch_related("schedules", "centres")
    )
