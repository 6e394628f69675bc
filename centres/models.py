import datetime
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from centres.phones import PhoneField, phone_constraint
from centres.plausible import plausible, plausible_dates, plausible_moments
from centres.suppression import DEFAULT_THRESHOLD, MINIMUM_THRESHOLD
from centres.validators import reject_cpr_numbers


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


class Qualification(models.TextChoices):
    """What a person brings to a shift. Only qualified staff make the second person of the
    two-staff rule, unless the organisation decides otherwise (Organisation.
    qualifications_for_two_staff)."""

    TRAINED = "trained", _("Trained staff")
    STUDENT = "student", _("Student or trainee")
    VOLUNTEER = "volunteer", _("Volunteer")


def default_two_staff_qualifications():
    return ["trained"]


def normalise_alias(alias):
    """The key an alias is compared by: trimmed, single-spaced, lower case."""
    return " ".join(str(alias).split()).casefold()


class Organisation(models.Model):
    """A municipal unit or an independent association that runs drop-in centres."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest number shown outside the organisation"),
        default=DEFAULT_THRESHOLD,
        # In the database too, for rows inserted in SQL (seed_scale).
        db_default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(MINIMUM_THRESHOLD), MaxValueValidator(100)],
        help_text=_(
            "In figures shared outside the organisation or shown to the user association, "
            "smaller numbers are hidden, and so are numbers they could be worked out from. "
            "At least 3; 5 is Danish register practice."
        ),
    )
    qualifications_for_two_staff = ArrayField(
        models.CharField(max_length=20, choices=Qualification.choices),
        verbose_name=_("qualifications that count for the two-staff rule"),
        default=default_two_staff_qualifications,
        # In the database too, for rows inserted in SQL (seed_scale).
        db_default=["trained"],
        help_text=_("A staffed opening needs two people with one of these qualifications."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        triggers = [
            recounts_opening_months_on_update(
                "SELECT c.id FROM centres_centre c JOIN new_rows n ON n.id = c.organisation_id "
                "JOIN old_rows o ON o.id = n.id WHERE o.qualifications_for_two_staff "
                "IS DISTINCT FROM n.qualifications_for_two_staff"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(small_cell_threshold__gte=MINIMUM_THRESHOLD),
                name="organisation_small_cell_threshold_at_least_3",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    STAFF = "staff", _("Staff")
    OUTREACH = "outreach", _("Outreach worker")
    ASSOCIATION = "association", _("Association member")


# Roles whose members work at named centres rather than at all of the organisation's.
CENTRE_BOUND_ROLES = frozenset({Role.STAFF, Role.OUTREACH})


def centre_scope(user):
    """Which centres `user` may see, as (organisation id, only the user's named centres),
    or None for none: all of a leader's or association member's organisation, the named
    centres of staff and outreach workers, none for others."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    if user.role in CENTRE_BOUND_ROLES:
        return user.organisation_id, True
    if user.role in (Role.LEADER, Role.ASSOCIATION):
        return user.organisation_id, False
    return None


class CentreQuerySet(models.QuerySet):
    def for_user(self, user):
        """Centres the user may see (see centre_scope)."""
        scope = centre_scope(user)
        if scope is None:
            return self.none()
        organisation_id, named_only = scope
        centres = self.filter(organisation_id=organisation_id)
        return centres.filter(assigned_users=user) if named_only else centres

    def get_for_tally(self, user, pk):
        """`for_user(user).get(pk=pk)` as one raw statement.

        Every tap reads it, and the ORM took 1.3 ms to build that query, three times what
        PostgreSQL takes to run it. The rule is centre_scope's, as in for_user; a test
        compares the two for every role."""
        scope = centre_scope(user)
        if scope is None:
            raise self.model.DoesNotExist
        organisation_id, named_only = scope
        columns = ", ".join(f"c.{field.column}" for field in self.model._meta.concrete_fields)
        assigned = self.model.assigned_users.through._meta
        centre_id = assigned.get_field("centre").column
        user_id = assigned.get_field("user").column
        sql = f"""
            SELECT {columns}
            FROM {self.model._meta.db_table} c
            WHERE c.id = %(pk)s AND c.organisation_id = %(organisation)s
                AND (NOT %(named_only)s OR EXISTS (
                    SELECT FROM {assigned.db_table} a
                    WHERE a.{centre_id} = c.id AND a.{user_id} = %(user)s))
        """
        params = {
            "pk": pk,
            "organisation": organisation_id,
            "named_only": named_only,
            "user": user.pk,
        }
        for centre in self.raw(sql, params):
            return centre
        raise self.model.DoesNotExist

    def with_visit_totals(self, first, last):
        """Annotate `visits`, `new_visits`, `staffed_visits` and `user_run_visits`: the
        tallies from `first` to `last` (dates, inclusive), in one query."""
        in_period = Q(visit_counts__date__gte=first, visit_counts__date__lte=last)
        return self.annotate(
            visits=Coalesce(Sum("visit_counts__visits", filter=in_period), 0),
            new_visits=Coalesce(Sum("visit_counts__new_visits", filter=in_period), 0),
            staffed_visits=Coalesce(
                Sum(
                    "visit_counts__visits",
                    filter=in_period & Q(visit_counts__kind="staffed"),
                ),
                0,
            ),
            user_run_visits=Coalesce(
                Sum(
                    "visit_counts__visits",
                    filter=in_period & Q(visit_counts__kind="user_run"),
                ),
                0,
            ),
        )

    def with_staff_count(self):
        """Annotate `staff_count`: active staff members assigned to each centre."""
        return self.annotate(
            staff_count=Count(
                "assigned_users",
                filter=Q(
                    assigned_users__role=Role.STAFF,
                    assigned_users__is_active=True,
                    assigned_users__organisation_id=models.F("organisation_id"),
                ),
            )
        )


class LegalBasis(models.TextChoices):
    SECTION_104 = "s104", _("§104 drop-in centre")
    SECTION_82 = "s82", _("§82 preventive service")
    OTHER = "other", _("Other")


class TargetGroup(models.TextChoices):
    """The target groups of Tilbudsportalen, the national register of social services."""

    INWARD_REACTING = "inward_reacting", _("Inward-reacting behaviour")
    NEGLECT = "neglect", _("Neglect")
    DRUG_USE = "drug_use", _("Drug use")
    ALCOHOL_USE = "alcohol_use", _("Alcohol use")
    HOMELESSNESS = "homelessness", _("Homelessness")
    NON_VIOLENT_CRIME = "non_violent_crime", _("Non-violent crime")
    OTHER_SOCIAL_PROBLEM = "other_social_problem", _("Other social problem")
    MENTAL_VULNERABILITY = "mental_vulnerability", _("Mental vulnerability")


# The leader is reminded when the profile was last checked longer ago than this.
TILBUDSPORTALEN_CHECK_DAYS = 365


class Centre(models.Model):
    """A drop-in centre (værested) or another service of the organisation, such as a §82 service."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="centres",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[reject_cpr_numbers]
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, blank=True
    )
    # A list of TargetGroup values.
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    age_from = models.PositiveSmallIntegerField(
        _("age from"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("age to"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    places = models.PositiveSmallIntegerField(_("number of places"), null=True, blank=True)
    methods = models.TextField(
        _("methods and approaches"), blank=True, validators=[reject_cpr_numbers]
    )
    phone = PhoneField(_("phone"))
    safety_instructions = models.TextField(
        _("if something unsafe happens when no staff are present"),
        blank=True,
        validators=[reject_cpr_numbers],
        help_text=_("Shown to key holders and on the week plan for user-run hours."),
    )
    safety_phone_numbers = models.TextField(
        _("whom to call when no staff are present"),
        blank=True,
        db_default="",  # for rows inserted in SQL (seed_scale)
        validators=[reject_cpr_numbers],
        help_text=_(
            "Numbers for anything that is not an emergency (an emergency is 112), one a line, "
            "e.g. the leader on duty. Shown on the safety card and the tablet by the door."
        ),
    )
    tilbudsportalen_checked = models.DateField(
        _("last checked against Tilbudsportalen"), null=True, blank=True, validators=[plausible]
    )

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        # Who counts for the two-staff rule is the organisation's choice.
        triggers = [
            recounts_opening_months_on_update(
                "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                "WHERE o.organisation_id IS DISTINCT FROM n.organisation_id"
            )
        ]
        constraints = [
            *plausible_dates("tilbudsportalen_checked"),
            models.UniqueConstraint(
                fields=["organisation", "name"], name="centre_name_unique_in_organisation"
            ),
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=F("age_to")),
                name="centre_age_range_in_order",
            ),
            phone_constraint("centre_phone_stored_form"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("centres:detail", args=[self.pk])

    def tilbudsportalen_check_due(self, today=None):
        """True if the profile was never checked or was checked over a year ago."""
        today = today or timezone.localdate()
        checked = self.tilbudsportalen_checked
        return checked is None or (today - checked).days > TILBUDSPORTALEN_CHECK_DAYS

    # Opening hours, closures and holidays: see centres.openings for the rules.
    def openings_between(self, start, end):
        """Return the concrete openings (staffed, user-run, maybe open) overlapping
        [start, end), sorted by start; `start` and `end` are aware datetimes."""
        from centres.openings import openings_for

        return openings_for([self], start, end)[self.pk]

    def is_closed_on(self, date):
        """True if a closure or a Danish public holiday closes the centre on `date`
        and the day was not explicitly opened."""
        from centres.openings import closed_days

        return date in closed_days([self], date, date)[self.pk]

    def open_now(self, at=None):
        """Return the opening in progress at `at` (default: now), or None."""
        from centres.openings import open_at

        return open_at(self, at or timezone.now())

    def next_opening(self, at=None):
        """Return the first opening starting after `at` within four weeks, or None."""
        from centres.openings import next_opening

        return next_opening(self, at or timezone.now())


class UserQuerySet(models.QuerySet):
    def in_organisation_of(self, user):
        if user.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: staff, leaders, outreach workers and association members.

    Visitors of the centres never have an account.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    centres = models.ManyToManyField(
        Centre,
        blank=True,
        related_name="assigned_users",
        verbose_name=_("centres"),
        help_text=_("The centres a staff member or outreach worker works at."),
    )

    qualification = models.CharField(
        _("qualification"),
        max_length=20,
        choices=Qualification.choices,
        default=Qualification.TRAINED,
        db_default=Qualification.TRAINED,  # for rows inserted in SQL (seed_scale)
        help_text=_("Students, trainees and volunteers do not make the second person on shift."),
    )
    is_safety_representative = models.BooleanField(
        _("safety representative"),
        default=False,
        help_text=_(
            "The safety representative may read every incident report of the organisation."
        ),
    )
    password_reset_sent_at = models.DateTimeField(
        _("password reset mail sent"), null=True, blank=True, editable=False
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="da",
        db_default="da",
        help_text=_("The language of the e-mails you get."),
    )
    receives_digest = models.BooleanField(
        _("daily reminder e-mail"),
        default=True,
        db_default=True,
        help_text=_("An e-mail on mornings when something on your to-do list is new or due."),
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # A sign-in (last_login) recounts nothing: only the qualification and the
        # organisation (whose qualifications count) matter to the two-staff rule.
        triggers = [
            recounts_opening_months_on_update(
                "SELECT c.id FROM centres_centre c JOIN ("
                "SELECT o.organisation_id, n.organisation_id AS moved_to FROM old_rows o "
                "JOIN new_rows n ON n.id = o.id "
                "WHERE o.qualification IS DISTINCT FROM n.qualification "
                "OR o.organisation_id IS DISTINCT FROM n.organisation_id"
                ") AS changed ON c.organisation_id IN (changed.organisation_id, changed.moved_to)"
            )
        ]
        constraints = [
            # Everyone but a superuser belongs to an organisation with a role.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | (Q(organisation__isnull=False) & ~Q(role="")),
                name="user_has_organisation_and_role",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_leader(self):
        return self.role == Role.LEADER

    @property
    def requires_two_factor(self):
        """Whether sign-in needs a one-time code: for those who read every incident report,
        and for superusers, who may change anything in the admin."""
        return self.role == Role.LEADER or self.is_safety_representative or self.is_superuser

    def has_role(self, *roles):
        return self.is_authenticated and self.role in roles


class DigestEntry(models.Model):
    """A to-do item (centres.todo.TodoItem.key) sent to a person in a daily digest, and
    when; written with the sending, so a digest never repeats an item."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digest_entries")
    key = models.CharField(max_length=200)
    sent_on = models.DateField()
    # Whether it was sent as due (due today or overdue): it is sent once more when it
    # first becomes due.
    sent_due = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="digest_entry_once_per_user"),
        ]

    def __str__(self):
        return f"{self.key} ({self.sent_on})"


