"""Activities on the centres' week plan (registered in ActivitiesConfig.ready)."""

from activities.models import Occurrence


def week_plan_entries(centre, start, end):
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
