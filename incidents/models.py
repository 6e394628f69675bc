"""Incidents of violence, threats and boundary-crossing behaviour, their follow-up, bans,
risk assessments and procedures. Who read what is logged in centres (AccessLogEntry)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centres.models import Centre, KeyHolder, LoggedQuerySet, Role, normalise_alias
from centres.plausible import plausible, plausible_dates, plausible_moments
from centres.validators import reject_cpr_numbers
from incidents.summaries import TRIGGERS as MONTH_TRIGGERS
from incidents.summaries import IncidentMonth  # noqa: F401 (a model of this app)


class Kind(models.TextChoices):
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    THREAT = "threat", _("Threat")
    VERBAL_ABUSE = "verbal_abuse", _("Verbal abuse")
    SEXUAL_HARASSMENT = "sexual_harassment", _("Sexual harassment")
    PROPERTY_DAMAGE = "property_damage", _("Damage to property")
    SELF_HARM = "self_harm", _("Self-harm")
    OTHER = "other", _("Other boundary-crossing behaviour")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Context(models.TextChoices):
    STAFFED_OPENING = "staffed_opening", _("Staffed opening")
    USER_RUN_OPENING = "user_run_opening", _("User-run opening")
    ACTIVITY = "activity", _("Activity")
    OFF_SITE = "off_site", _("Off-site")


class AffectedRole(models.TextChoices):
    STAFF = "staff", _("Staff member")
    USER = "user", _("User")
    VOLUNTEER = "volunteer", _("Volunteer")
    OTHER = "other", _("Other")


class ImmediateAction(models.TextChoices):
    DE_ESCALATION = "de_escalation", _("De-escalation")
    POLICE_CALLED = "police_called", _("Police called")
    FIRST_AID = "first_aid", _("First aid")
    AMBULANCE = "ambulance", _("Ambulance")
    SENT_HOME = "sent_home", _("Person sent home")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REVIEWED = "reviewed", _("Reviewed by the leader")
    FOLLOW_UP_DONE = "follow_up_done", _("Follow-up done")
    CLOSED = "closed", pgettext_lazy("incident status", "Closed")


# Each status and the one it may move on to.
NEXT_STATUS = {
    Status.REPORTED: Status.REVIEWED,
    Status.REVIEWED: Status.FOLLOW_UP_DONE,
    Status.FOLLOW_UP_DONE: Status.CLOSED,
}


class WorkInjuryCase(models.TextChoices):
    """Which clock of the work-injury report runs. ABSENCE follows from a recorded first
    day of absence; the other two are chosen on the reporting form."""

    ABSENCE = "absence", _("Absence beyond the day of injury")
    TREATMENT = "treatment", _("No absence, but treatment costs expected")
    DEATH = "death", _("Death")


class WorkInjuryRuleQuerySet(models.QuerySet):
    def in_force(self, day):
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def attach_to(self, incidents):
        """Give each incident its rule, from one query: for lists of reports."""
        incidents = list(incidents)
        rules = list(self.order_by("-valid_from", "-pk"))
        for incident in incidents:
            case, day = incident.work_injury, timezone.localdate(incident.occurred_at)
            incident.work_injury_rule = next(
                (rule for rule in rules if rule.case == case and rule.in_force_on(day)), None
            )
        return incidents

    def rule_for(self, case, day):
        """The rule of `case` in force on `day` (the latest to start), or None."""
        return self.in_force(day).filter(case=case).order_by("-valid_from", "-pk").first()


class WorkInjuryRule(models.Model):
    """How long there is to report a work injury of one case, from when, by which law.

    Rules are data: a change in the law is a new row (by data migration) valid from its
    date, and the old row gets a valid_until, so injuries keep the rule of their day.
    """

    case = models.CharField(_("case"), max_length=10, choices=WorkInjuryCase.choices)
    # ABSENCE counts whole days from the first day of absence, TREATMENT whole days from
    # the day of injury; DEATH counts the period from the moment of the injury.
    period = models.DurationField(_("time to report"))
    absence_threshold_days = models.PositiveSmallIntegerField(
        _("days of absence beyond the day of injury"),
        null=True,
        blank=True,
        help_text=_("Only for absence: from how many days of absence the injury is reported."),
    )
    valid_from = models.DateField(_("valid from"), validators=[plausible])
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[plausible])
    legal_source = models.CharField(_("legal source"), max_length=200)
    url = models.URLField(_("link to the law"), blank=True)

    objects = WorkInjuryRuleQuerySet.as_manager()

    class Meta:
        ordering = ["case", "valid_from"]
        verbose_name = _("work-injury rule")
        verbose_name_plural = _("work-injury rules")
        constraints = [
            *plausible_dates("valid_from", "valid_until"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="work_injury_rule_validity_in_order",
            ),
            models.CheckConstraint(
                condition=Q(period__gt=datetime.timedelta(0)),
                name="work_injury_rule_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(case=WorkInjuryCase.ABSENCE, absence_threshold_days__gte=1)
                | (~Q(case=WorkInjuryCase.ABSENCE) & Q(absence_threshold_days__isnull=True)),
                name="work_injury_rule_threshold_iff_absence",
            ),
            models.CheckConstraint(
                condition=Q(case__in=WorkInjuryCase.values), name="work_injury_rule_case_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_case_display()}: {self.legal_source}"

    def in_force_on(self, day):
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def deadline(self, occurred_at, absence_first_day=None):
        """The last day (ABSENCE, TREATMENT) or the last moment (DEATH) to report."""
        if self.case == WorkInjuryCase.DEATH:
            return occurred_at + self.period
        start = absence_first_day if self.case == WorkInjuryCase.ABSENCE else None
        start = start or timezone.localdate(occurred_at)
        return start + datetime.timedelta(days=self.period.days)


# A work injury (absence, treatment costs, death) not yet reported, of a report that is
# not pseudonymised: a handful among all the years of reports, found by a partial index.
WORK_INJURY_PENDING = (Q(absence_first_day__isnull=False) | ~Q(work_injury_case="")) & Q(
    work_injury_reported_on__isnull=True, pseudonymised_at__isnull=True
)


class IncidentQuerySet(LoggedQuerySet):
    def in_scope_of(self, user):
        """Reports whose centre the user can see, plus, for the safety representative,
        every report of the organisation. Roles are checked by the views after this."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        scope = Q(centre__in=Centre.objects.for_user(user))
        if user.role == Role.STAFF and user.is_safety_representative:
            scope |= Q(centre__organisation_id=user.organisation_id)
        return self.filter(scope)

    def for_user(self, user):
        """Reports the user may read: the leader's organisation, staff's own centres, the
        safety representative's whole organisation; nothing for other roles."""
        if not user.has_role(Role.LEADER, Role.STAFF):
            return self.none()
        return self.in_scope_of(user)

    def open(self):
        return self.exclude(status=Status.CLOSED)

    def in_period(self, start, end):
        """Reports of episodes on dates start..end (both included)."""
        return self.filter(occurred_at__date__gte=start, occurred_at__date__lte=end)

    def work_injury_pending(self):
        """Work injuries (absence, treatment costs, death) not yet reported."""
        return self.filter(WORK_INJURY_PENDING)

    def mentioning(self, alias):
        return self.filter(alias_keys__contains=[normalise_alias(alias)])


