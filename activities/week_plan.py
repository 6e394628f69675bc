"""Activities on the centres' week plan (a receiver of centres.signals.week_plan_entries,
connected in ActivitiesConfig.ready)."""

from django.dispatch import receiver

from activities.models import Occurrence
from centres import signals


@receiver(signals.week_plan_entries)
def week_plan_entries(sender, centre, start, end, **kwargs):
    """Return [(start, end, label, kind)] for the activities at `centre` from `start` to
    `end`, leaving out cancelled occurrences."""
    occurrences = (
        Occurrence.objects.at_centre(centre)
        .between(start, end)
        .filter(cancelled=False)
        .select_related("activity")
        .order_by("start")
    )
    return [(o.start, o.end, o.activity.title, "activity") for o in occurrences]
