"""Advice and guidance: anonymous contact tallies, outreach hours and meeting outcomes.

A drop-in centre is a place where you are not registered, so a contact row says what kind
of help was given, where and on which day, and nothing that could point at a person: no
visitor, no free text, no time finer than the day, and not even who recorded it (a
centre with one staff member on duty would otherwise tie the contact to a time slot).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from advice.summaries import (  # noqa: F401 (models of this app)
    CONTACT_TOPIC_TRIGGERS,
    CONTACT_TRIGGERS,
    ContactMonth,
    ContactMonthTotal,
    ContactTopicMonth,
)
from centres.models import Centre, Organisation, Role, ValidityPeriod, ValidityQuerySet
from centres.openings import closed_days
from centres.plausible import plausible, plausible_dates
from centres.validators import reject_cpr_numbers


def choice_values(choices):
    return [value for value, _label in choices.choices]


class DefaultTopic(models.TextChoices):
    """The topics every organisation starts with (named in the supervisory reports)."""

    FINANCE = "finance", _("Personal finance and budget")
    DEBT = "debt", _("Debt and creditors")
    BENEFITS = "benefits", _("Benefits and applications")
    HOUSING = "housing", _("Housing and the emergency housing list")
    LETTERS = "letters", _("Reading and writing letters and forms")
    DIGITAL = "digital", _("Digital self-service (MitID, digital post)")
    JOB = "job", _("Job and education")
    PHYSICAL_HEALTH = "physical_health", _("Physical health (doctor, dentist, foot care)")
    MENTAL_HEALTH = "mental_health", _("Mental health and psychiatry")
    SUBSTANCES = "substances", _("Alcohol and drugs")
    IMMIGRATION = "immigration", _("Immigration and residence")
    JUSTICE = "justice", _("Police, court and fines")
    FAMILY = "family", _("Family and relationships")
    OTHER = "other", _("Other")


class TopicQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def active(self):
        return self.filter(retired=False)

    def ensure_defaults(self, organisation):
        """Create the default topics an organisation lacks; return its topics.

        Called when an organisation first uses advice, so a new organisation needs no
        set-up; a retired default is left retired.
        """
        organisation_id = getattr(organisation, "pk", organisation)
        existing = set(
            self.filter(organisation_id=organisation_id)
            .exclude(code="")
            .values_list("code", flat=True)
        )
        # Stored names are English; the label shown is translated from the code.
        with translation.override("en"):
            missing = [
                Topic(organisation_id=organisation_id, code=code, name=str(label), position=i)
                for i, (code, label) in enumerate(DefaultTopic.choices)
                if code not in existing
            ]
        if missing:
            self.bulk_create(missing, ignore_conflicts=True)
        return self.filter(organisation_id=organisation_id)


class Topic(models.Model):
    """What a piece of advice was about, per organisation; retired rather than deleted."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="advice_topics"
    )
    # Set for the default topics, so they show in the reader's language.
    code = models.CharField(_("code"), max_length=30, choices=DefaultTopic.choices, blank=True)
    name = models.CharField(_("name"), max_length=100, validators=[reject_cpr_numbers])
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    retired = models.BooleanField(_("retired"), default=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="advice_topic_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=~Q(code=""),
                name="advice_topic_code_unique",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return str(DefaultTopic(self.code).label) if self.code else self.name


class Channel(models.TextChoices):
    DROP_IN = "drop_in", _("Conversation at the drop-in centre")
    COUNSELLING = "counselling", _("Open counselling hours")
    PHONE = "phone", _("Phone")
    ACCOMPANIED = "accompanied", _("Accompanied to a meeting")
    HOME_VISIT = "home_visit", _("Home visit")


class HelperRole(models.TextChoices):
    STAFF = "staff", _("Staff")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OUTREACH_CASEWORKER = "outreach_caseworker", _("Outreach caseworker")
    ADDICTION_CONSULTANT = "addiction_consultant", _("Addiction consultant")
    SUPPORT_CONTACT = "support_contact", _("Support-contact person")
    VOLUNTEER = "volunteer", _("Volunteer")


class Duration(models.TextChoices):
    UNDER_15 = "under_15", _("< 15 min")
    FROM_15_TO_30 = "15_30", _("15–30 min")  # noqa: RUF001
    FROM_30_TO_60 = "30_60", _("30–60 min")  # noqa: RUF001
    OVER_60 = "over_60", _("> 60 min")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    FORM_OR_LETTER = "form_or_letter", _("Helped with a form or letter")
    REFERRED = "referred", _("Referred elsewhere")
    FOLLOW_UP = "follow_up", _("Follow-up agreed")


class ContactQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(centre__in=Centre.objects.for_user(user))

    def in_period(self, start, end):
        """Contacts from `start` to `end`, both days included."""
        return self.filter(date__gte=start, date__lte=end)


class Contact(models.Model):
    """One advice contact: a tally mark with its kind, never a record of a person."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="advice_contacts", verbose_name=_("centre")
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=[plausible])
    topics = models.ManyToManyField(
        Topic, through="ContactTopic", related_name="contacts", verbose_name=_("topics")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    helper_role = models.CharField(_("who helped"), max_length=30, choices=HelperRole.choices)
    duration = models.CharField(_("duration"), max_length=10, choices=Duration.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    new_to_service = models.BooleanField(_("new to the service"), default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        triggers = CONTACT_TRIGGERS
        verbose_name = _("advice contact")
        verbose_name_plural = _("advice contacts")
        indexes = [models.Index(fields=["centre", "date"], name="advice_contact_centre_date")]
        constraints = [
            *plausible_dates("date"),
            models.CheckConstraint(
                condition=Q(channel__in=choice_values(Channel)), name="advice_contact_channel"
            ),
            models.CheckConstraint(
                condition=Q(helper_role__in=choice_values(HelperRole)),
                name="advice_contact_helper_role",
            ),
            models.CheckConstraint(
                condition=Q(duration__in=choice_values(Duration)), name="advice_contact_duration"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=choice_values(Outcome)), name="advice_contact_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.centre} {self.date}"


class ContactTopic(models.Model):
    """A topic of a contact; PROTECT keeps a used topic from being deleted."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_topics")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="contact_topics")

    class Meta:
        triggers = CONTACT_TOPIC_TRIGGERS
        constraints = [
            models.UniqueConstraint(fields=["contact", "topic"], name="advice_contact_topic_once")
        ]

    def __str__(self):
        return f"{self.contact_id}: {self.topic_id}"