def cpr_safe_text(verbose_name, **kwargs):
    return models.TextField(verbose_name, blank=True, validators=[reject_cpr_numbers], **kwargs)


class Incident(models.Model):
    """An episode of violence, threats or boundary-crossing behaviour at a centre.

    A minor episode starts as a one-line registration and can be upgraded to a full
    report by filling in the rest.
    """

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("centre")
    )
    occurred_at = models.DateTimeField(_("when"), validators=[plausible])
    is_full_report = models.BooleanField(_("full report"), default=False)
    context = models.CharField(_("during what"), max_length=20, choices=Context.choices, blank=True)
    # Lists of choice values, kept as JSON arrays (queried with __contains).
    kinds = models.JSONField(_("kinds"), default=list)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    affected_role = models.CharField(_("against whom"), max_length=10, choices=AffectedRole.choices)
    affected_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents_affecting",
        verbose_name=_("affected staff member"),
    )
    involved_aliases = models.JSONField(_("people involved (aliases)"), default=list, blank=True)
    # Lower-case copies of the aliases, for searching and for the access log.
    alias_keys = models.JSONField(default=list, blank=True, editable=False)
    summary = models.CharField(
        _("what happened, in one line"), max_length=200, validators=[reject_cpr_numbers]
    )
    what_happened = cpr_safe_text(_("what happened"))
    preceded = cpr_safe_text(_("what preceded it"))
    escalated = cpr_safe_text(_("what escalated it"))
    calmed = cpr_safe_text(_("what calmed it"))
    immediate_actions = models.JSONField(_("immediate actions"), default=list, blank=True)
    injury = models.BooleanField(_("someone was injured"), default=False)
    injury_description = cpr_safe_text(_("injury"))
    absence_first_day = models.DateField(
        _("first day of absence"),
        null=True,
        blank=True,
        help_text=_("Only when the injured staff member was absent beyond the day of injury."),
        validators=[plausible],
    )
    # Treatment costs or death; absence follows from absence_first_day (death wins).
    work_injury_case = models.CharField(
        _("treatment costs or death"),
        max_length=10,
        blank=True,
        db_default="",  # for rows inserted in SQL (seed_scale)
        help_text=_("A first day of absence is recorded on the report itself."),
        choices=[
            ("", _("Neither")),
            (WorkInjuryCase.TREATMENT, WorkInjuryCase.TREATMENT.label),
            (WorkInjuryCase.DEATH, WorkInjuryCase.DEATH.label),
        ],
    )
    work_injury_reported_on = models.DateField(
        _("reported to the Working Environment Authority on"),
        null=True,
        blank=True,
        validators=[plausible],
    )
    work_injury_reference = models.CharField(
        _("work-injury report reference"),
        max_length=60,
        blank=True,
        validators=[reject_cpr_numbers],
    )
    police_reported_on = models.DateField(
        _("reported to the police on"), null=True, blank=True, validators=[plausible]
    )
    police_reference = models.CharField(
        _("police report reference"), max_length=60, blank=True, validators=[reject_cpr_numbers]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    # A person, or the tablet by the door of the centre (which names no one).
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_reported",
        verbose_name=_("reported by"),
    )
    reported_by_kiosk = models.ForeignKey(
        "centres.KioskDevice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_reported",
        verbose_name=_("reported on the tablet"),
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    pseudonymised_at = models.DateTimeField(_("pseudonymised at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        triggers = MONTH_TRIGGERS
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["centre", "occurred_at"]),
            models.Index(fields=["status"]),
            models.Index(
                fields=["centre"], condition=WORK_INJURY_PENDING, name="incident_injury_pending"
            ),
        ]
        constraints = [
            *plausible_dates("absence_first_day", "work_injury_reported_on", "police_reported_on"),
            *plausible_moments("occurred_at"),
            models.CheckConstraint(
                condition=GreaterThan(Func("kinds", function="jsonb_array_length"), 0),
                name="incident_has_a_kind",
            ),
            models.CheckConstraint(
                condition=Q(reported_by__isnull=False) | Q(reported_by_kiosk__isnull=False),
                name="incident_has_a_source",
            ),
            models.CheckConstraint(
                condition=Q(absence_first_day__isnull=True) | Q(injury=True),
                name="incident_absence_needs_injury",
            ),
            models.CheckConstraint(
                condition=Q(work_injury_case="")
                | Q(work_injury_case=WorkInjuryCase.DEATH, injury=True)
                | Q(
                    work_injury_case=WorkInjuryCase.TREATMENT,
                    injury=True,
                    absence_first_day__isnull=True,
                ),
                name="incident_work_injury_case_valid",
            ),
            models.CheckConstraint(
                condition=Q(work_injury_reported_on__isnull=True)
                | Q(absence_first_day__isnull=False)
                | ~Q(work_injury_case=""),
                name="incident_work_injury_report_needs_a_case",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, closed_at__isnull=False)
                | (~Q(status=Status.CLOSED) & Q(closed_at__isnull=True)),
                name="incident_closed_at_iff_closed",
            ),
        ]

    def __str__(self):
        occurred = formats.date_format(
            timezone.localtime(self.occurred_at), "SHORT_DATETIME_FORMAT"
        )
        return f"{self.centre} {occurred}"

    def save(self, *args, **kwargs):
        self.involved_aliases = [a.strip() for a in self.involved_aliases if a.strip()]
        self.alias_keys = sorted({normalise_alias(a) for a in self.involved_aliases})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    access_list_subject = "incident_list"

    @property
    def access_aliases(self):
        return self.alias_keys

    @property
    def work_injury(self):
        """The case of work injury to report (a WorkInjuryCase), or None."""
        if self.work_injury_case == WorkInjuryCase.DEATH:
            return WorkInjuryCase.DEATH
        if self.absence_first_day is not None:
            return WorkInjuryCase.ABSENCE
        if self.work_injury_case == WorkInjuryCase.TREATMENT:
            return WorkInjuryCase.TREATMENT
        return None

    @cached_property
    def work_injury_rule(self):
        """The rule in force on the day of injury for this case, or None."""
        case = self.work_injury
        if case is None:
            return None
        return WorkInjuryRule.objects.rule_for(case, timezone.localdate(self.occurred_at))

    @property
    def work_injury_deadline(self):
        """The last day, or for a death the last moment, to report; None without a rule."""
        rule = self.work_injury_rule
        if rule is None:
            return None
        return rule.deadline(self.occurred_at, self.absence_first_day)

    @property
    def work_injury_deadline_is_moment(self):
        return isinstance(self.work_injury_deadline, datetime.datetime)

    @property
    def work_injury_deadline_text(self):
        """The deadline as shown: a day, or a day and a time for a death."""
        deadline = self.work_injury_deadline
        if deadline is None:
            return gettext("no rule in force on the day of injury")
        if isinstance(deadline, datetime.datetime):
            return formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
        return formats.date_format(deadline, "DATE_FORMAT")

    @property
    def work_injury_deadline_day(self):
        """The local day of the deadline, for sorting and counting days."""
        deadline = self.work_injury_deadline
        if isinstance(deadline, datetime.datetime):
            return timezone.localdate(deadline)
        return deadline

    @property
    def work_injury_days_left(self):
        """Days until the work-injury deadline (negative when overdue), or None."""
        deadline = self.work_injury_deadline
        if deadline is None or self.work_injury_reported_on:
            return None
        today = timezone.localdate()
        if isinstance(deadline, datetime.datetime):
            # A moment passed earlier today is already overdue: at least a day.
            if timezone.now() > deadline:
                return -max(1, (today - timezone.localdate(deadline)).days)
            deadline = timezone.localdate(deadline)
        return (deadline - today).days

    @property
    def work_injury_days_overdue(self):
        days = self.work_injury_days_left
        return None if days is None else -days

    @property
    def next_status(self):
        return NEXT_STATUS.get(self.status)

    def get_kinds_display(self):
        labels = dict(Kind.choices)
        return ", ".join(str(labels.get(k, k)) for k in self.kinds)

    def get_immediate_actions_display(self):
        labels = dict(ImmediateAction.choices)
        return ", ".join(str(labels.get(a, a)) for a in self.immediate_actions)