# --- Accounts: invitations and the record of changes ------------------------------------


class InvitationQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Invitations not yet used and not expired."""
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A link that lets an invited person choose a password, once, before it expires.

    Only a hash of the link's token is kept: a copy of the table opens no account."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.person} ({self.created_at:%Y-%m-%d})"


# Shown for a field that was empty before a change (or after it).
NOTHING = "\N{EM DASH}"


class AccountChangeKind(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITED_AGAIN = "invited_again", _("Invitation sent again")
    SIGNED_UP = "signed_up", _("Chose a password")
    CHANGED = "changed", _("Changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
    SECOND_STEP_RESET = "second_step_reset", _("Two-factor sign-in reset")


class AccountChange(models.Model):
    """Who changed a person's account, when, and what changed.

    `changes` maps a field (role, centres, qualification) to [before, after]: choice
    values for role and qualification, centre names for centres."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="account_changes", verbose_name=_("person")
    )
    changed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=20, choices=AccountChangeKind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.person}: {self.kind}"

    def described_changes(self):
        """(label, before, after) for each changed field, in the reader's language."""
        labels = {
            "role": (_("Role"), dict(Role.choices)),
            "qualification": (_("Qualification"), dict(Qualification.choices)),
            "centres": (_("Centres"), None),
        }
        described = []
        for field, (before, after) in self.changes.items():
            label, choices = labels.get(field, (field, None))
            if choices is None:
                before, after = ", ".join(before), ", ".join(after)
            else:
                before, after = choices.get(before, before), choices.get(after, after)
            described.append((label, before or NOTHING, after or NOTHING))
        return described


