import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from centres import validity
from centres.fields import WallClockDateTimeField
from centres.forms_base import Form, ModelForm, SafeFormMixin
from centres.mail import send_password_reset_later
from centres.models import (
    CENTRE_BOUND_ROLES,
    AbsenceReason,
    Census,
    Centre,
    Closure,
    DayEntry,
    KeyFob,
    KeyHolder,
    KioskDevice,
    OpenDay,
    OpeningHours,
    OpeningKind,
    Qualification,
    Role,
    RotaShift,
    Shift,
    StaffAbsence,
    TargetGroup,
    User,
    UserRunOpening,
    VisitKind,
)
from centres.plausible import PlausibleDateField, plausible
from centres.validators import looks_like_cpr, reject_cpr_numbers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Counts typed by staff: a day at a drop-in centre never sees more than this.
MAX_DAY_COUNT = 1000


class CentreProfileForm(ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Centre
        fields = [
            "address",
            "phone",
            "legal_basis",
            "target_groups",
            "age_from",
            "age_to",
            "places",
            "methods",
            "safety_instructions",
            "safety_phone_numbers",
            "tilbudsportalen_checked",
        ]
        widgets = {
            "tilbudsportalen_checked": DATE,
            "methods": forms.Textarea(attrs={"rows": 3}),
            "safety_instructions": forms.Textarea(attrs={"rows": 4}),
            "safety_phone_numbers": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        age_from, age_to = cleaned.get("age_from"), cleaned.get("age_to")
        if age_from is not None and age_to is not None and age_from > age_to:
            self.add_error("age_to", _("The upper age must not be below the lower age."))
        checked = cleaned.get("tilbudsportalen_checked")
        if checked and checked > timezone.localdate():
            self.add_error("tilbudsportalen_checked", _("The date cannot be in the future."))
        return cleaned


class OpeningHoursForm(validity.RuleForm, ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "starts", "ends", "kind", "valid_from", "valid_until", "label"]
        widgets = {"starts": TIME, "ends": TIME, "valid_from": DATE, "valid_until": DATE}
        help_texts = {
            "valid_from": _(
                "For a change: the first day it applies. Earlier days keep the hours they had."
            )
        }

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        if not self.instance.pk:
            self.initial.setdefault("valid_from", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The closing time must be after the opening time."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The end of validity must not be before its start."))
        self.clean_rule(cleaned)
        if self.errors:
            return cleaned
        overlapping = (
            OpeningHours.objects.filter(centre=self.centre, weekday=cleaned["weekday"])
            .exclude(pk=self.instance.pk)
            .valid_between(valid_from, valid_until or datetime.date.max)
            .filter(starts__lt=ends, ends__gt=starts)
        )
        clash = overlapping.first()
        if clash:
            raise forms.ValidationError(
                _(
                    "These hours overlap %(hours)s, valid from %(from)s. End those hours "
                    "first (set “valid until”), or choose other times."
                )
                % {
                    "hours": clash,
                    "from": formats.date_format(clash.valid_from, "SHORT_DATE_FORMAT"),
                }
            )
        return cleaned


class ClosureForm(validity.CorrectionFields, ModelForm):
    class Meta:
        model = Closure
        fields = ["starts", "ends", "reason"]
        widgets = {"starts": DATE, "ends": DATE}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The last day must not be before the first day."))
        reason = self.correction_clean(cleaned)
        if starts and not self.errors:
            try:
                validity.plan_new(
                    first_day=starts, correction=bool(reason), message=validity.PAST_RECORD
                )
            except validity.ChangeRefused as refusal:
                self.add_error("starts", refusal)
        return cleaned

    def save(self, commit=True):
        validity.with_reason(self.instance, self.reason)
        return super().save(commit=commit)


class OpenDayForm(ModelForm):
    class Meta:
        model = OpenDay
        fields = ["date", "reason"]
        widgets = {"date": DATE}

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre

    def clean_date(self):
        date = self.cleaned_data["date"]
        if OpenDay.objects.filter(centre=self.centre, date=date).exists():
            raise forms.ValidationError(_("This day is already opened."))
        return date


class DayFiguresForm(Form):
    date = PlausibleDateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    entry = forms.ChoiceField(
        label=_("What should the figures do?"),
        choices=DayEntry.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Add: the figures are added to what is already counted for the day. Replace: "
            "the day gets exactly these figures; what was tapped on the counter stays in "
            "its hour, and the rest is entered for the day as a whole."
        ),
        error_messages={"required": _("Choose whether to add to or replace the day's figures.")},
    )
    visits = forms.IntegerField(
        label=_("Visitors"), min_value=0, validators=[MaxValueValidator(MAX_DAY_COUNT)]
    )
    new_visits = forms.IntegerField(
        label=_("Of whom new"),
        min_value=0,
        initial=0,
        validators=[MaxValueValidator(MAX_DAY_COUNT)],
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if date > today:
            raise forms.ValidationError(_("You cannot enter figures for a day in the future."))
        if date < today - datetime.timedelta(days=366):
            raise forms.ValidationError(_("The date is more than a year ago."))
        return date

    def clean(self):
        cleaned = super().clean()
        visits, new = cleaned.get("visits"), cleaned.get("new_visits")
        if visits is not None and new is not None and new > visits:
            self.add_error("new_visits", _("New visitors cannot be more than all visitors."))
        return cleaned


class CensusForm(ModelForm):
    class Meta:
        model = Census
        fields = ["date", "weekly", "monthly", "occasional"]
        widgets = {"date": DATE}

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if Census.objects.filter(centre=self.centre, date=date).exists():
            raise forms.ValidationError(_("A census for this date is already recorded."))
        return date


class KeyHolderForm(ModelForm):
    class Meta:
        model = KeyHolder
        fields = ["alias", "phone", "agreement_signed", "safety_briefing", "active"]
        widgets = {"agreement_signed": DATE, "safety_briefing": DATE}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_alias(self):
        alias = self.cleaned_data["alias"].strip()
        taken = KeyHolder.objects.filter(organisation=self.organisation, alias__iexact=alias)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A key holder with this alias exists. Add an initial to tell them apart.")
            )
        return alias

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in ("agreement_signed", "safety_briefing"):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, _("The date cannot be in the future."))
        return cleaned


