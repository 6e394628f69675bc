"""Visits counted: the anonymous tallies by hour and day, the sums the tally triggers
keep of them (VisitDay, VisitHeat), the census of regular users, the taps and undos
sent from counters (TallyEvent), and the tablets by the door that count (KioskDevice)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centres.models.openings import Weekday
from centres.models.organisations import Centre, Role
from centres.plausible import plausible, plausible_dates
from centres.validators import reject_cpr_numbers


class VisitKind(models.TextChoices):
    STAFFED = "staffed", _("Staffed")
    USER_RUN = "user_run", _("User-run")


class DayEntry(models.TextChoices):
    """What a day's figures entered afterwards do to the figures already there."""

    ADD = "add", _("Add to the day's figures")
    REPLACE = "replace", _("Replace the day's figures")


@dataclass(frozen=True)
class DayFigures:
    """One centre's visits of one kind on one day: tapped by the hour, and entered
    afterwards for the whole day (the hourless counter)."""

    tapped: int = 0
    tapped_new: int = 0
    afterwards: int = 0
    afterwards_new: int = 0

    @property
    def total(self):
        return self.tapped + self.afterwards

    @property
    def total_new(self):
        return self.tapped_new + self.afterwards_new


class VisitCountQuerySet(models.QuerySet):
    def for_centres(self, centres):
        return self.filter(centre__in=centres)

    def between(self, first, last):
        """Counts of the days from `first` to `last` (dates, inclusive)."""
        return self.filter(date__gte=first, date__lte=last)

    def totals(self):
        """Return {"visits": n, "new_visits": n} summed over the queryset."""
        result = self.aggregate(visits=Sum("visits"), new_visits=Sum("new_visits"))
        return {k: v or 0 for k, v in result.items()}

    def per_centre_day_kind(self):
        """Rows of centre, date, kind with summed visits and new visits."""
        return (
            self.values("centre", "date", "kind")
            .annotate(total=Sum("visits"), new=Sum("new_visits"))
            .order_by("centre", "date", "kind")
        )

    def per_kind(self):
        return (
            self.values("kind")
            .annotate(total=Sum("visits"), new=Sum("new_visits"))
            .order_by("kind")
        )

    def day_figures(self):
        """Return the queryset's counts as DayFigures: taps apart from figures entered
        afterwards (filter it to one centre, day and kind first)."""
        tapped, afterwards = Q(hour__isnull=False), Q(hour__isnull=True)
        zero = Value(0)
        sums = self.aggregate(
            tapped=Coalesce(Sum("visits", filter=tapped), zero),
            tapped_new=Coalesce(Sum("new_visits", filter=tapped), zero),
            afterwards=Coalesce(Sum("visits", filter=afterwards), zero),
            afterwards_new=Coalesce(Sum("new_visits", filter=afterwards), zero),
        )
        return DayFigures(**sums)