# --- Opening hours, closures and holidays ---------------------------------------------


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
            # shifts that end after a moment by it (migration 0030).
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


# --- Key holders, fobs and loans --------------------------------------------------------


class LoggedQuerySet(models.QuerySet):
    """A queryset that, once evaluated for a request (`.logged_for(request)`), writes one
    access-log row naming the aliases of the rows it fetched. Its model says what it is
    (`access_subject`, a list AccessSubject) and whom each row concerns (`access_aliases`).
    """

    _logged_request = None

    def logged_for(self, request, action=None):
        clone = self._chain()
        clone._logged_request = (request, action or AccessAction.VIEW)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._logged_request = self._logged_request
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is None
        super()._fetch_all()
        if fetched and self._logged_request is not None and self._result_cache:
            self._log(self._result_cache)

    def iterator(self, chunk_size=None):
        if self._logged_request is None:
            return super().iterator(chunk_size=chunk_size)
        rows = list(super().iterator(chunk_size=chunk_size))
        if rows:
            self._log(rows)
        return iter(rows)

    def _log(self, rows):
        from centres.access import log_access

        request, action = self._logged_request
        aliases = [
            key for row in rows if isinstance(row, models.Model) for key in row.access_aliases
        ]
        log_access(request, action, self.model.access_list_subject, aliases=aliases)