# --- Outreach hours ---------------------------------------------------------------------


class OutreachRole(models.TextChoices):
    JOB_CENTRE = "job_centre", _("Job-centre caseworker")
    SOCIAL_SERVICES = "social_services", _("Social-services caseworker")
    BENEFITS = "benefits", _("Benefits office")
    ADDICTION = "addiction", _("Addiction consultant")
    SUPPORT_CONTACT = "support_contact", _("Support-contact person")


@dataclass(frozen=True)
class Session:
    """One concrete sitting of outreach hours: who is at which centre, when; `closed`
    says why it cannot take place (the centre's closure or a public holiday)."""

    hours: "OutreachHours"
    date: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    closed: str = ""

    @property
    def centre(self):
        return self.hours.centre


class OutreachHoursQuerySet(ValidityQuerySet):
    def for_user(self, user):
        return self.filter(centre__in=Centre.objects.for_user(user))

    def for_centre(self, centre):
        return self.filter(centre=centre)

    def of_worker(self, user):
        """The hours that are `user`'s own, at the centres the user works at."""
        return self.for_user(user).filter(worker=user)

    def follow_account_name(self, user):
        """Copy the name of `user`'s account to their hours where it changed."""
        name = worker_name(user)
        return self.filter(worker=user).exclude(display_name=name).update(display_name=name)

    def current_and_coming(self, today):
        """Hours that have not ended before `today`."""
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))

    def between(self, start, end, closed=None):
        """Return the concrete sessions from `start` to `end` (dates, both included),
        minus absences, in time order: a list of `Session`, those on a day their centre
        is closed marked with the reason.

        `closed` ({centre pk: {date: reason}}, centres.openings.closed_days) may be given
        by a caller that has it. For the centres' week plan, the activities calendar and
        the outreach list: three queries (two with `closed`), whatever the number of weeks.
        """
        hours_list = list(self.valid_between(start, end).select_related("centre"))
        # The absences as rows in one query: a prefetch filters a queryset for each hours.
        absent = {}
        if hours_list:
            for hours_id, *days in OutreachAbsence.objects.filter(
                hours__in=hours_list, start_date__lte=end, end_date__gte=start
            ).values_list("hours_id", "start_date", "end_date"):
                absent.setdefault(hours_id, []).append(days)
        if closed is None and hours_list:
            centres = {hours.centre_id: hours.centre for hours in hours_list}
            closed = closed_days(centres.values(), start, end)
        tz = timezone.get_current_timezone()
        sessions = []
        for hours in hours_list:
            closed_here = closed.get(hours.centre_id, {})
            day = max(start, hours.valid_from)
            last = min(end, hours.valid_until) if hours.valid_until else end
            # Step to the first matching weekday, then a week at a time.
            day += datetime.timedelta(days=(hours.weekday - day.weekday()) % 7)
            absences = absent.get(hours.pk, ())
            while day <= last:
                if not any(first <= day <= until for first, until in absences):
                    sessions.append(
                        Session(
                            hours=hours,
                            date=day,
                            start=datetime.datetime.combine(day, hours.start_time, tz),
                            end=datetime.datetime.combine(day, hours.end_time, tz),
                            closed=str(closed_here.get(day, "")),
                        )
                    )
                day += datetime.timedelta(days=7)
        sessions.sort(key=lambda s: (s.start, s.end, s.hours.display_name))
        return sessions


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def worker_name(user):
    """How users know an outreach worker with an account: the first name."""
    return user.first_name.strip() or user.get_username()


