import secrets
from datetime import datetime, time, timedelta

from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities import recurrence
from activities.summaries import TRIGGERS as MONTH_TRIGGERS
from activities.summaries import OccurrenceMonth  # noqa: F401 (a model of this app)
from centres.calendar_days import danish_holidays, uid_stamp
from centres.models import Centre, Organisation, Role, User
from centres.openings import closed_days
from centres.phones import PhoneField, phone_constraint
from centres.plausible import plausible, plausible_dates, plausible_moments
from centres.validators import reject_cpr_numbers

# How far ahead weekly rules are materialised as Occurrence rows; `manage.py
# extend_occurrences` (nightly) keeps the horizon rolling.
HORIZON_DAYS = 26 * 7
DEFAULT_GROUP_SIZE = 10
WEEKDAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class Category(models.TextChoices):
    NADA = "nada", _("NADA ear acupuncture")
    WALKING = "walking", _("Walking group")
    CRAFTS = "crafts", _("Crafts")
    CYCLING = "cycling", _("Cycling")
    CLEANING_BRUNCH = "cleaning_brunch", _("Cleaning and brunch")
    SPORTS_HALL = "sports_hall", _("Sports hall")
    TRIP = "trip", _("Trip")
    COURSE = "course", _("Course")
    NATIONAL_EVENT = "national_event", _("National association event")
    VISITING_SERVICE = "visiting_service", _("Visiting service")
    OTHER = "other", _("Other")


class LedBy(models.TextChoices):
    STAFF = "staff", _("Staff")
    USERS = "users", _("Users")
    ASSOCIATION = "association", _("The user association")
    PARTNER_CLUB = "partner_club", _("A partner club")
    VOLUNTEERS = "volunteers", _("Volunteers")


def visible_centres(user):
    return Centre.objects.for_user(user)


def managed_centres(user):
    """Centres whose activities and house meetings the user may change."""
    if not user.is_authenticated or user.role not in (Role.LEADER, Role.STAFF):
        return Centre.objects.none()
    return Centre.objects.for_user(user)


class ActivityQuerySet(models.QuerySet):
    def at_centres(self, centres):
        through = Activity.centres.through.objects.filter(
            activity_id=OuterRef("pk"), centre__in=centres
        )
        return self.filter(Exists(through))

    def for_user(self, user):
        """Activities at one of the centres the user may see."""
        return self.at_centres(visible_centres(user))

    def managed_by(self, user):
        """Activities at one of the centres the user may change."""
        return self.at_centres(managed_centres(user))


