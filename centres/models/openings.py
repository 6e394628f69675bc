"""When a centre is open and who is on duty: weekly opening hours and the rota (valid
for a period), closures and open days, one day's changed openings, shifts, absences,
shift feeds and the user-run openings a key holder is responsible for.

The rules that turn these into concrete openings are in centres.openings; every change
here recounts the opening months it touches (centres.models.summaries)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from centres.models.infrastructure import LoggedQuerySet, normalise_alias
from centres.models.keys import KeyHolder
from centres.models.organisations import Centre
from centres.models.summaries import LOCAL_DAYS, recounts_opening_months
from centres.plausible import plausible, plausible_dates, plausible_moments
from centres.validators import reject_cpr_numbers


class OpeningKind(models.TextChoices):
    STAFFED = "staffed", _("Staffed")
    USER_RUN = "user_run", _("User-run")
    MAYBE = "maybe", _("Maybe open (user-run if someone comes)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ValidityQuerySet(models.QuerySet):
    """Rows with `valid_from` and an optional, inclusive `valid_until` (see ValidityPeriod)."""

    def valid_between(self, first, last):
        """Rows valid on at least one day from `first` to `last` (dates, inclusive)."""
        return self.filter(valid_from__lte=last).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=first)
        )

    def valid_on(self, date):
        return self.valid_between(date, date)


class ValidityPeriod:
    """For models valid from `valid_from` until `valid_until` (inclusive; None: open)."""

    def is_valid_on(self, date):
        return self.valid_from <= date and (self.valid_until is None or date <= self.valid_until)


class OpeningHoursQuerySet(ValidityQuerySet):
    pass


class OpeningHours(ValidityPeriod, models.Model):
    """A weekly time range when a centre opens, of one kind, valid for a period.

    When hours change (as in the 2023 cut), the old rows get an end date and new rows
    start the next day, so the history stays.
    """

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("centre")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    kind = models.CharField(_("kind"), max_length=10, choices=OpeningKind.choices)
    valid_from = models.DateField(_("valid from"), validators=[plausible])
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty if open-ended."),
        validators=[plausible],
    )
    label = models.CharField(
        _("note"),
        max_length=100,
        blank=True,
        validators=[reject_cpr_numbers],
        help_text=_("Optional, e.g. sports hall."),
    )

    objects = OpeningHoursQuerySet.as_manager()
    history = HistoricalRecords()

    # Overlapping hours of one centre and weekday are refused by an exclusion constraint
    # added in migration 0003 (SQL, as django.contrib.postgres is not installed).
    class Meta:
        ordering = ["weekday", "starts", "valid_from"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        triggers = recounts_opening_months("SELECT centre_id, valid_from, valid_until FROM {rows}")
        constraints = [
            *plausible_dates("valid_from", "valid_until"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="hours_end_after_start"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="hours_validity_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}\N{EN DASH}{self.ends:%H:%M}"


class Closure(models.Model):
    """Days a centre is closed, e.g. summer holiday or a staff day."""

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="closures", verbose_name=_("centre")
    )
    starts = models.DateField(_("first day"), validators=[plausible])
    ends = models.DateField(_("last day"), validators=[plausible])
    reason = models.CharField(_("reason"), max_length=200, validators=[reject_cpr_numbers])

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        triggers = recounts_opening_months("SELECT centre_id, starts, ends FROM {rows}")
        constraints = [
            *plausible_dates("starts", "ends"),
            models.CheckConstraint(
                condition=Q(ends__gte=F("starts")), name="closure_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["centre", "starts", "ends"])]

    def __str__(self):
        return self.reason


class OpenDay(models.Model):
    """A day the centre keeps its usual hours although a holiday or closure falls on it."""

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="open_days", verbose_name=_("centre")
    )
    date = models.DateField(_("date"), validators=[plausible])
    reason = models.CharField(
        _("reason"), max_length=200, blank=True, validators=[reject_cpr_numbers]
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("open day")
        verbose_name_plural = _("open days")
        triggers = recounts_opening_months("SELECT centre_id, date, date FROM {rows}")
        constraints = [
            *plausible_dates("date"),
            models.UniqueConstraint(fields=["centre", "date"], name="open_day_unique"),
        ]

    def __str__(self):
        return str(self.date)


# --- Staffing ---------------------------------------------------------------------------


class ShiftQuerySet(models.QuerySet):
    def overlapping(self, start, end):
        return self.filter(starts__lt=end, ends__gt=start)


class Shift(models.Model):
    """A staff member planned at a centre from `starts` to `ends`."""

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("centre")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("staff member"),
    )
    starts = models.DateTimeField(_("from"), validators=[plausible])
    ends = models.DateTimeField(_("until"), validators=[plausible])

    objects = ShiftQuerySet.as_manager()
    history = HistoricalRecords()

    # Nobody is in two places at once: an exclusion constraint in migration 0003.
    class Meta:
        ordering = ["starts"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        # A shift over midnight may change the staffing of an opening on either day.
        triggers = recounts_opening_months(LOCAL_DAYS)
        constraints = [
            *plausible_moments("starts", "ends"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="shift_end_after_start"),
        ]
        # (centre, ends) bounds "shifts that end after the period starts" to recent rows;
        # (centre, starts) alone would read a centre's whole history for the same question.
        indexes = [
            models.Index(fields=["centre", "starts"]),
            models.Index(fields=["centre", "ends"], name="shift_centre_ends"),
            # The dashboard's two-staff check asks for the shifts of many centres that end
            # after a date: ends first, so it reads that range once rather than per centre
            # (PostgreSQL otherwise read every shift of the centres), starts included.
            models.Index(fields=["ends", "centre"], include=["starts"], name="shift_ends_centre"),
            # The longest shift, at once: the opening rules in SQL bound the starts of the
            # shifts that end after a moment by it (migration 0031).
            models.Index(F("ends") - F("starts"), name="shift_length"),
        ]

    def __str__(self):
        return f"{self.worker} {timezone.localtime(self.starts):%d.%m %H:%M}"


class RotaShiftQuerySet(ValidityQuerySet):
    pass


class RotaShift(ValidityPeriod, models.Model):
    """A repeating weekly shift of one person at a centre, valid for a period.

    Changed from a date like opening hours (centres.validity): the old row ends the day
    before and a new one starts, so last month's rota stays as it was."""

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="rota_shifts", verbose_name=_("centre")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rota_shifts",
        verbose_name=_("staff member"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), validators=[plausible])
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty if open-ended."),
        validators=[plausible],
    )

    objects = RotaShiftQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "starts", "valid_from"]
        verbose_name = _("rota shift")
        verbose_name_plural = _("rota shifts")
        triggers = recounts_opening_months("SELECT centre_id, valid_from, valid_until FROM {rows}")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="rota_shift_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="rota_shift_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="rota_shift_validity_in_order",
            ),
            *plausible_dates("valid_from", "valid_until"),
        ]
        indexes = [models.Index(fields=["centre", "weekday"])]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}\N{EN DASH}{self.ends:%H:%M}"