class OutreachHours(ValidityPeriod, models.Model):
    """Fixed weekly hours a municipal outreach worker holds at a centre.

    The hours belong to the worker's account where they have one (they then see them and
    register their own absences); a worker without one is a name typed in. The display
    name is stored either way, copied from the account on every save and when the
    account's name changes (advice.apps), so every page, the kept calendar and the week
    plans read one field, and hours whose account is deleted keep their name.
    """

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="outreach_hours", verbose_name=_("centre")
    )
    role = models.CharField(_("role"), max_length=20, choices=OutreachRole.choices)
    service = models.CharField(
        _("service"),
        max_length=100,
        validators=[reject_cpr_numbers],
        help_text=_("For example Jobcenter Faxe or Misbrugscentret."),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_hours",
        verbose_name=_("worker's account"),
        help_text=_(
            "If the worker has an account: they then see these hours and register their "
            "own absences, and the name comes from the account."
        ),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        blank=True,
        validators=[reject_cpr_numbers],
        help_text=_(
            "How users know the worker, e.g. a first name. Only for a worker without an account."
        ),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(
        _("valid from"), default=timezone.localdate, validators=[plausible]
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[plausible])

    objects = OutreachHoursQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start_time", "display_name"]
        verbose_name = _("outreach hours")
        verbose_name_plural = _("outreach hours")
        constraints = [
            *plausible_dates("valid_from", "valid_until"),
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")),
                name="advice_outreach_hours_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="advice_outreach_hours_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="advice_outreach_hours_weekday"
            ),
            models.CheckConstraint(
                condition=Q(role__in=choice_values(OutreachRole)),
                name="advice_outreach_hours_role",
            ),
            models.CheckConstraint(
                condition=Q(worker__isnull=False) | ~Q(display_name=""),
                name="advice_outreach_hours_worker_or_name",
                violation_error_message=_(
                    "Choose the worker's account or type the name users know the worker by."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()}), {self.centre}"

    def save(self, *args, **kwargs):
        if self.worker_id is not None:
            self.display_name = worker_name(self.worker)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "display_name"}
        super().save(*args, **kwargs)

    @property
    def schedule_label(self):
        """The weekday, times and centre, e.g. "Tirsdag 09.00-12.00, Værestedet 76F"."""
        return (
            f"{str(self.get_weekday_display()).capitalize()} "
            f"{self.start_time:%H.%M}–{self.end_time:%H.%M}, {self.centre}"  # noqa: RUF001
        )

    def clean(self):
        """The worker's account must be an outreach worker's at this centre; without an
        account, a name is needed."""
        super().clean()
        if self.worker_id is None:
            if not self.display_name.strip():
                raise ValidationError(
                    {
                        "display_name": _(
                            "Choose the worker's account or type the name users know the worker by."
                        )
                    }
                )
            return
        if self.centre_id is None:
            return
        worker = self.worker
        if worker.role != Role.OUTREACH or worker.organisation_id != self.centre.organisation_id:
            raise ValidationError({"worker": _("Choose an outreach worker of your organisation.")})
        if not worker.centres.filter(pk=self.centre_id).exists():
            raise ValidationError(
                {
                    "worker": _(
                        "%(name)s does not work at %(centre)s. Choose a centre of theirs, or "
                        "add the centre to their account first."
                    )
                    % {"name": worker_name(worker), "centre": self.centre.name}
                }
            )


