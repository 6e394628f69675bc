"""Keep planned occurrences in step with the centres' closures (connected in
ActivitiesConfig.ready; centres knows nothing of activities). The nightly
`extend_occurrences` command re-checks every activity as well."""

from activities.models import Activity


def replan_centre(sender, instance, **kwargs):
    """A closure or open day of a centre was saved or deleted: re-plan its activities, so
    occurrences on newly closed days are cancelled and reopened days get theirs back."""
    activities = Activity.objects.filter(centres=instance.centre_id).prefetch_related(
        "schedules", "centres"
    )
    for activity in activities:
        activity.materialise()
