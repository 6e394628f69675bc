"""Infrastructure: the incidents summed per centre, month, severity and set of kinds,
kept by the triggers on Incident (see centres.summaries). Read by incidents.stats."""

from django.db import models

from centres.summaries import LOCAL_MONTH, Recount, Summary, key_to, summary_triggers

# The kinds as the summary keys them; the same SQL backfills it (migration 0012).
KINDS = (
    "(SELECT coalesce(jsonb_agg(DISTINCT k ORDER BY k), '[]'::jsonb)"
    " FROM jsonb_array_elements_text({rows}.kinds) AS k)"
)


class IncidentMonth(models.Model):
    """Infrastructure, not shown: how many incidents of a severity and set of kinds (sorted,
    without repeats) happened at a centre in a month (in Copenhagen)."""

    centre = key_to("centres.Centre")
    month = models.DateField()
    severity = models.CharField(max_length=10)
    kinds = models.JSONField()
    n = models.IntegerField(default=0)

    recount = Recount(
        table="incidents_incidentmonth",
        columns=("centre_id", "month", "severity", "kinds", "n"),
        counts=1,
        sql=(
            f"SELECT centre_id, {LOCAL_MONTH.format('occurred_at')}, severity, "
            f"{KINDS.format(rows='incidents_incident')}, count(*) "
            "FROM incidents_incident GROUP BY 1, 2, 3, 4"
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "month", "severity", "kinds"], name="incident_month_key"
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.month} {self.severity} {self.kinds}: {self.n}"


INCIDENT_MONTHS = Summary(
    table="incidents_incidentmonth",
    keys=("centre_id", "month", "severity", "kinds"),
    counts=("n",),
    select=(
        f"SELECT centre_id, {LOCAL_MONTH.format('occurred_at')} AS month, severity, "
        f"{KINDS} AS kinds, {{sign}} AS n FROM {{rows}}"
    ),
)

TRIGGERS = summary_triggers("incident_months", INCIDENT_MONTHS)