class AbsenceReason(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    ILLNESS = "illness", _("Illness")
    COURSE = "course", _("Course or meeting elsewhere")
    OTHER = "other", _("Other")


class OutreachAbsence(models.Model):
    """Days on which outreach hours do not take place (holiday, illness …)."""

    hours = models.ForeignKey(
        OutreachHours, on_delete=models.CASCADE, related_name="absences", verbose_name=_("hours")
    )
    start_date = models.DateField(_("first day"), validators=[plausible])
    end_date = models.DateField(_("last day"), validators=[plausible])
    reason = models.CharField(_("reason"), max_length=20, choices=AbsenceReason.choices)

    history = HistoricalRecords()

    # Overlapping absences of the same hours are refused by an exclusion constraint
    # (migration 0001: a gist index over int8range(hours_id) and the daterange, as
    # django.contrib.postgres, needed for ExclusionConstraint here, is not installed).
    class Meta:
        ordering = ["start_date"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            *plausible_dates("start_date", "end_date"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="advice_absence_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=choice_values(AbsenceReason)), name="advice_absence_reason"
            ),
        ]

    def __str__(self):
        return f"{self.hours}: {self.start_date} to {self.end_date}"


# --- Meeting outcomes -------------------------------------------------------------------


class MeetingService(models.TextChoices):
    JOB_CENTRE = "job_centre", _("Job centre")
    SOCIAL_SERVICES = "social_services", _("Social services")
    BENEFITS = "benefits", _("Benefits office")
    ADDICTION = "addiction", _("Addiction treatment")
    OTHER = "other", _("Other")


class MeetingResult(models.TextChoices):
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingTallyQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(centre__in=Centre.objects.for_user(user))

    def in_period(self, start, end):
        """Months touching the period from `start` to `end`."""
        return self.filter(month__gte=start.replace(day=1), month__lte=end)


class MeetingTally(models.Model):
    """Meetings booked at a centre, counted per centre, service and month: no person."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="meeting_tallies", verbose_name=_("centre")
    )
    service = models.CharField(_("service"), max_length=20, choices=MeetingService.choices)
    month = models.DateField(_("month"))
    held = models.PositiveIntegerField(_("held"), default=0)
    no_show = models.PositiveIntegerField(_("no-show"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)

    objects = MeetingTallyQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "centre", "service"]
        verbose_name = _("meeting tally")
        verbose_name_plural = _("meeting tallies")
        constraints = [
            *plausible_dates("month"),
            models.UniqueConstraint(
                fields=["centre", "service", "month"], name="advice_meeting_tally_once"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="advice_meeting_tally_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(service__in=choice_values(MeetingService)),
                name="advice_meeting_tally_service",
            ),
        ]

    def __str__(self):
        return f"{self.centre} {self.get_service_display()} {self.month:%Y-%m}"