class FollowUpKind(models.TextChoices):
    DEBRIEF = "debrief", _("Debrief offered to the staff member")
    USER_CONVERSATION = "user_conversation", _("Conversation with the user")
    ROUTINE_CHANGE = "routine_change", _("Change to routines")
    USER_INFORMATION = "user_information", _("Information to users")
    OTHER = "other", _("Other")


class FollowUpItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class FollowUpItem(models.Model):
    """Something to do after an incident, with an owner and a due date."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[reject_cpr_numbers]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incident_follow_ups",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), validators=[plausible])
    done_on = models.DateField(_("done"), null=True, blank=True, validators=[plausible])

    history = HistoricalRecords()
    objects = FollowUpItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        indexes = [models.Index(fields=["done_on", "due_on"])]
        constraints = [
            *plausible_dates("due_on", "done_on"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_overdue(self):
        return self.done_on is None and self.due_on < timezone.localdate()


BAN_NO_OVERLAP = "ban_no_overlap_for_alias_and_scope"


class BanScope(models.TextChoices):
    CENTRE = "centre", _("One centre")
    ORGANISATION = "organisation", _("All centres of the organisation")
    ACTIVITY = "activity", _("One activity")


class BanQuerySet(LoggedQuerySet):
    def for_user(self, user):
        """Bans the user may read: all of the leader's organisation; for staff, the bans
        on their centres and those on the whole organisation."""
        if not user.has_role(Role.LEADER, Role.STAFF):
            return self.none()
        return self.in_scope_of(user)

    def in_scope_of(self, user):
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        centres = Centre.objects.for_user(user)
        return self.filter(organisation_id=user.organisation_id).filter(
            Q(scope=BanScope.ORGANISATION) | Q(centre__in=centres)
        )

    def active(self, today=None):
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class Ban(models.Model):
    """A quarantine (karantæne): a person is not welcome at a centre for a period.

    Overlapping bans for the same alias and scope are refused by the exclusion constraint
    BAN_NO_OVERLAP, created in this app's migration (see there for why it is not declared
    in Meta).
    """

    organisation = models.ForeignKey(
        "centres.Organisation", on_delete=models.PROTECT, related_name="bans"
    )
    alias = models.CharField(_("alias"), max_length=60, validators=[reject_cpr_numbers])
    alias_key = models.CharField(max_length=60, editable=False)
    description = models.TextField(
        _("how to recognise the person"), blank=True, validators=[reject_cpr_numbers]
    )
    scope = models.CharField(_("scope"), max_length=20, choices=BanScope.choices)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bans",
        verbose_name=_("centre"),
    )
    activity = models.CharField(
        _("activity"), max_length=100, blank=True, validators=[reject_cpr_numbers]
    )
    # What the exclusion constraint compares: the organisation, the centre, or the
    # centre and the activity's name.
    scope_key = models.CharField(max_length=140, editable=False)
    starts_on = models.DateField(_("from"), validators=[plausible])
    ends_on = models.DateField(_("until"), validators=[plausible])
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bans",
        verbose_name=_("linked incident"),
    )
    reason = models.TextField(_("reason"), blank=True, validators=[reject_cpr_numbers])
    # While the ban is in force, the key holder's open fob loans are flagged for suspension.
    key_holder = models.ForeignKey(
        KeyHolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bans",
        verbose_name=_("key holder"),
        help_text=_(
            "If the person holds a key fob, the fob is flagged for suspension while "
            "the ban is in force."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bans_decided",
        verbose_name=_("decided by"),
    )
    told_on = models.DateField(
        _("person told of the decision and how to complain on"),
        null=True,
        blank=True,
        validators=[plausible],
    )
    review_on = models.DateField(_("review date"), null=True, blank=True, validators=[plausible])
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        indexes = [models.Index(fields=["organisation", "ends_on"])]
        constraints = [
            *plausible_dates("starts_on", "ends_on", "told_on", "review_on"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="ban_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=~Q(reason="") | Q(incident__isnull=False), name="ban_has_a_reason"
            ),
            models.CheckConstraint(
                condition=Q(scope=BanScope.ORGANISATION, centre__isnull=True)
                | (~Q(scope=BanScope.ORGANISATION) & Q(centre__isnull=False)),
                name="ban_centre_matches_scope",
            ),
        ]

    def __str__(self):
        starts, ends = (
            formats.date_format(d, "SHORT_DATE_FORMAT") for d in (self.starts_on, self.ends_on)
        )
        return f"{self.alias} ({starts}-{ends})"

    def save(self, *args, **kwargs):
        self.alias = " ".join(self.alias.split())
        self.alias_key = normalise_alias(self.alias)
        self.scope_key = self.compute_scope_key()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:ban_detail", args=[self.pk])

    access_list_subject = "ban_list"

    @property
    def access_aliases(self):
        return [self.alias_key]

    def compute_scope_key(self):
        if self.scope == BanScope.ORGANISATION:
            return "organisation"
        if self.scope == BanScope.ACTIVITY:
            return f"activity:{self.centre_id}:{normalise_alias(self.activity)}"
        return f"centre:{self.centre_id}"

    @property
    def where(self):
        if self.scope == BanScope.ORGANISATION:
            return str(BanScope.ORGANISATION.label)
        if self.scope == BanScope.ACTIVITY:
            return f"{self.activity}, {self.centre}"
        return str(self.centre)


class RiskAssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.has_role(Role.LEADER, Role.STAFF):
            return self.none()
        return self.filter(centre__in=Centre.objects.for_user(user))

    def current(self):
        """The newest assessment of each centre."""
        return self.order_by("centre_id", "-assessed_on", "-pk").distinct("centre_id")


class RiskAssessment(models.Model):
    """A written risk assessment of a centre, with the measures taken and a review date."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="risk_assessments", verbose_name=_("centre")
    )
    assessed_on = models.DateField(
        _("assessed on"), default=timezone.localdate, validators=[plausible]
    )
    risks = models.TextField(_("identified risks"), validators=[reject_cpr_numbers])
    measures = models.TextField(
        _("measures"),
        validators=[reject_cpr_numbers],
        help_text=_("E.g. two staff present, knives and scissors locked away."),
    )
    review_on = models.DateField(_("review date"), validators=[plausible])
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="risk_assessments",
        verbose_name=_("written by"),
    )

    history = HistoricalRecords()
    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["centre__name", "-assessed_on"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            *plausible_dates("assessed_on", "review_on"),
            models.CheckConstraint(
                condition=Q(review_on__gt=F("assessed_on")),
                name="risk_assessment_review_after_assessment",
            ),
        ]

    def __str__(self):
        return f"{self.centre} {formats.date_format(self.assessed_on, 'SHORT_DATE_FORMAT')}"

    @property
    def is_due(self):
        return self.review_on <= timezone.localdate()


