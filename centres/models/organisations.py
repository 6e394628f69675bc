"""Organisations and their centres: who runs a drop-in centre, which roles its people
have and which centres each of them may see (centre_scope), and what the organisation
decides (the smallest figure shown outside it, who counts for the two-staff rule)."""

import functools

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models.summaries import recounts_opening_months_on_update
from centres.phones import PhoneField, phone_constraint
from centres.plausible import plausible, plausible_dates
from centres.suppression import DEFAULT_THRESHOLD, MINIMUM_THRESHOLD
from centres.validators import reject_cpr_numbers


class Qualification(models.TextChoices):
    """What a person brings to a shift. Only qualified staff make the second person of the
    two-staff rule, unless the organisation decides otherwise (Organisation.
    qualifications_for_two_staff)."""

    TRAINED = "trained", _("Trained staff")
    STUDENT = "student", _("Student or trainee")
    VOLUNTEER = "volunteer", _("Volunteer")


def default_two_staff_qualifications():
    return ["trained"]


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


@functools.cache
def _tally_statement(model):
    """(field names, SQL, fields to convert) of CentreQuerySet.get_for_tally: written once
    per process, as every tap reads it."""
    fields = model._meta.concrete_fields
    assigned = model.assigned_users.through._meta
    centre_id = assigned.get_field("centre").column
    user_id = assigned.get_field("user").column
    sql = f"""
        SELECT {", ".join(f"c.{field.column}" for field in fields)}
        FROM {model._meta.db_table} c
        WHERE c.id = %(pk)s AND c.organisation_id = %(organisation)s
            AND (NOT %(named_only)s OR EXISTS (
                SELECT FROM {assigned.db_table} a
                WHERE a.{centre_id} = c.id AND a.{user_id} = %(user)s))
    """
    # Fields read from the database through a conversion (jsonb comes as text).
    converted = [(i, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value")]
    return [field.attname for field in fields], sql, converted


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
        connection = connections[self.db]
        names, sql, converted = _tally_statement(self.model)
        params = {
            "pk": pk,
            "organisation": organisation_id,
            "named_only": named_only,
            "user": user.pk,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist
        values = list(row)
        for i, field in converted:
            values[i] = field.from_db_value(values[i], None, connection)
        return self.model.from_db(self.db, names, values)

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