class Activity(models.Model):
    """Something that happens at one or more centres (or off-site): NADA, a walk, a trip."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=150, validators=[reject_cpr_numbers])
    description = models.TextField(_("description"), blank=True, validators=[reject_cpr_numbers])
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    centres = models.ManyToManyField(
        Centre,
        related_name="activities",
        verbose_name=_("centres"),
        help_text=_("The centres that run the activity and whose users it is for."),
    )
    place = models.CharField(
        _("off-site place"),
        max_length=200,
        blank=True,
        validators=[reject_cpr_numbers],
        help_text=_("Leave empty when it takes place at the centre, e.g. “Haslev Hallen”."),
    )
    led_by = models.CharField(
        _("led by"), max_length=20, choices=LedBy.choices, default=LedBy.STAFF
    )
    staff_present = models.BooleanField(_("staff present"), default=True)
    price = models.DecimalField(
        _("price (DKK)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Maximum number of participants; empty for no limit."),
    )
    signup_required = models.BooleanField(_("sign-up required"), default=False)
    runs_when_closed = models.BooleanField(
        _("runs when the centre is closed"),
        default=False,
        help_text=_(
            "Otherwise no occurrences are planned on Danish public holidays or on days all "
            "its centres are closed."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="activity_price_not_negative"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])

    @property
    def is_course(self):
        return self.category == Category.COURSE

    def closed_dates(self, start, end):
        """Return {date: reason} of the days from start to end (inclusive) with no
        occurrences: days every one of its centres is closed (their closures and public
        holidays, less days a centre explicitly opens), or public holidays for an
        activity without a centre; nothing if the activity runs when closed."""
        if self.runs_when_closed:
            return {}
        centres = list(self.centres.all())
        if not centres:
            return danish_holidays(start, end)
        per_centre = list(closed_days(centres, start, end).values())
        first, *others = per_centre
        return {day: reason for day, reason in first.items() if all(day in o for o in others)}

    def materialise(self, *, today=None, closed=None, since=None):
        """Create the Occurrence rows of every schedule up to the horizon.

        Occurrences that were cancelled, moved or have attendance are kept as they are;
        untouched future ones the rules no longer produce are removed, so an edited rule
        takes effect. Untouched ones on a day that is now closed are cancelled with the
        closure's reason (kept, so people see why), past ones without attendance too (a
        closure registered afterwards: it was not held), and those a closure cancelled
        come back once the day is open again. `closed` ({date: reason}) is worked out
        from the centres' closures and public holidays unless given. Past occurrences
        are only created from `since` (a datetime), e.g. for demo data.
        """
        today = today or timezone.localdate()
        horizon = today + timedelta(days=HORIZON_DAYS)
        now = timezone.now()
        schedules = list(self.schedules.all())
        first = min([today, *(s.valid_from for s in schedules)])
        last = max([horizon, *(s.search_end(horizon) for s in schedules)])
        if closed is None:
            closed = self.closed_dates(first, last)
        wanted = {}
        for schedule in schedules:
            for start, end in schedule.slots(horizon=horizon, closed=closed):
                if start >= (since or now):
                    wanted.setdefault(start, (schedule.pk, end))
        with transaction.atomic():
            self._apply_closures(closed, first, last)
            # Untouched future occurrences the rules no longer want (or want with another
            # end) go; those that still match keep their row, so links to them stay valid.
            untouched = self.occurrences.filter(
                start__gte=now, cancelled=False, attendance__isnull=True
            ).filter(start=models.F("original_start"))
            stale = [
                pk
                for pk, start, schedule_id, end in untouched.values_list(
                    "pk", "original_start", "schedule_id", "end"
                )
                if wanted.get(start) != (schedule_id, end)
            ]
            Occurrence.objects.filter(pk__in=stale).delete()
            kept = set(self.occurrences.values_list("original_start", flat=True))
            rows = [
                Occurrence(
                    activity=self,
                    schedule_id=schedule_id,
                    original_start=start,
                    start=start,
                    end=end,
                )
                for start, (schedule_id, end) in wanted.items()
                if start not in kept
            ]
            Occurrence.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    def _apply_closures(self, closed, first, last):
        """Cancel the occurrences from `first` to `last` (dates) on closed days that no
        one touched (not cancelled, moved or counted), past ones too; bring back those a
        closure cancelled whose day is open again."""
        span = (
            self.occurrences.filter(
                start__gte=_aware(first), start__lt=_aware(last + timedelta(days=1))
            )
            .filter(attendance__isnull=True)
            .annotate(day=TruncDate("start", tzinfo=recurrence.COPENHAGEN))
            .select_for_update()
        )
        untouched = span.filter(cancelled=False, start=models.F("original_start"))
        for occurrence in untouched.filter(day__in=list(closed)):
            occurrence.cancelled, occurrence.cancelled_by_closure = True, True
            occurrence.cancel_reason = str(closed[occurrence.day] or _("Closed"))[:300]
            occurrence.save(update_fields=["cancelled", "cancelled_by_closure", "cancel_reason"])
        for occurrence in span.filter(cancelled_by_closure=True):
            if occurrence.day not in closed:
                occurrence.cancelled, occurrence.cancelled_by_closure = False, False
                occurrence.cancel_reason = ""
                occurrence.save(
                    update_fields=["cancelled", "cancelled_by_closure", "cancel_reason"]
                )


class Schedule(models.Model):
    """When an activity takes place: once, or weekly on some weekdays every N weeks."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="schedules")
    # Digits 0 (Monday) to 6 (Sunday), e.g. "024"; empty for a one-off event. A string,
    # not an ArrayField, because django.contrib.postgres is not an installed app.
    weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        blank=True,
        help_text=_("Empty for a one-off event on the start date."),
    )
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    interval_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    valid_from = models.DateField(_("from"), validators=[plausible])
    valid_until = models.DateField(_("until"), null=True, blank=True, validators=[plausible])
    session_count = models.PositiveSmallIntegerField(_("number of sessions"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "start_time"]
        constraints = [
            *plausible_dates("valid_from", "valid_until"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="schedule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1), name="schedule_interval_positive"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="schedule_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__regex=r"^[0-6]{0,7}$"),
                name="schedule_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(session_count__isnull=True) | Q(session_count__gte=1),
                name="schedule_session_count_positive",
            ),
            # A one-off event has neither an end date nor a number of sessions.
            models.CheckConstraint(
                condition=~Q(weekdays="")
                | (Q(valid_until__isnull=True) & Q(session_count__isnull=True)),
                name="schedule_one_off_is_single",
            ),
        ]

    def __str__(self):
        times = f"{self.start_time:%H.%M}-{self.end_time:%H.%M}"
        if not self.is_weekly:
            return f"{formats.date_format(self.valid_from, 'SHORT_DATE_FORMAT')} {times}"
        days = ", ".join(str(WEEKDAY_NAMES[d]) for d in self.weekday_list)
        every = (
            ""
            if self.interval_weeks == 1
            else " " + str(_("every %(n)s weeks") % {"n": self.interval_weeks})
        )
        return f"{days} {times}{every}"

    @property
    def weekday_list(self):
        return sorted({int(d) for d in self.weekdays})

    @property
    def is_weekly(self):
        return bool(self.weekdays)

    def search_end(self, horizon):
        """The last day the rule may need to look at to fill the horizon (or a course)."""
        if not self.is_weekly:
            return self.valid_from
        return self.valid_until or max(
            horizon, self.valid_from + timedelta(days=366 * recurrence.MAX_SEARCH_YEARS)
        )

    def slots(self, *, horizon, closed=frozenset()):
        """(start, end) of this schedule up to horizon, skipping `closed` days."""
        if not self.is_weekly:
            if self.valid_from in closed:
                return []
            return [recurrence.one_off(self.valid_from, self.start_time, self.end_time)]
        return recurrence.expand_weekly(
            weekdays=self.weekday_list,
            start_time=self.start_time,
            end_time=self.end_time,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            interval=self.interval_weeks,
            count=self.session_count,
            horizon=horizon,
            closed=closed,
        )


class OccurrenceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Occurrences of activities at a centre the user may see."""
        return self.filter(activity__in=Activity.objects.for_user(user))

    def between(self, start, end):
        """Occurrences that start on or after `start` and before `end` (dates or datetimes)."""
        return self.filter(start__gte=_aware(start), start__lt=_aware(end))

    def at_centre(self, centre):
        through = Activity.centres.through.objects.filter(
            activity_id=OuterRef("activity_id"), centre=centre
        )
        return self.filter(Exists(through))

    def held(self):
        return self.filter(cancelled=False, start__lt=timezone.now())


def _aware(value):
    """A date means its midnight in Copenhagen."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=recurrence.COPENHAGEN)


def occurrence_uid(activity_id, original_start):
    """An occurrence's stable identity (iCal UID): its activity and where the rule put it."""
    return f"occurrence-{activity_id}-{uid_stamp(original_start)}@vaerested"


class Occurrence(models.Model):
    """One time an activity takes place; cancelled, moved and counted here."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="occurrences")
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences"
    )
    # Where the rule put it: with the activity, the stable identity (iCal UID).
    original_start = models.DateTimeField(validators=[plausible])
    start = models.DateTimeField(_("starts"), validators=[plausible])
    end = models.DateTimeField(_("ends"), validators=[plausible])
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(
        _("reason"), max_length=300, blank=True, validators=[reject_cpr_numbers]
    )
    # Cancelled because its centres closed, not by a person: it comes back if they reopen.
    cancelled_by_closure = models.BooleanField(default=False, editable=False)
    attendance = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        triggers = MONTH_TRIGGERS
        indexes = [models.Index(fields=["start"]), models.Index(fields=["activity", "start"])]
        constraints = [
            *plausible_moments("original_start", "start", "end"),
            models.UniqueConstraint(
                fields=["activity", "original_start"], name="occurrence_once_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="occurrence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                name="occurrence_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | Q(attendance__isnull=True),
                name="occurrence_cancelled_has_no_attendance",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_by_closure=False) | Q(cancelled=True),
                name="occurrence_closure_cancel_is_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.activity} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    @property
    def moved(self):
        return self.start != self.original_start

    @property
    def uid(self):
        return occurrence_uid(self.activity_id, self.original_start)

    @property
    def is_past(self):
        return self.start <= timezone.now()


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLIST = "waitlist", _("Waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class SignUp(models.Model):
    """A place on a trip or course, held under an alias or first name."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(
        _("alias or first name"), max_length=60, validators=[reject_cpr_numbers]
    )
    phone = PhoneField(_("phone"))
    status = models.CharField(
        _("status"), max_length=10, choices=SignUpStatus.choices, default=SignUpStatus.CONFIRMED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["activity", "status", "created_at"])]
        constraints = [phone_constraint("signup_phone_stored_form")]

    def __str__(self):
        return self.name


class MeetingKind(models.TextChoices):
    HOUSE = "house", _("House meeting")
    BOARD = "board", _("Association board meeting")
    GENERAL_ASSEMBLY = "general_assembly", _("General assembly")


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        """House meetings of centres the user may see and the organisation's association
        meetings; none for outreach workers."""
        if not user.is_authenticated or user.role not in (
            Role.LEADER,
            Role.STAFF,
            Role.ASSOCIATION,
        ):
            return self.none()
        return self.filter(organisation_id=user.organisation_id).filter(
            Q(centre__isnull=True) | Q(centre__in=visible_centres(user))
        )

    def managed_by(self, user):
        if not user.is_authenticated or user.role not in (Role.LEADER, Role.STAFF):
            return self.none()
        return self.for_user(user)

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def between(self, start, end):
        return self.filter(starts_at__gte=_aware(start), starts_at__lt=_aware(end))


