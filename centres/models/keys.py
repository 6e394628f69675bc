"""Key holders, the key fobs that open centres and the loans of fobs to key holders.
Reads of key holders are logged (LoggedQuerySet)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centres.models.infrastructure import LoggedQuerySet, normalise_alias
from centres.models.organisations import Centre, Organisation
from centres.phones import PhoneField, phone_constraint
from centres.plausible import plausible, plausible_dates
from centres.validators import reject_cpr_numbers


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