class Procedure(models.Model):
    """One version of a centre's procedure for violence and threats."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("centre")
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(
        _("procedure"),
        validators=[reject_cpr_numbers],
        help_text=_("Include what users do if something happens during user-run openings."),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["centre__name", "-version"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "version"], name="procedure_version_unique_per_centre"
            ),
        ]

    def __str__(self):
        return f"{self.centre} v{self.version}"


class Acknowledgement(models.Model):
    """A staff member has read a version of a procedure."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "user"], name="acknowledgement_once_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.procedure}"


# The quarterly review of violence and threats ---------------------------------------------


class PartOfDay(models.IntegerChoices):
    """Roughly when in the day a minor episode happened: the hour each part starts."""

    BEFORE_10 = 0, _("Before 10")
    FROM_10 = 10, _("10-12")
    FROM_12 = 12, _("12-14")
    FROM_14 = 14, _("14-16")
    FROM_16 = 16, _("After 16")

    @classmethod
    def of_hour(cls, hour):
        return max(part for part in cls.values if part <= hour)


# The kinds a day sheet counts: the minor episodes that get no full report (pinching and
# scratching count as physical).
DAY_SHEET_KINDS = [Kind.VERBAL_ABUSE, Kind.THREAT, Kind.PHYSICAL_VIOLENCE, Kind.OTHER]