class AbsenceReason(models.TextChoices):
    SICK = "sick", _("Sick")
    HOLIDAY = "holiday", _("Holiday")
    COURSE = "course", pgettext_lazy("absence", "Course")
    OTHER = "other", _("Other")


class StaffAbsenceQuerySet(models.QuerySet):
    def between(self, first, last):
        """Absences covering at least one day from `first` to `last` (inclusive)."""
        return self.filter(first_day__lte=last, last_day__gte=first)


class StaffAbsence(models.Model):
    """Days a person is away: every shift of theirs on those days (rota and one-off) is
    off the plan."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("staff member"),
    )
    first_day = models.DateField(_("first day"), validators=[plausible])
    last_day = models.DateField(_("last day"), validators=[plausible])
    reason = models.CharField(_("reason"), max_length=10, choices=AbsenceReason.choices)

    objects = StaffAbsenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        # An absence names a person, not a centre: every centre of their organisation.
        triggers = recounts_opening_months(
            "SELECT c.id, r.first_day, r.last_day FROM {rows} r "
            "JOIN centres_user u ON u.id = r.worker_id "
            "JOIN centres_centre c ON c.organisation_id = u.organisation_id"
        )
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="absence_ends_after_start"
            ),
            *plausible_dates("first_day", "last_day"),
        ]
        indexes = [models.Index(fields=["worker", "last_day"])]

    def __str__(self):
        return f"{self.worker} {self.first_day}"

    def covers(self, date):
        return self.first_day <= date <= self.last_day


class OpeningKindChange(models.Model):
    """One day's staffed opening turned user-run or maybe open (e.g. too few staff that
    day); the weekly hours stay as they are."""

    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        related_name="opening_kind_changes",
        verbose_name=_("centre"),
    )
    date = models.DateField(_("date"), validators=[plausible])
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    kind = models.CharField(_("kind"), max_length=10, choices=OpeningKind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts"]
        verbose_name = _("changed opening of a day")
        verbose_name_plural = _("changed openings of days")
        triggers = recounts_opening_months("SELECT centre_id, date, date FROM {rows}")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "date", "starts", "ends"], name="opening_kind_change_unique"
            ),
            *plausible_dates("date"),
        ]

    def __str__(self):
        return f"{self.centre_id} {self.date} {self.starts:%H:%M}: {self.kind}"


class ShiftFeed(models.Model):
    """A private link to a person's own shifts as an iCalendar feed; a new link replaces
    the old one, so a leaked link is revoked by making a new one or deleting it."""

    worker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.worker)


# --- User-run openings ------------------------------------------------------------------


class UserRunOpening(models.Model):
    """A user-run opening with a responsible key holder, and what happened afterwards."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="user_run_openings")
    starts = models.DateTimeField(_("from"), validators=[plausible])
    ends = models.DateTimeField(_("until"), validators=[plausible])
    key_holder = models.ForeignKey(
        KeyHolder,
        on_delete=models.PROTECT,
        related_name="openings",
        verbose_name=_("responsible key holder"),
    )
    took_place = models.BooleanField(_("it took place"), null=True)
    visitors = models.PositiveIntegerField(_("how many came"), null=True, blank=True)
    locked_properly = models.BooleanField(_("closed and locked properly"), null=True)
    unsafe_event = models.BooleanField(_("something unsafe happened"), null=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = LoggedQuerySet.as_manager()

    class Meta:
        ordering = ["starts"]
        verbose_name = _("user-run opening")
        verbose_name_plural = _("user-run openings")
        triggers = recounts_opening_months(LOCAL_DAYS)
        constraints = [
            *plausible_moments("starts", "ends"),
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="user_run_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "starts"]),
            # As for shifts: the openings of many centres ending after a date.
            models.Index(
                fields=["ends", "centre"], include=["starts"], name="user_run_ends_centre"
            ),
        ]

    def __str__(self):
        starts = formats.date_format(timezone.localtime(self.starts), "SHORT_DATETIME_FORMAT")
        return f"{self.centre} {starts}"

    access_list_subject = "key_holder_list"

    @property
    def access_aliases(self):
        return [normalise_alias(self.key_holder.alias)]

    @property
    def is_recorded(self):
        return self.recorded_at is not None
