"""Figures on activities and house meetings for a set of centres and dates.

A fixed number of queries whatever the number of centres or days. An activity held at
several of the centres counts once in the totals and once per centre in per-centre rows.
"""

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from activities.models import Activity, Meeting, MeetingKind, Occurrence, _aware


def _at_centres(centre_ids):
    return Exists(
        Activity.centres.through.objects.filter(
            activity_id=OuterRef("activity_id"), centre_id__in=centre_ids
        )
    )


def occurrences(centre_ids, first, last):
    """Occurrences starting on the days `first` to `last` at one of the centres."""
    return Occurrence.objects.filter(_at_centres(centre_ids)).between(
        first, last + datetime.timedelta(days=1)
    )


def occurrence_totals(centre_ids, first, last, now=None):
    """Return {"planned", "held", "cancelled", "average_attendance", "activities"}.

    Held: not cancelled and already started. The average is over held occurrences whose
    attendance was recorded (None if there are none). One query.
    """
    now = now or timezone.now()
    held = Q(cancelled=False, start__lt=now)
    # Aliases differ from field names: an aggregate may not shadow a field it filters on.
    counts = occurrences(centre_ids, first, last).aggregate(
        n_planned=Count("pk"),
        n_held=Count("pk", filter=held),
        n_cancelled=Count("pk", filter=Q(cancelled=True)),
        mean_attendance=Avg("attendance", filter=held & Q(attendance__isnull=False)),
        n_activities=Count("activity_id", distinct=True),
    )
    mean = counts["mean_attendance"]
    return {
        "planned": counts["n_planned"],
        "held": counts["n_held"],
        "cancelled": counts["n_cancelled"],
        "average_attendance": None if mean is None else float(mean),
        "activities": counts["n_activities"],
    }


def best_attended(centre_ids, first, last, limit=5, now=None):
    """The `limit` activities with the most participants in the period: rows of
    {"title", "attendance", "held"}, ties broken by title. One query."""
    now = now or timezone.now()
    return list(
        occurrences(centre_ids, first, last)
        .filter(cancelled=False, start__lt=now, attendance__isnull=False)
        .values("activity_id", "activity__title")
        .annotate(attendance=Sum("attendance"), held=Count("pk"))
        .order_by("-attendance", "activity__title", "activity_id")[:limit]
    )


def per_centre(centre_ids, first, last, now=None):
    """Return {centre id: {"activities", "planned", "held"}} for the period. One query."""
    now = now or timezone.now()
    through = Activity.centres.through.objects.filter(
        centre_id__in=centre_ids,
        activity__occurrences__start__gte=_aware(first),
        activity__occurrences__start__lt=_aware(last + datetime.timedelta(days=1)),
    )
    held = Q(activity__occurrences__cancelled=False, activity__occurrences__start__lt=now)
    rows = (
        through.values("centre_id")
        .annotate(
            activities=Count("activity_id", distinct=True),
            planned=Count("activity__occurrences"),
            held=Count("activity__occurrences", filter=held),
        )
        .order_by()
    )
    return {r["centre_id"]: r for r in rows}


def house_meetings(centre_ids, first, last, now=None):
    """Return {centre id: {"held", "published"}} of house meetings in the period: held
    means its time has come, published that its minutes are out. One query."""
    now = now or timezone.now()
    rows = (
        Meeting.objects.filter(kind=MeetingKind.HOUSE, centre_id__in=centre_ids)
        .between(first, last + datetime.timedelta(days=1))
        .filter(starts_at__lt=now)
        .values("centre_id")
        .annotate(held=Count("pk"), published=Count("pk", filter=Q(published_at__isnull=False)))
        .order_by()
    )
    return {r["centre_id"]: {"held": r["held"], "published": r["published"]} for r in rows}