class DaySheet(models.Model):
    """A centre's minor episodes of one day, filled in by staff at closing: counts by
    kind and part of the day (DaySheetEntry), or explicitly none. Names no person."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="day_sheets", verbose_name=_("centre")
    )
    day = models.DateField(_("day"), validators=[plausible])
    no_episodes = models.BooleanField(_("no episodes today"), default=False)
    note = cpr_safe_text(_("note"), help_text=_("Without names: what happened, what helped."))
    filled_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filled in by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-day", "centre__name"]
        verbose_name = _("day sheet")
        verbose_name_plural = _("day sheets")
        constraints = [
            *plausible_dates("day"),
            models.UniqueConstraint(fields=["centre", "day"], name="day_sheet_once_per_centre_day"),
        ]

    def __str__(self):
        return f"{self.centre} {formats.date_format(self.day, 'SHORT_DATE_FORMAT')}"


class DaySheetEntry(models.Model):
    """How many minor episodes of one kind a day sheet counts in one part of the day."""

    sheet = models.ForeignKey(DaySheet, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    part_of_day = models.PositiveSmallIntegerField(_("when"), choices=PartOfDay.choices)
    count = models.PositiveSmallIntegerField(_("number of episodes"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["sheet", "kind", "part_of_day"]
        verbose_name = _("day sheet entry")
        verbose_name_plural = _("day sheet entries")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "kind", "part_of_day"], name="day_sheet_entry_once_per_cell"
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="day_sheet_entry_count_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="day_sheet_entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(part_of_day__in=PartOfDay.values), name="day_sheet_entry_part_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_part_of_day_display()}: {self.count}"


class SignatoryRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    SAFETY_REPRESENTATIVE = "safety_representative", _("Safety representative")


class QuarterReview(models.Model):
    """The leader's and the safety representative's review of a centre's quarter: the
    decisions taken and both signatures. Locked once both have signed."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="quarter_reviews", verbose_name=_("centre")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    created_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["centre__name", "-year", "-quarter"]
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year", "quarter"], name="quarter_review_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_review_quarter_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="quarter_review_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.centre} {self.year} K{self.quarter}"

    def get_absolute_url(self):
        return reverse("incidents:review", args=[self.centre_id, self.year, self.quarter])

    @property
    def is_locked(self):
        return self.locked_at is not None


class ReviewDecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)


class ReviewDecision(models.Model):
    """A decision taken at a quarterly review: what, who sees to it, by when."""

    review = models.ForeignKey(QuarterReview, on_delete=models.PROTECT, related_name="decisions")
    text = models.CharField(_("decision"), max_length=300, validators=[reject_cpr_numbers])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_decisions",
        verbose_name=_("responsible"),
    )
    due_on = models.DateField(_("due"), validators=[plausible])
    done_on = models.DateField(_("done"), null=True, blank=True, validators=[plausible])

    history = HistoricalRecords()
    objects = ReviewDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [*plausible_dates("due_on", "done_on")]

    def __str__(self):
        return self.text

    @property
    def is_overdue(self):
        return self.done_on is None and self.due_on < timezone.localdate()


class ReviewSignature(models.Model):
    """One signature of a quarterly review, with the figures as they were when signed."""

    review = models.ForeignKey(QuarterReview, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("signed as"), max_length=30, choices=SignatoryRole.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_signatures",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"))
    figures = models.JSONField(_("figures when signed"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            *plausible_moments("signed_at"),
            models.UniqueConstraint(fields=["review", "role"], name="review_signed_once_per_role"),
            models.UniqueConstraint(
                fields=["review", "signed_by"], name="review_signed_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(role__in=SignatoryRole.values), name="review_signature_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.review} {self.get_role_display()}"
