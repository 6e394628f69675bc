"""The opening months (OpeningMonth), kept exact by PostgreSQL triggers in the
transaction of every change that touches them, the public holidays they are worked out
with, and the helpers that build those triggers for the models of the other modules."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _


def recounts_opening_months(touched):
    """Triggers, one per statement, that recount in the same transaction the opening
    months (OpeningMonth) the changed rows touch, with centres_recount_opening_months
    (migration 0028). `touched` is SQL over the rows {rows} giving (centre id, first day,
    last day or NULL for "from then on")."""

    def recount(*tables):
        rows = " UNION ALL ".join(touched.format(rows=table) for table in tables)
        return (
            "PERFORM centres_recount_opening_months("
            "array_agg(t.centre_id), array_agg(t.first), array_agg(t.last)) "
            f"FROM ({rows}) AS t (centre_id, first, last); RETURN NULL;"
        )

    return [
        pgtrigger.Trigger(
            name=f"opening_months_{operation}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=getattr(pgtrigger, operation.title()),
            referencing=pgtrigger.Referencing(**{t.split("_")[0]: t for t in tables}),
            func=recount(*tables),
        )
        for operation, tables in (
            ("insert", ["new_rows"]),
            ("update", ["old_rows", "new_rows"]),
            ("delete", ["old_rows"]),
        )
    ]


# The local days from a row's start to its end (a shift or a user-run opening).
LOCAL_DAYS = (
    "SELECT centre_id, (starts AT TIME ZONE 'Europe/Copenhagen')::date, "
    "(ends AT TIME ZONE 'Europe/Copenhagen')::date FROM {rows}"
)


def recounts_opening_months_on_update(touched):
    """A trigger recounting every opening month of the centres `touched` (SQL over
    old_rows and new_rows giving centre ids) when a row's change matters to all of them."""
    return pgtrigger.Trigger(
        name="opening_months_update",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
        func=(
            "PERFORM centres_recount_opening_months(array_agg(t.id), array_agg(NULL::date), "
            f"array_agg(NULL::date)) FROM ({touched}) AS t (id); RETURN NULL;"
        ),
    )


class OpeningMonth(models.Model):
    """A centre's opening hours of one month by kind, and how many of its staffed openings
    had fewer than two qualified staff: worked out by the SQL function
    centres_opening_months (migration 0028) from the weekly hours, changed kinds,
    closures, open days, public holidays, user-run openings, shifts, the rota, absences
    and who counts for the two-staff rule.

    Kept exact in the same transaction as every change: the triggers on those tables
    (recounts_opening_months) recount the months a change touches, and only months that
    exist. Which exist: every month of a centre from that of its first weekly hours up to
    the month before the present one, added when a month has ended by the nightly job
    centres.tasks.keep_opening_months_nightly (centres.stats.keep_opening_months). A
    month not here is worked out directly when asked, never stored on the way.
    """

    pk = models.CompositePrimaryKey("centre", "month")
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    staffed = models.FloatField(_("staffed hours"))
    user_run = models.FloatField(_("user-run hours"))
    maybe = models.FloatField(_("maybe-open hours"))
    understaffed = models.IntegerField(_("staffed openings with fewer than two staff"))

    class Meta:
        verbose_name = _("opening hours of a month")
        verbose_name_plural = _("opening hours of months")

    def __str__(self):
        return f"{self.centre_id} {self.month:%Y-%m}"


class PublicHoliday(models.Model):
    """A Danish public holiday, for the opening rules in SQL (centres_openings): a copy of
    centres.calendar_days, the one definition, kept in step after every migrate
    (centres.apps). A holiday added or taken away recounts the months it falls in."""

    date = models.DateField(_("date"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        triggers = recounts_opening_months(
            "SELECT c.id, r.date, r.date FROM {rows} r CROSS JOIN centres_centre c"
        )

    def __str__(self):
        return f"{self.date} {self.name}"
