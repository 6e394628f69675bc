"""Infrastructure: occurrences summed per activity and month, kept by the triggers on
Occurrence (see centres.summaries). Read by activities.stats."""

from django.db import models

from centres.summaries import LOCAL_MONTH, Recount, Summary, key_to, summary_triggers


class OccurrenceMonth(models.Model):
    """Infrastructure, not shown: an activity's occurrences starting in a month (in
    Copenhagen): planned, cancelled, and of those not cancelled how many have their
    attendance recorded and its sum."""

    activity = key_to("activities.Activity")
    month = models.DateField()
    planned = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    recorded = models.IntegerField(default=0)
    attendance = models.BigIntegerField(default=0)

    recount = Recount(
        table="activities_occurrencemonth",
        columns=("activity_id", "month", "planned", "cancelled", "recorded", "attendance"),
        counts=4,
        sql=(
            f"SELECT activity_id, {LOCAL_MONTH.format('start')}, count(*), "
            "count(*) FILTER (WHERE cancelled), "
            "count(*) FILTER (WHERE NOT cancelled AND attendance IS NOT NULL), "
            "coalesce(sum(attendance) FILTER (WHERE NOT cancelled), 0) "
            "FROM activities_occurrence GROUP BY 1, 2"
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="occurrence_month_key")
        ]

    def __str__(self):
        return f"{self.activity_id} {self.month}: {self.planned}"


OCCURRENCE_MONTHS = Summary(
    table="activities_occurrencemonth",
    keys=("activity_id", "month"),
    counts=("planned", "cancelled", "recorded", "attendance"),
    select=(
        f"SELECT activity_id, {LOCAL_MONTH.format('start')} AS month, {{sign}} AS planned, "
        "{sign} * cancelled::int AS cancelled, "
        "{sign} * (NOT cancelled AND attendance IS NOT NULL)::int AS recorded, "
        "{sign} * CASE WHEN cancelled THEN 0 ELSE coalesce(attendance, 0) END AS attendance "
        "FROM {rows}"
    ),
)

TRIGGERS = summary_triggers("occurrence_months", OCCURRENCE_MONTHS)