class KeyHolderQuerySet(LoggedQuerySet):
    def for_user(self, user):
        if user.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def without_safety_briefing(self):
        return self.filter(active=True, safety_briefing__isnull=True)


class KeyHolder(models.Model):
    """A trusted user who may open and close a centre when no staff are there."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="key_holders"
    )
    alias = models.CharField(
        _("alias or first name"),
        max_length=60,
        validators=[reject_cpr_numbers],
        help_text=_("An alias or a first name only."),
    )
    phone = PhoneField(_("phone"))
    agreement_signed = models.DateField(
        _("key-holder agreement signed"), null=True, blank=True, validators=[plausible]
    )
    safety_briefing = models.DateField(
        _("safety briefing given"), null=True, blank=True, validators=[plausible]
    )
    active = models.BooleanField(_("active"), default=True)

    objects = KeyHolderQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("key holder")
        verbose_name_plural = _("key holders")
        constraints = [
            *plausible_dates("agreement_signed", "safety_briefing"),
            models.UniqueConstraint(
                fields=["organisation", "alias"], name="key_holder_alias_unique"
            ),
            phone_constraint("key_holder_phone_stored_form"),
        ]

    def __str__(self):
        return self.alias

    access_list_subject = "key_holder_list"

    @property
    def access_aliases(self):
        return [normalise_alias(self.alias)]


class FobStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")
    RETIRED = "retired", _("Retired")


class KeyFobQuerySet(models.QuerySet):
    def for_user(self, user):
        """Fobs that open at least one centre the user may see."""
        return self.filter(centres__in=Centre.objects.for_user(user)).distinct()


class KeyFob(models.Model):
    """A key fob (nøglebrik) that opens one or more centres."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="fobs")
    number = models.CharField(_("number"), max_length=30, validators=[reject_cpr_numbers])
    centres = models.ManyToManyField(Centre, related_name="fobs", verbose_name=_("opens"))
    status = models.CharField(
        _("status"), max_length=10, choices=FobStatus.choices, default=FobStatus.ACTIVE
    )
    status_changed = models.DateField(_("status changed"), null=True, blank=True)

    objects = KeyFobQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("key fob")
        verbose_name_plural = _("key fobs")
        constraints = [
            *plausible_dates("status_changed"),
            models.UniqueConstraint(fields=["organisation", "number"], name="fob_number_unique"),
        ]

    def __str__(self):
        return self.number


