import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice.models import (
    AbsenceReason,
    Channel,
    Duration,
    HelperRole,
    MeetingResult,
    MeetingService,
    Outcome,
    OutreachAbsence,
    OutreachHours,
    Topic,
    worker_name,
)
from centres import validity
from centres.forms_base import Form, ModelForm
from centres.models import Role
from centres.openings import closed_days
from centres.plausible import PlausibleDateField

# How far back a contact may be recorded: staff sometimes record from memory, not a year on.
RECORD_DAYS_BACK = 31


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ContactForm(Form):
    """One advice contact, laid out so the common case is a topic tap and Save."""

    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the centre."),
            "invalid_choice": _("Choose one of your centres."),
        },
    )
    date = PlausibleDateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )
    topics = TopicChoiceField(
        label=_("What was it about?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one topic."),
            "invalid_choice": _("Choose topics from the list."),
            "invalid_pk_value": _("Choose topics from the list."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Where or how"),
        choices=Channel.choices,
        initial=Channel.DROP_IN,
        widget=forms.RadioSelect,
    )
    helper_role = forms.ChoiceField(
        label=_("Who helped"), choices=HelperRole.choices, widget=forms.RadioSelect
    )
    duration = forms.ChoiceField(
        label=_("Duration"),
        choices=Duration.choices,
        initial=Duration.UNDER_15,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        initial=Outcome.ANSWERED,
        widget=forms.RadioSelect,
    )
    new_to_service = forms.BooleanField(label=_("New to the service"), required=False)

    def __init__(self, *args, centres, topics, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["topics"].queryset = topics
        self.fields["helper_role"].initial = (
            HelperRole.OUTREACH_CASEWORKER
            if getattr(user, "role", None) == Role.OUTREACH
            else HelperRole.STAFF
        )
        for name in ("channel", "helper_role", "duration", "outcome"):
            self.fields[name].error_messages["required"] = _("Choose one.")
            self.fields[name].error_messages["invalid_choice"] = _("Choose one of the options.")
        # Radio buttons and checkboxes drawn as large toggle buttons.
        for name in ("centre", "topics", "channel", "helper_role", "duration", "outcome"):
            self.fields[name].widget.attrs.update({"class": "btn-check", "autocomplete": "off"})
        self.fields["date"].widget.attrs.update({"class": "form-control"})

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < today - datetime.timedelta(days=RECORD_DAYS_BACK):
            raise forms.ValidationError(
                _("Contacts can be recorded up to %(days)s days back."),
                params={"days": RECORD_DAYS_BACK},
            )
        return day


class TopicForm(ModelForm):
    class Meta:
        model = Topic
        fields = ["name"]
        labels = {"name": _("New topic")}

    def __init__(self, *args, organisation, **kwargs):
        """`organisation` is the organisation's id."""
        super().__init__(*args, **kwargs)
        self.instance.organisation_id = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Topic.objects.filter(organisation_id=self.instance.organisation_id)
        if (
            any(t.label.casefold() == name.casefold() for t in taken)
            or taken.filter(name__iexact=name).exists()
        ):
            raise forms.ValidationError(_("There is already a topic with this name."))
        return name


class OutreachHoursForm(validity.RuleForm, ModelForm):
    class Meta:
        model = OutreachHours
        fields = [
            "centre",
            "worker",
            "display_name",
            "role",
            "service",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
        }
        help_texts = {
            "valid_from": _(
                "For a change: the first day it applies. Earlier days keep the hours they had."
            )
        }

    def __init__(self, *args, centres, workers=None, **kwargs):
        """`workers`: the accounts that may be chosen (by default the active outreach
        workers of the centres' organisations)."""
        super().__init__(*args, **kwargs)
        if workers is None:
            workers = get_user_model().objects.filter(
                organisation__in=centres.values("organisation"),
                role=Role.OUTREACH,
                is_active=True,
            )
        self.fields["centre"].queryset = centres
        self.fields["centre"].empty_label = None
        if self.instance.worker_id:  # still shown if the account has since been closed
            workers = workers | workers.model.objects.filter(pk=self.instance.worker_id)
        worker = self.fields["worker"]
        worker.queryset = workers.order_by("first_name", "username")
        worker.empty_label = _("No account: type the name below")
        worker.label_from_instance = _worker_label
        worker.error_messages["invalid_choice"] = _("Choose one of the outreach workers.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("worker"):
            # The account names the worker; a name typed as well is not kept.
            cleaned["display_name"] = worker_name(cleaned["worker"])
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The hours must end after they start."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The last day cannot be before the first."))
        self.clean_rule(cleaned)
        return cleaned


def _worker_label(user):
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class OutreachAbsenceForm(validity.CorrectionFields, ModelForm):
    class Meta:
        model = OutreachAbsence
        fields = ["start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, hours, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.hours = hours
        self.fields["reason"].initial = AbsenceReason.HOLIDAY

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            if end < start:
                self.add_error("end_date", _("The last day cannot be before the first."))
            elif self.instance.hours.absences.filter(
                start_date__lte=end, end_date__gte=start
            ).exists():
                raise forms.ValidationError(
                    _("These hours already have an absence on some of those days.")
                )
        reason = self.correction_clean(cleaned)
        if start and not self.errors:
            try:
                validity.plan_new(
                    first_day=start, correction=bool(reason), message=validity.PAST_RECORD
                )
            except validity.ChangeRefused as refusal:
                self.add_error("start_date", refusal)
        return cleaned

    def save(self, commit=True):
        validity.with_reason(self.instance, self.reason)
        return super().save(commit=commit)


class MeetingForm(Form):
    """One meeting booked at a centre and how it went: counted, never named."""

    centre = forms.ModelChoiceField(label=_("Centre"), queryset=None, empty_label=None)
    service = forms.ChoiceField(label=_("Service"), choices=MeetingService.choices)
    date = PlausibleDateField(label=_("Date of the meeting"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("How did it go?"), choices=MeetingResult.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["date"].initial = timezone.localdate

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        """A meeting on a day the centre was closed (a closure or public holiday) did not
        take place there: it is neither held nor a no-show."""
        cleaned = super().clean()
        centre, day = cleaned.get("centre"), cleaned.get("date")
        if centre and day and cleaned.get("result") in (MeetingResult.HELD, MeetingResult.NO_SHOW):
            reason = closed_days([centre], day, day)[centre.pk].get(day)
            if reason is not None:
                self.add_error(
                    "result",
                    _(
                        "%(centre)s was closed that day (%(reason)s): a meeting there was "
                        "neither held nor missed. Count it as cancelled, or choose the day "
                        "it took place."
                    )
                    % {"centre": centre.name, "reason": reason},
                )
        return cleaned


def default_period(today=None):
    """The last twelve months up to today: from the first of the month a year back."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    year, month = (first.year - 1, first.month + 1) if first.month < 12 else (first.year, 1)
    return datetime.date(year, month, 1), today


class FiguresForm(Form):
    """Period, centre and helper role for the staff's and leader's figures."""

    start = PlausibleDateField(label=_("From"), widget=DateInput(), required=False)
    end = PlausibleDateField(label=_("To"), widget=DateInput(), required=False)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=None, required=False, empty_label=_("All my centres")
    )
    helper_role = forms.ChoiceField(
        label=_("Who helped"),
        choices=[("", _("Everyone")), *HelperRole.choices],
        required=False,
    )

    MAX_DAYS = 366 * 5

    def clean_defaults(self):
        start, end = default_period()
        return {"start": start, "end": end}

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["start"].initial, self.fields["end"].initial = default_period()

    def clean(self):
        cleaned = super().clean()
        default_start, default_end = default_period()
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if end < start:
            self.add_error("end", _("The last day cannot be before the first."))
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("end", _("Choose a period of at most five years."))
        elif start.year < 2000 or end.year > 2100:
            self.add_error("start", _("Enter a valid date."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


class PublicFiguresForm(Form):
    """Whole calendar years only: figures of overlapping periods could be subtracted."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def clean_defaults(self):
        self.cleaned_data = {}
        return self.clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - 6, -1)]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        year = cleaned.get("year") or today.year
        # Up to the last whole month, so figures do not change from day to day.
        last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
        cleaned["start"] = datetime.date(year, 1, 1)
        cleaned["end"] = min(datetime.date(year, 12, 31), last_month_end)
        return cleaned


# How long one absence an outreach worker registers may be: a year's leave, not a typo.
OWN_ABSENCE_MAX_DAYS = 366


class OwnAbsenceForm(Form):
    """An outreach worker's absence from their own hours: all of them or one. From today
    on only: earlier days are part of the record, which the centre's staff correct."""

    hours = forms.ModelChoiceField(
        label=_("Which hours?"),
        queryset=None,
        required=False,
        empty_label=_("All my hours"),
        blank=True,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of your hours.")},
    )
    start_date = PlausibleDateField(
        label=_("First day"),
        widget=DateInput(),
        error_messages={"required": _("Enter the first day."), "invalid": _("Enter a valid date.")},
    )
    end_date = PlausibleDateField(
        label=_("Last day"),
        widget=DateInput(),
        error_messages={"required": _("Enter the last day."), "invalid": _("Enter a valid date.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=AbsenceReason.choices,
        initial=AbsenceReason.ILLNESS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose one of the reasons."),
        },
    )

    def __init__(self, *args, hours, **kwargs):
        """`hours`: the worker's own current and coming hours."""
        super().__init__(*args, **kwargs)
        self.fields["hours"].queryset = hours
        self.fields["hours"].label_from_instance = lambda hours: hours.schedule_label
        today = timezone.localdate()
        self.fields["start_date"].initial = self.fields["end_date"].initial = today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if not (start and end) or self.errors:
            return cleaned
        if start < timezone.localdate():
            self.add_error(
                "start_date",
                _(
                    "An absence you register begins today or later. For earlier days, ask "
                    "the staff at the centre: they are part of the record."
                ),
            )
        elif end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        elif (end - start).days >= OWN_ABSENCE_MAX_DAYS:
            self.add_error("end_date", _("Register at most a year at a time."))
        else:
            self._clean_hours(cleaned, start, end)
        return cleaned

    def _clean_hours(self, cleaned, start, end):
        """Set `hours_list`: the chosen hours (all the worker's that fall in the period,
        or the one chosen), none of which may already have an absence then."""
        chosen = self.fields["hours"].queryset.valid_between(start, end)
        if cleaned.get("hours"):
            chosen = chosen.filter(pk=cleaned["hours"].pk)
        days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
        chosen = [
            hours
            for hours in chosen
            if any(d.weekday() == hours.weekday and hours.is_valid_on(d) for d in days)
        ]
        if not chosen:
            raise forms.ValidationError(_("Your hours do not fall in those days."), code="no_hours")
        taken = OutreachAbsence.objects.filter(
            hours__in=chosen, start_date__lte=end, end_date__gte=start
        ).select_related("hours__centre")
        if taken:
            raise forms.ValidationError(
                _(
                    "You are already registered as absent on some of those days: %(hours)s. "
                    "Choose other days, or one of your hours."
                ),
                params={"hours": "; ".join(sorted({a.hours.schedule_label for a in taken}))},
                code="overlap",
            )
        cleaned["hours_list"] = chosen