class KeyFobForm(ModelForm):
    class Meta:
        model = KeyFob
        fields = ["number", "centres"]
        widgets = {"centres": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["centres"].queryset = centres

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if KeyFob.objects.filter(organisation=self.organisation, number__iexact=number).exists():
            raise forms.ValidationError(_("A key fob with this number exists."))
        return number


class LendFobForm(Form):
    fob = forms.ModelChoiceField(label=_("Key fob"), queryset=KeyFob.objects.none())
    holder = forms.ModelChoiceField(label=_("Key holder"), queryset=KeyHolder.objects.none())
    issued = PlausibleDateField(label=_("Issued"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, fobs, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fob"].queryset = fobs
        self.fields["holder"].queryset = holders

    def clean_issued(self):
        issued = self.cleaned_data["issued"]
        if issued > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return issued


class DateForm(Form):
    date = PlausibleDateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


OUTSIDE_OPENINGS = _(
    "The shift lies outside the centre's opening hours. Choose times during an opening."
)


def staff_of(organisation_id):
    """The people who may be put on a shift: active staff and leaders of the organisation."""
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=["staff", "leader"]
    ).order_by("first_name", "username")


def rota_shift_during(worker, starts, ends):
    """The rota shift of `worker` valid on the local day of `starts` that overlaps
    [starts, ends), or None."""
    from centres.openings import local_datetime

    day = timezone.localdate(starts)
    for row in RotaShift.objects.filter(worker=worker, weekday=day.weekday()).valid_on(day):
        if local_datetime(day, row.starts) < ends and local_datetime(day, row.ends) > starts:
            return row
    return None


class ShiftForm(validity.CorrectionFields, ModelForm):
    class Meta:
        model = Shift
        fields = ["worker", "starts", "ends"]
        widgets = {"starts": DATETIME, "ends": DATETIME}
        field_classes = {"starts": WallClockDateTimeField, "ends": WallClockDateTimeField}

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["worker"].queryset = staff_of(centre.organisation_id)

    def clean(self):
        cleaned = super().clean()
        starts, ends, worker = cleaned.get("starts"), cleaned.get("ends"), cleaned.get("worker")
        if not (starts and ends):
            return cleaned
        if ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
        elif ends - starts > datetime.timedelta(hours=16):
            self.add_error("ends", _("A shift cannot be longer than 16 hours."))
        elif worker and Shift.objects.filter(worker=worker).overlapping(starts, ends).exists():
            self.add_error("worker", _("This person already has a shift at that time."))
        elif worker and rota_shift_during(worker, starts, ends):
            self.add_error("worker", _("This person already has a rota shift at that time."))
        elif not self.centre.openings_between(starts, ends):
            self.add_error("starts", self.no_opening_message(starts))
        reason = self.correction_clean(cleaned)
        if not self.errors:
            try:
                validity.plan_new(
                    first_day=timezone.localdate(starts),
                    correction=bool(reason),
                    message=validity.PAST_RECORD,
                )
            except validity.ChangeRefused as refusal:
                self.add_error("starts", refusal)
        return cleaned

    def no_opening_message(self, starts):
        """Why no opening takes the shift: the centre is closed that day (a public
        holiday or a closure), or the times lie outside its hours."""
        from centres.openings import closed_days

        day = timezone.localdate(starts)
        reason = closed_days([self.centre], day, day)[self.centre.pk].get(day)
        if reason is None:
            return OUTSIDE_OPENINGS
        return _(
            "The centre is closed on %(date)s (%(reason)s). Choose a day it is open, or "
            "open that day under opening hours and closures."
        ) % {"date": formats.date_format(day, "SHORT_DATE_FORMAT"), "reason": reason}

    def save(self, commit=True):
        validity.with_reason(self.instance, self.reason)
        return super().save(commit=commit)


class RotaShiftForm(validity.RuleForm, ModelForm):
    """A repeating weekly shift, changed from a date like opening hours."""

    class Meta:
        model = RotaShift
        fields = ["worker", "weekday", "starts", "ends", "valid_from", "valid_until"]
        widgets = {"starts": TIME, "ends": TIME, "valid_from": DATE, "valid_until": DATE}
        help_texts = {
            "valid_from": _(
                "For a change: the first day it applies. Earlier days keep the rota they had."
            )
        }

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["worker"].queryset = staff_of(centre.organisation_id)
        if not self.instance.pk:
            self.initial.setdefault("valid_from", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The end of validity must not be before its start."))
        self.clean_rule(cleaned)
        if self.errors:
            return cleaned
        last = valid_until or datetime.date.max
        weekday, worker = cleaned["weekday"], cleaned["worker"]
        clash = (
            RotaShift.objects.filter(worker=worker, weekday=weekday)
            .exclude(pk=self.instance.pk)
            .valid_between(valid_from, last)
            .filter(starts__lt=ends, ends__gt=starts)
            .select_related("centre")
            .first()
        )
        if clash:
            self.add_error(
                "worker",
                _(
                    "This person already has a rota shift %(shift)s at %(centre)s in that "
                    "period. End that shift first, or choose other times."
                )
                % {"shift": clash, "centre": clash.centre},
            )
            return cleaned
        opens = (
            OpeningHours.objects.filter(centre=self.centre, weekday=weekday)
            .valid_between(valid_from, last)
            .filter(starts__lt=ends, ends__gt=starts)
        )
        if not opens.exists():
            self.add_error("starts", OUTSIDE_OPENINGS)
        return cleaned


class StaffAbsenceForm(ModelForm):
    class Meta:
        model = StaffAbsence
        fields = ["worker", "first_day", "last_day", "reason"]
        widgets = {"first_day": DATE, "last_day": DATE}

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = staff_of(organisation_id)
        self.initial.setdefault("first_day", timezone.localdate())
        self.initial.setdefault("reason", AbsenceReason.SICK)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The absence cannot end before it starts."))
        elif first and last and (last - first).days > 366:
            self.add_error("last_day", _("An absence cannot be longer than a year."))
        return cleaned


class RiskAction(models.TextChoices):
    STAFF = "staff", _("Staff it")
    USER_RUN = "user_run", _("Make it user-run")
    MAYBE = "maybe", _("Make it “maybe open”")
    CLOSE = "close", _("Close that day")


class RiskActionForm(Form):
    """What the leader does about a staffed opening at risk: `start` names it."""

    start = forms.DateTimeField(widget=forms.HiddenInput, validators=[plausible])
    action = forms.ChoiceField(label=_("What to do"), choices=RiskAction.choices)
    worker = forms.ModelChoiceField(
        label=_("Who takes the shift"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only when you staff it."),
    )

    def __init__(self, *args, centre, staff=None, **kwargs):
        """`staff`: the people to choose from, already read (staff_of), so that a page of
        many of these forms reads them once; the choice is checked against staff_of."""
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.opening = None
        field = self.fields["worker"]
        field.queryset = staff_of(centre.organisation_id)
        if staff is not None:
            field.widget.choices = [("", field.empty_label)] + [
                (person.pk, field.label_from_instance(person)) for person in staff
            ]

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        if start is None:
            return cleaned
        found = self.centre.openings_between(start, start + datetime.timedelta(minutes=1))
        self.opening = next(
            (o for o in found if o.start == start and o.kind == OpeningKind.STAFFED), None
        )
        if self.opening is None or self.opening.end <= timezone.now():
            raise forms.ValidationError(
                _("This opening is no longer staffed or is over. Reload the list.")
            )
        if cleaned.get("action") == RiskAction.STAFF and not cleaned.get("worker"):
            self.add_error("worker", _("Choose who takes the shift."))
        return cleaned


class UserRunOpeningForm(ModelForm):
    class Meta:
        model = UserRunOpening
        fields = ["starts", "ends", "key_holder"]
        widgets = {"starts": DATETIME, "ends": DATETIME}
        field_classes = {"starts": WallClockDateTimeField, "ends": WallClockDateTimeField}

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_holder"].queryset = holders

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
        elif starts and ends and ends - starts > datetime.timedelta(hours=16):
            self.add_error("ends", _("An opening cannot be longer than 16 hours."))
        return cleaned


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect,
            **kwargs,
        )


class UserRunRecordForm(Form):
    took_place = YesNoField(label=_("Did the opening take place?"))
    visitors = forms.IntegerField(
        label=_("How many came?"),
        min_value=0,
        required=False,
        validators=[MaxValueValidator(MAX_DAY_COUNT)],
    )
    locked_properly = YesNoField(label=_("Was the centre closed and locked properly?"))
    unsafe_event = YesNoField(label=_("Did anything unsafe happen?"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("took_place") and cleaned.get("visitors") is None:
            self.add_error("visitors", _("Enter how many came (0 if nobody)."))
        return cleaned


# At most one password-reset mail per account in this time, whoever asks and from which
# app process: otherwise the form can flood someone's inbox.
PASSWORD_RESET_INTERVAL = datetime.timedelta(minutes=15)


class ThrottledPasswordResetForm(SafeFormMixin, PasswordResetForm):
    """Django's reset form, sending to an account at most once per interval. The answer
    stays the same either way, so it tells nobody whether a mail went out."""

    def get_users(self, email):
        now = timezone.now()
        for user in super().get_users(email):
            claimed = (
                type(user)
                .objects.filter(pk=user.pk)
                .filter(
                    Q(password_reset_sent_at__isnull=True)
                    | Q(password_reset_sent_at__lte=now - PASSWORD_RESET_INTERVAL)
                )
                .update(password_reset_sent_at=now)
            )
            if claimed:
                yield user

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        """Leave the mail to the worker (centres.mail), in the asker's language."""
        domain = domain_override or request.get_host()
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_later(
                user,
                domain=domain,
                protocol="https" if use_https else "http",
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )


def refuse_cpr_search(value):
    if looks_like_cpr(value):
        raise forms.ValidationError(
            _("Search by alias or first name, never by CPR number."), code="cpr_number"
        )


refuse_cpr_search.refuses_cpr_numbers = True


class AliasSearchForm(Form):
    """An alias to search by. Sent by POST, so it stays out of URLs; something shaped
    like a CPR number is refused before anything is searched or logged."""

    alias = forms.CharField(label=_("Alias"), max_length=60, validators=[refuse_cpr_search])


class AccountForm(Form):
    """A person's role, centres and qualification, as the leader sets them."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres"),
        queryset=Centre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Where a staff member or outreach worker works. Leaders and association "
            "members see every centre."
        ),
    )
    qualification = forms.ChoiceField(
        label=_("Qualification"),
        choices=Qualification.choices,
        initial=Qualification.TRAINED,
        help_text=_("Students, trainees and volunteers do not make the second person on shift."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = organisation.centres.order_by("name")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in CENTRE_BOUND_ROLES:
            if "centres" in cleaned and not cleaned["centres"]:
                self.add_error("centres", _("Staff and outreach workers need at least one centre."))
        elif role:
            cleaned["centres"] = []
        return cleaned


class InviteForm(AccountForm):
    """A new person of the leader's organisation, who is mailed a link to sign up."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[reject_cpr_numbers]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[reject_cpr_numbers]
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What the person signs in with: letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The invitation is sent here. The link works once, for seven days."),
    )
    field_order = ["first_name", "last_name", "username", "email"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.organisation = organisation

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            # User names are unique across organisations; which one holds it is not said.
            raise forms.ValidationError(_("That username is taken. Choose another."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(organisation=self.organisation, email__iexact=email).exists():
            raise forms.ValidationError(
                _("Someone in your organisation already has this e-mail address.")
            )
        return email


class FlaggedTapForm(Form):
    """The leader's decision on a tap that waits: count it in its hour, or discard it."""

    CONFIRM, DISCARD = "confirm", "discard"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CONFIRM, _("Count it")), (DISCARD, _("Discard it"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Why discard it?"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.DISCARD and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the tap is discarded."))
        return cleaned


class KioskDeviceForm(ModelForm):
    """Register a tablet at one of the leader's centres, or rename it."""

    class Meta:
        model = KioskDevice
        fields = ["centre", "name"]
        labels = {"name": _("Name of the tablet")}
        help_texts = {"name": _("Where it stands, e.g. “By the coffee machine”.")}
        error_messages = {
            "name": {"required": _("Give the tablet a name.")},
            "centre": {
                "required": _("Choose the centre."),
                "invalid_choice": _("Choose one of your centres."),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["centre"]  # a tablet stays at its centre
        else:
            self.fields["centre"].queryset = Centre.objects.for_user(user)
            self.fields["centre"].empty_label = None


class PairingForm(Form):
    """The code the leader was shown, typed on the tablet."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "kiosk-pair-input",
            }
        ),
    )

    def clean_code(self):
        paired = KioskDevice.pair(self.cleaned_data["code"])
        if paired is None:
            raise forms.ValidationError(
                _("The code is wrong, used or expired. Ask the leader for a new code.")
            )
        self.device, self.token = paired
        return self.cleaned_data["code"]