class KeyLoanQuerySet(LoggedQuerySet):
    def open(self):
        return self.filter(returned__isnull=True)

    def due_for_review(self, today=None):
        """Open loans issued longer ago than KEY_LOAN_REVIEW_DAYS."""
        today = today or timezone.localdate()
        cutoff = today - datetime.timedelta(days=settings.KEY_LOAN_REVIEW_DAYS)
        return self.open().filter(issued__lt=cutoff)


class KeyLoan(models.Model):
    """A fob lent to a key holder; at most one open loan per fob."""

    fob = models.ForeignKey(
        KeyFob, on_delete=models.PROTECT, related_name="loans", verbose_name=_("key fob")
    )
    holder = models.ForeignKey(
        KeyHolder, on_delete=models.PROTECT, related_name="loans", verbose_name=_("key holder")
    )
    issued = models.DateField(_("issued"), default=timezone.localdate, validators=[plausible])
    returned = models.DateField(_("returned"), null=True, blank=True, validators=[plausible])
    lost = models.BooleanField(_("lost"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = KeyLoanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued", "-pk"]
        verbose_name = _("key loan")
        verbose_name_plural = _("key loans")
        constraints = [
            *plausible_dates("issued", "returned"),
            models.UniqueConstraint(
                fields=["fob"], condition=Q(returned__isnull=True), name="one_open_loan_per_fob"
            ),
            models.CheckConstraint(
                condition=Q(returned__isnull=True) | Q(returned__gte=F("issued")),
                name="loan_returned_after_issued",
            ),
        ]

    def __str__(self):
        return f"{self.fob} → {self.holder}"

    access_list_subject = "key_holder_list"

    @property
    def access_aliases(self):
        return [normalise_alias(self.holder.alias)]

    @property
    def is_open(self):
        return self.returned is None


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


# --- Visit tallies and census -----------------------------------------------------------


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


def current_hour():
    """Now, to the hour: as precise as a short-lived row's age needs to be."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class SubmissionTokenManager(models.Manager):
    def claim(self, token, owner):
        """Insert the row of `token` for `owner` (owner_of): (True, None) if it is new,
        else (False, the row already there, or None if it went in the meantime).

        One statement: a row being inserted by a transaction still open is waited for,
        and returned once that transaction has committed it."""
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (token, owner, created, status, location, body) "
                "VALUES (%s, %s, %s, NULL, '', '') ON CONFLICT (token) DO NOTHING RETURNING id",
                [token, owner, current_hour()],
            )
            if cursor.fetchone() is not None:
                return True, None
        return False, self.filter(token=token).first()

    def purge(self, now):
        """Delete the tokens older than a day (a form is sent again within seconds or
        minutes; a day is ample); returns how many."""
        deleted, _ = self.filter(created__lt=now - datetime.timedelta(days=1)).delete()
        return deleted

    def keep(self, token, *, status, location="", body=""):
        """Keep the answer to the form of `token` (raw: it runs on every tap)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.model._meta.db_table} SET status = %s, location = %s, body = %s "
                "WHERE token = %s",
                [status, location, body, token],
            )