class Meeting(models.Model):
    """A house meeting at a centre, or the user association's board meeting or AGM."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("centre"),
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible])
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[reject_cpr_numbers]
    )
    users_present = models.PositiveIntegerField(_("users present"), null=True, blank=True)
    staff_present = models.PositiveIntegerField(_("staff present"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, validators=[reject_cpr_numbers])
    published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]
        constraints = [
            *plausible_moments("starts_at"),
            # House meetings belong to a centre; the association's meetings to no one centre.
            models.CheckConstraint(
                condition=(Q(kind="house") & Q(centre__isnull=False))
                | (~Q(kind="house") & Q(centre__isnull=True)),
                name="meeting_house_has_centre",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(minutes=""),
                name="meeting_published_has_minutes",
            ),
        ]

    def __str__(self):
        where = self.centre.name if self.centre_id else ""
        when = formats.date_format(timezone.localtime(self.starts_at), "SHORT_DATE_FORMAT")
        return " ".join(filter(None, [self.get_kind_display(), where, when]))

    def get_absolute_url(self):
        return reverse("activities:meeting_detail", args=[self.pk])

    @property
    def is_published(self):
        return self.published_at is not None

    def series(self):
        """Meetings of the same kind (and centre) in the same organisation."""
        return Meeting.objects.filter(
            organisation_id=self.organisation_id, kind=self.kind, centre_id=self.centre_id
        )

    def carried_decisions(self):
        """Open decisions from earlier meetings of the series: on the agenda until done."""
        return (
            Decision.objects.filter(
                meeting__in=self.series().filter(starts_at__lt=self.starts_at),
            )
            .filter(Q(done_at__isnull=True) | Q(done_at__gt=self.starts_at))
            .select_related("meeting")
        )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("title"), max_length=200, validators=[reject_cpr_numbers])
    notes = models.TextField(_("notes"), blank=True, validators=[reject_cpr_numbers])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """Who does what by when; carried to the next meeting until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=300, validators=[reject_cpr_numbers])
    owner = models.CharField(
        _("who"),
        max_length=60,
        validators=[reject_cpr_numbers],
        help_text=_("Alias or first name, or “the staff”."),
    )
    due = models.DateField(_("by when"), null=True, blank=True, validators=[plausible])
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            *plausible_dates("due"),
        ]

    def __str__(self):
        return self.text


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    TAKEN_UP = "taken_up", _("Taken up on the agenda")
    ANSWERED = "answered", _("Answered in the minutes")
    DECLINED = "declined", _("Declined")


class AgendaProposalQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff and leaders see proposals for meetings they may change; association
        members their own."""
        if user.is_authenticated and user.role == Role.ASSOCIATION:
            return self.filter(proposed_by=user, meeting__in=Meeting.objects.for_user(user))
        return self.filter(meeting__in=Meeting.objects.managed_by(user))


class AgendaProposal(models.Model):
    """An item a user (or staff on a user's behalf) asks to have on a coming meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("meeting")
    )
    proposed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=60,
        blank=True,
        validators=[reject_cpr_numbers],
        help_text=_("Alias or first name of the user who asked, when staff propose for them."),
    )
    title = models.CharField(_("subject"), max_length=200, validators=[reject_cpr_numbers])
    description = models.TextField(_("details"), blank=True, validators=[reject_cpr_numbers])
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    response = models.TextField(_("answer"), blank=True, validators=[reject_cpr_numbers])
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgendaProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(response=""),
                name="proposal_declined_has_reason",
            ),
        ]

    def __str__(self):
        return self.title


class CalendarLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def managed_by(self, user):
        """The links `user` may see and revoke: every link of the organisation for its
        leader, an association member's own links, none for anyone else."""
        links = self.filter(organisation_id=user.organisation_id)
        if user.role == Role.LEADER:
            return links
        if user.role == Role.ASSOCIATION:
            return links.filter(created_by=user)
        return links.none()


def new_token():
    return secrets.token_urlsafe(24)


class CalendarLink(models.Model):
    """A private, revocable read-only link to a centre's or the organisation's calendar."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
        help_text=_("Empty for every centre of the organisation."),
    )
    label = models.CharField(_("label"), max_length=100, validators=[reject_cpr_numbers])
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    def centres(self):
        centres = Centre.objects.filter(organisation_id=self.organisation_id)
        return centres.filter(pk=self.centre_id) if self.centre_id else centres