class VisitCount(models.Model):
    """Anonymous counter of visits at a centre in one hour of one day, of one kind.

    `hour` is empty for figures entered afterwards for the whole day. No person, no text.
    """

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="visit_counts")
    date = models.DateField(_("date"), validators=[plausible])
    hour = models.PositiveSmallIntegerField(_("hour"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    new_visits = models.PositiveIntegerField(_("new visitors"), default=0)

    objects = VisitCountQuerySet.as_manager()

    class Meta:
        ordering = ["date", "hour"]
        verbose_name = _("visit count")
        verbose_name_plural = _("visit counts")
        constraints = [
            *plausible_dates("date"),
            models.UniqueConstraint(
                fields=["centre", "date", "hour", "kind"],
                name="visit_count_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(hour__isnull=True) | Q(hour__gte=0, hour__lte=23),
                name="visit_count_hour_valid",
            ),
            models.CheckConstraint(
                condition=Q(visits__gte=0, new_visits__gte=0, new_visits__lte=F("visits")),
                name="visit_count_new_within_visits",
            ),
        ]
        # The dashboard sums hourly rows of many centres and days: with the counts in
        # the index, PostgreSQL answers from the index alone (no table reads).
        indexes = [
            models.Index(
                fields=["centre", "date"],
                include=["hour", "kind", "visits", "new_visits"],
                name="visit_count_figures",
            ),
        ]

    def __str__(self):
        return f"{self.centre_id} {self.date} {self.hour} {self.kind}: {self.visits}"


class VisitDay(models.Model):
    """Visits of a centre on one day, of one kind: the rows of VisitCount summed.

    Kept by PostgreSQL triggers on centres_visitcount (migration 0005), in the same
    statement as every change to the tallies, so the dashboard reads a day's figure from
    one row instead of summing up to 24 hourly ones. Never written from Python.
    """

    pk = models.CompositePrimaryKey("centre", "date", "kind")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    visits = models.IntegerField(_("visits"), default=0)
    new_visits = models.IntegerField(_("new visitors"), default=0)

    class Meta:
        verbose_name = _("visits of a day")
        verbose_name_plural = _("visits of days")
        # The figures in the index: the dashboard's sums read no table pages.
        indexes = [
            models.Index(
                fields=["centre", "date"],
                include=["kind", "visits", "new_visits"],
                name="visit_day_figures",
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.date} {self.kind}: {self.visits}"


class VisitHeat(models.Model):
    """Visits of a centre in one month on one weekday (0 Monday) at one hour, all kinds:
    the dashboard's heat map, summed from the hourly rows of VisitCount by the same
    triggers as VisitDay. Day totals entered afterwards have no hour and are left out."""

    pk = models.CompositePrimaryKey("centre", "month", "weekday", "hour")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    hour = models.PositiveSmallIntegerField(_("hour"))
    visits = models.IntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("visits by weekday and hour")
        verbose_name_plural = _("visits by weekday and hour")
        indexes = [
            models.Index(
                fields=["centre", "month"],
                include=["weekday", "hour", "visits"],
                name="visit_heat_figures",
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.month} {self.weekday} {self.hour}: {self.visits}"


class Census(models.Model):
    """Staff's estimate of how many people use a centre weekly, monthly, occasionally."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="censuses")
    date = models.DateField(_("date"), default=timezone.localdate, validators=[plausible])
    weekly = models.PositiveIntegerField(_("weekly users"), validators=[MaxValueValidator(10000)])
    monthly = models.PositiveIntegerField(_("monthly users"), validators=[MaxValueValidator(10000)])
    occasional = models.PositiveIntegerField(
        _("occasional users"), validators=[MaxValueValidator(10000)]
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("census of regular users")
        verbose_name_plural = _("censuses of regular users")
        constraints = [
            *plausible_dates("date"),
            models.UniqueConstraint(fields=["centre", "date"], name="census_one_per_day"),
        ]

    def __str__(self):
        return f"{self.centre_id} {self.date}"

    @property
    def total(self):
        return self.weekly + self.monthly + self.occasional


class TallyEventAction(models.TextChoices):
    TAP = "tap", _("Tap")
    UNDO = "undo", _("Undo")


class TallyEventState(models.TextChoices):
    COUNTED = "counted", _("Counted")
    FLAGGED = "flagged", _("Waiting for the leader")
    CONFIRMED = "confirmed", _("Confirmed by the leader")
    DISCARDED = "discarded", _("Discarded by the leader")
    UNDONE = "undone", _("Undone on the counter")
    # An undo: it took back its tap, or found nothing to take back.
    APPLIED = "applied", _("Applied")
    NO_EFFECT = "no_effect", _("Nothing to undo")


class TallyFlag(models.TextChoices):
    OLD = "old", _("The tap is more than 48 hours old")
    CLOCK = "clock", _("The device's clock was more than an hour off")


# States in which a tap is in the counters.
TALLY_COUNTED_STATES = (TallyEventState.COUNTED, TallyEventState.CONFIRMED)


# An id is kept while its batch may still come again. A copy arriving later than this
# carries a tap over 48 hours old, which is never counted without the leader, so it
# cannot count twice unseen. The leader's decisions and the taps that wait are kept.
TALLY_EVENT_KEEP = datetime.timedelta(days=7)


class TallyEventQuerySet(models.QuerySet):
    def flagged(self):
        return self.filter(state=TallyEventState.FLAGGED)

    def purge(self, now):
        """Delete the settled events received more than TALLY_EVENT_KEEP before `now`;
        return how many."""
        settled = (
            TallyEventState.COUNTED,
            TallyEventState.UNDONE,
            TallyEventState.APPLIED,
            TallyEventState.NO_EFFECT,
        )
        deleted, _ = self.filter(state__in=settled, received_at__lt=now - TALLY_EVENT_KEEP).delete()
        return deleted


class TallyEvent(models.Model):
    """A tap or an undo sent from a counter's queue, applied at most once.

    The id is made on the device when the tap happens, so a batch sent again (a lost
    answer, a retry, a second tab) finds its ids here and counts nothing twice: the row
    is inserted in the same transaction as the counter it changes. `happened_at` is the
    device's moment corrected by the batch's clock offset; the tap counts in that hour.
    A tap too old or from a device whose clock was far off waits, flagged, for the
    leader. No person: the row says when and what, never who came. The row is the
    record of itself (inserted once, changed only by the leader's decision, which keeps
    who, when and why), so it has no separate history table.
    """

    id = models.UUIDField(primary_key=True)
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="tally_events")
    action = models.CharField(max_length=4, choices=TallyEventAction.choices)
    new = models.BooleanField(default=False)
    # An undo's tap (not a foreign key: the undo may name a tap this server never got).
    undoes = models.UUIDField(null=True, blank=True)
    device_time = models.DateTimeField()
    clock_offset = models.DurationField()
    happened_at = models.DateTimeField()
    date = models.DateField()
    hour = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=VisitKind.choices, blank=True)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=TallyEventState.choices)
    flag = models.CharField(max_length=5, choices=TallyFlag.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, validators=[reject_cpr_numbers])

    objects = TallyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("tally event")
        verbose_name_plural = _("tally events")
        constraints = [
            models.CheckConstraint(condition=Q(hour__gte=0, hour__lte=23), name="tally_event_hour"),
            models.CheckConstraint(
                condition=Q(action="undo") | Q(undoes__isnull=True), name="tally_event_undoes_undo"
            ),
            models.CheckConstraint(
                condition=~Q(state="flagged") | ~Q(flag=""), name="tally_event_flagged_why"
            ),
        ]
        indexes = [
            models.Index(
                fields=["centre", "happened_at"],
                condition=Q(state="flagged"),
                name="tally_event_flagged",
            ),
            models.Index(
                fields=["undoes"], condition=Q(undoes__isnull=False), name="tally_event_undoes"
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.id}"


# --- Kiosk devices: one tablet by the door, paired to one centre ---------------------------

# Eight characters without the ones that are mistaken for each other (0/O, 1/I/L, 5/S...).
PAIRING_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
PAIRING_CODE_LENGTH = 8
PAIRING_CODE_MINUTES = 15


def kiosk_secret_hash(value):
    """The stored form of a pairing code or a device token: a keyed hash, so a copy of the
    database cannot be used to pair a tablet or to pose as one."""
    return salted_hmac("centres.kiosk", value, algorithm="sha256").hexdigest()


def normalise_pairing_code(code):
    """The code as typed, upper case, without spaces and dashes."""
    return "".join(c for c in str(code).upper() if c not in " -\t")


class KioskDeviceQuerySet(models.QuerySet):
    def for_user(self, user):
        """The devices of the centres of a leader's organisation; nothing for anyone else."""
        if not user.is_authenticated or user.role != Role.LEADER:
            return self.none()
        return self.filter(centre__organisation_id=user.organisation_id)

    def paired_by(self, token):
        """The live device whose cookie holds `token`, with its centre, or None: one query
        on the token's unique index."""
        if not token:
            return None
        return (
            self.filter(token_hash=kiosk_secret_hash(token), revoked_at__isnull=True)
            .select_related("centre")
            .first()
        )


class KioskDevice(models.Model):
    """A tablet at one centre that counts visits and registers episodes without anyone
    signing in: paired once with a short code, then known by a long-lived cookie whose
    token only the tablet holds (only its hash is stored). Revoking it ends it at once."""

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="kiosk_devices", verbose_name=_("centre")
    )
    name = models.CharField(_("name"), max_length=80, validators=[reject_cpr_numbers])
    code_hash = models.CharField(max_length=64, blank=True, default="")
    code_expires = models.DateTimeField(_("code valid until"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, default="")
    paired_at = models.DateTimeField(_("paired"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    # The hashes stay out of the history, and a tablet's heartbeat writes no version.
    history = HistoricalRecords(excluded_fields=["code_hash", "token_hash", "last_seen"])
    objects = KioskDeviceQuerySet.as_manager()

    class Meta:
        ordering = ["centre__name", "name", "pk"]
        verbose_name = _("kiosk tablet")
        verbose_name_plural = _("kiosk tablets")
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="kiosk_token_unique",
            ),
            models.UniqueConstraint(
                fields=["code_hash"],
                condition=~Q(code_hash=""),
                name="kiosk_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(code_hash="") | Q(code_expires__isnull=False),
                name="kiosk_code_expires",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | (Q(token_hash="") & Q(code_hash="")),
                name="kiosk_revoked_holds_no_secret",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.centre})"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_paired(self):
        return bool(self.token_hash) and not self.is_revoked

    def code_is_valid(self, now=None):
        return bool(self.code_hash) and (now or timezone.now()) < self.code_expires

    def new_code(self, now=None):
        """Give the device a fresh pairing code (valid PAIRING_CODE_MINUTES) and return it.

        The code is returned once and stored only hashed. A device paired before keeps its
        pairing until the code is used."""
        from django.utils.crypto import get_random_string

        now = now or timezone.now()
        code = get_random_string(PAIRING_CODE_LENGTH, PAIRING_CODE_ALPHABET)
        self.code_hash = kiosk_secret_hash(code)
        self.code_expires = now + datetime.timedelta(minutes=PAIRING_CODE_MINUTES)
        self.save(update_fields=["code_hash", "code_expires"])
        return code

    @classmethod
    def pair(cls, code, now=None):
        """Use `code` once: return (device, token) for the cookie, or None if the code is
        wrong, used or expired. A tablet paired before with this device is unpaired."""
        import secrets

        now = now or timezone.now()
        code = normalise_pairing_code(code)
        if len(code) != PAIRING_CODE_LENGTH:
            return None
        device = (
            cls.objects.select_for_update()
            .select_related("centre")
            .filter(
                code_hash=kiosk_secret_hash(code), code_expires__gt=now, revoked_at__isnull=True
            )
            .first()
        )
        if device is None:
            return None
        token = secrets.token_urlsafe(32)
        device.token_hash = kiosk_secret_hash(token)
        device.code_hash = ""
        device.code_expires = None
        device.paired_at = device.last_seen = now
        device.save()
        return device, token

    def revoke(self, now=None):
        """End the device's pairing for good: its cookie opens nothing from now on."""
        self.revoked_at = now or timezone.now()
        self.token_hash = self.code_hash = ""
        self.code_expires = None
        self.save()
