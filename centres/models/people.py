"""The people who sign in (User), how they are invited, and the record of changes to
their accounts. Visitors of the centres never have an account."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models.organisations import Centre, Organisation, Qualification, Role
from centres.models.summaries import recounts_opening_months_on_update


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