class SubmissionToken(models.Model):
    """A form's one-time token, kept once the form was saved, with what the saving
    answered: the same form sent again gets that answer and saves nothing.

    The row names no person and no moment: `owner` is a keyed digest of the token and
    the user who sent it, enough to refuse a replay by anyone else but not to say who
    it was without the app's secret key; `created` is the hour, enough to purge rows
    after a day (SubmissionTokenManager.purge, hourly). An answer's redirect is kept
    as the view says it may be replayed (centres.middleware.replay_at), so a redirect
    that carries a recorded contact's undo link is not kept.
    """

    token = models.CharField(max_length=64, unique=True)
    owner = models.CharField(max_length=64)
    created = models.DateTimeField(default=current_hour, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.TextField(blank=True)
    body = models.TextField(blank=True)

    objects = SubmissionTokenManager()

    def __str__(self):
        return self.token

    @staticmethod
    def owner_of(token, user_id):
        """The keyed digest that binds `token` to the user who sent it."""
        return salted_hmac(
            "centres.SubmissionToken.owner", f"{user_id}:{token}", algorithm="sha256"
        ).hexdigest()


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
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
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


# --- Access log -------------------------------------------------------------------------


class AccessAction(models.TextChoices):
    # In a context of their own: Django's admin translates a bare "View" as "Vis".
    VIEW = "view", pgettext_lazy("access log action", "View")
    SEARCH = "search", pgettext_lazy("access log action", "Search")
    EXPORT = "export", pgettext_lazy("access log action", "Export")
    CREATE = "create", pgettext_lazy("access log action", "Creation")
    CHANGE = "change", pgettext_lazy("access log action", "Change")


class AccessSubject(models.TextChoices):
    """What an access-log entry is about; log_access takes nothing else. The labels of
    other apps' subjects are words only: centres imports none of them."""

    INCIDENT = "incident", _("Incident report")
    INCIDENT_LIST = "incident_list", _("List of incident reports")
    BAN = "ban", _("Ban")
    BAN_LIST = "ban_list", _("List of bans")
    FIGURES = "figures", _("Incident figures")
    KEY_HOLDER = "key_holder", _("Key holder")
    KEY_HOLDER_LIST = "key_holder_list", _("List of key holders")
    ACCESS_LOG = "access_log", _("Who has looked at the person")


class AccessLogEntryQuerySet(models.QuerySet):
    def concerning(self, organisation_id, alias):
        """The organisation's rows that name `alias` (compared normalised)."""
        return self.filter(
            organisation_id=organisation_id, aliases__contains=[normalise_alias(alias)]
        )


class AccessLogEntry(models.Model):
    """Who read, searched, exported or changed data about a person (incidents, bans,
    key holders), and about whom (`aliases`, normalised)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    # A read by a tablet at a centre (the key holder on its safety card): no person.
    kiosk = models.ForeignKey(
        "KioskDevice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=40, choices=AccessSubject.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    # The page, without its query string: a search term never lands here.
    path = models.CharField(max_length=300, blank=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["organisation", "at"], name="access_log_organisation_at"),
            models.Index(fields=["at"], name="access_log_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

    @property
    def who(self):
        """The person's name (the user name when none is given, or once the user is
        deleted)."""
        if self.user is None:
            return self.username
        return self.user.get_full_name() or self.user.get_username()

    @property
    def subject(self):
        """What the entry is about, in words: "Karantæne nr. 2"."""
        label = self.get_what_display()
        if self.object_id is None:
            return label
        return _("%(what)s no. %(number)s") % {"what": label, "number": self.object_id}


class JobFailure(models.Model):
    """Why a job of the task queue failed (centres.queue.remember_failures), for the
    operator (`manage.py queue`): the queue keeps a job's state but not its error. Kept
    while the job is; a job that succeeds at last takes its failures with it."""

    job_id = models.BigIntegerField(db_index=True)
    task_name = models.CharField(max_length=128)
    attempt = models.PositiveIntegerField()
    at = models.DateTimeField()
    error = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")

    def __str__(self):
        return f"{self.task_name}[{self.job_id}] {self.error}"


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
