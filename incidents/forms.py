import datetime

from django import forms
from django.db.models import Q
from django.db.models.utils import get_blank_choice_label
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.fields import WallClockDateTimeField
from centres.forms_base import Form, ModelForm
from centres.models import Centre, KeyHolder, Role, User
from centres.plausible import PlausibleDateField
from incidents.models import (
    DAY_SHEET_KINDS,
    AffectedRole,
    Ban,
    BanScope,
    FollowUpItem,
    ImmediateAction,
    Incident,
    Kind,
    PartOfDay,
    Procedure,
    ReviewDecision,
    RiskAssessment,
    WorkInjuryCase,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def now_for_input():
    return timezone.localtime().replace(second=0, microsecond=0)


class AliasListField(forms.CharField):
    """Aliases separated by commas; returns a list of trimmed aliases."""

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in value.split(",") if part.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        for alias in value:
            super().run_validators(alias)
            if len(alias) > 60:
                raise forms.ValidationError(
                    _("An alias can be at most 60 characters."), code="max_length"
                )


def centres_to_report_for(user):
    """Centres where the user may file reports: the ones they work at (all for a leader)."""
    return Centre.objects.for_user(user).filter(organisation_id=user.organisation_id)


class OccurredAtMixin:
    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("The episode cannot be in the future."))
        return occurred_at


class QuickIncidentForm(OccurredAtMixin, ModelForm):
    """A minor episode in a few taps: centre, when, kind, against whom, one line."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", get_blank_choice_label()), *Kind.choices]
    )

    class Meta:
        model = Incident
        fields = ["centre", "occurred_at", "kind", "affected_role", "summary", "context"]
        field_classes = {"occurred_at": WallClockDateTimeField}
        widgets = {
            "occurred_at": DateTimeInput(),
            "context": forms.HiddenInput,
        }

    def __init__(self, *args, user, centres=None, **kwargs):
        """`centres`: where the episode may be registered, if not the user's own (the
        tablet by the door registers at its centre only)."""
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = (
            centres if centres is not None else centres_to_report_for(user)
        )
        self.fields["centre"].empty_label = None
        self.fields["occurred_at"].initial = now_for_input
        self.fields["context"].required = False

    def save(self, commit=True):
        self.instance.kinds = [self.cleaned_data["kind"]]
        return super().save(commit)


class IncidentForm(OccurredAtMixin, ModelForm):
    """The full report; also used to upgrade a minor episode."""

    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    involved_aliases = AliasListField(
        label=_("People involved (aliases, separated by commas)"),
        required=False,
        help_text=_("Aliases or first names only, never full names."),
    )
    immediate_actions = forms.MultipleChoiceField(
        label=_("Immediate actions"),
        choices=ImmediateAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Incident
        fields = [
            "centre",
            "occurred_at",
            "context",
            "kinds",
            "severity",
            "affected_role",
            "affected_user",
            "involved_aliases",
            "summary",
            "what_happened",
            "preceded",
            "escalated",
            "calmed",
            "immediate_actions",
            "injury",
            "injury_description",
            "absence_first_day",
        ]
        field_classes = {"occurred_at": WallClockDateTimeField}
        widgets = {
            "occurred_at": DateTimeInput(),
            "absence_first_day": DateInput(),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "preceded": forms.Textarea(attrs={"rows": 3}),
            "escalated": forms.Textarea(attrs={"rows": 3}),
            "calmed": forms.Textarea(attrs={"rows": 3}),
            "injury_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, centres=None, **kwargs):
        """`centres`: where the episode may be registered, if not the user's own (the
        tablet by the door registers at its centre only)."""
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = (
            centres if centres is not None else centres_to_report_for(user)
        )
        self.fields["centre"].empty_label = None
        self.fields["occurred_at"].initial = now_for_input
        self.fields["context"].required = True
        self.fields["affected_user"].queryset = User.objects.in_organisation_of(user).filter(
            role__in=[Role.STAFF, Role.LEADER], is_active=True
        )
        self.fields["affected_user"].help_text = _("Only when a staff member was affected.")
        if self.instance.pk:
            self.initial["involved_aliases"] = ", ".join(self.instance.involved_aliases)

    def clean(self):
        data = super().clean()
        if data.get("affected_user") and data.get("affected_role") != AffectedRole.STAFF:
            self.add_error(
                "affected_user", _("Choose a staff member only when a staff member was affected.")
            )
        absence = data.get("absence_first_day")
        if absence:
            if not data.get("injury"):
                self.add_error(
                    "absence_first_day", _("Absence can only be recorded with an injury.")
                )
            occurred_at = data.get("occurred_at")
            if occurred_at and absence <= timezone.localdate(occurred_at):
                self.add_error(
                    "absence_first_day",
                    _("The first day of absence comes after the day of the episode."),
                )
        case = self.instance.work_injury_case
        if case and not data.get("injury"):
            self.add_error(
                "injury",
                _("The work-injury report says treatment costs or death: keep the injury."),
            )
        if absence and case == WorkInjuryCase.TREATMENT:
            self.add_error(
                "absence_first_day",
                _("The work-injury report says treatment costs without absence; change it first."),
            )
        if self.instance.work_injury_reported_on and not absence and not case:
            self.add_error(
                "absence_first_day",
                _("The work injury is reported with this absence; the day cannot be removed."),
            )
        return data

    def save(self, commit=True):
        self.instance.is_full_report = True
        return super().save(commit)


class ReportingForm(ModelForm):
    """When and with what reference the work injury and the police report were filed."""

    class Meta:
        model = Incident
        fields = [
            "work_injury_case",
            "work_injury_reported_on",
            "work_injury_reference",
            "police_reported_on",
            "police_reference",
        ]
        widgets = {
            "work_injury_reported_on": DateInput(),
            "police_reported_on": DateInput(),
        }

    def clean(self):
        data = super().clean()
        case = data.get("work_injury_case")
        absence = self.instance.absence_first_day
        if case and not self.instance.injury:
            self.add_error(
                "work_injury_case", _("Record the injury on the report first; no one was injured.")
            )
        elif case == WorkInjuryCase.TREATMENT and absence is not None:
            self.add_error(
                "work_injury_case",
                _("The report has a first day of absence; treatment costs are for no absence."),
            )
        if data.get("work_injury_reported_on") and absence is None and not case:
            self.add_error(
                "work_injury_reported_on",
                _(
                    "Record the first day of absence on the report first, or choose treatment "
                    "costs or death."
                ),
            )
        for date_field, reference in (
            ("work_injury_reported_on", "work_injury_reference"),
            ("police_reported_on", "police_reference"),
        ):
            reported_on = data.get(date_field)
            if data.get(reference) and not reported_on:
                self.add_error(date_field, _("Give the date the report was filed."))
            if reported_on and reported_on > timezone.localdate():
                self.add_error(date_field, _("The date cannot be in the future."))
        return data


class FollowUpItemForm(ModelForm):
    class Meta:
        model = FollowUpItem
        fields = ["kind", "description", "owner", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.incident = incident
        self.fields["owner"].queryset = User.objects.filter(
            organisation_id=incident.centre.organisation_id,
            role__in=[Role.STAFF, Role.LEADER],
            is_active=True,
        )
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=14)


class BanForm(ModelForm):
    class Meta:
        model = Ban
        fields = [
            "alias",
            "description",
            "key_holder",
            "scope",
            "centre",
            "activity",
            "starts_on",
            "ends_on",
            "incident",
            "reason",
            "told_on",
            "review_on",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "told_on": DateInput(),
            "review_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance._state.adding:
            self.instance.organisation_id = user.organisation_id
            self.instance.decided_by = user
        self.fields["centre"].queryset = centres_to_report_for(user)
        self.fields["centre"].required = False
        self.fields["centre"].help_text = _("For a ban from one centre or one activity.")
        self.fields["incident"].queryset = (
            Incident.objects.for_user(user).select_related("centre").order_by("-occurred_at")
        )
        self.fields["incident"].required = False
        self.fields["key_holder"].queryset = KeyHolder.objects.for_user(user)
        self.fields["starts_on"].initial = timezone.localdate
        self.fields["reason"].help_text = _("Required when no incident is linked.")

    def clean(self):
        data = super().clean()
        scope, centre = data.get("scope"), data.get("centre")
        if scope == BanScope.ORGANISATION:
            data["centre"] = None
            data["activity"] = ""
        elif scope and not centre:
            self.add_error("centre", _("Choose the centre the ban applies to."))
        if scope == BanScope.ACTIVITY and not data.get("activity"):
            self.add_error("activity", _("Name the activity the ban applies to."))
        if scope == BanScope.CENTRE:
            data["activity"] = ""
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The ban cannot end before it starts."))
        if not data.get("incident") and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give the documented reason, or link the incident it follows.")
            )
        return data


class RiskAssessmentForm(ModelForm):
    class Meta:
        model = RiskAssessment
        fields = ["assessed_on", "risks", "measures", "review_on"]
        widgets = {
            "assessed_on": DateInput(),
            "review_on": DateInput(),
            "risks": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_on"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def clean(self):
        data = super().clean()
        if (
            data.get("assessed_on")
            and data.get("review_on")
            and data["review_on"] <= data["assessed_on"]
        ):
            self.add_error("review_on", _("The review date comes after the assessment."))
        return data


class ProcedureForm(ModelForm):
    class Meta:
        model = Procedure
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}


def quarter_bounds(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end - datetime.timedelta(days=1)


class QuarterForm(Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"{q}.") for q in range(1, 5)]
    )

    @staticmethod
    def current():
        today = timezone.localdate()
        return today.year, (today.month - 1) // 3 + 1


class DaySheetForm(Form):
    """A day's minor episodes at a centre: a count per kind and part of the day, or a
    tick for none. Names no person."""

    no_episodes = forms.BooleanField(label=_("No episodes today"), required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Without names: what happened, what helped."),
    )

    def __init__(self, *args, sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = {}
        if sheet is not None:
            counts = {(e.kind, e.part_of_day): e.count for e in sheet.entries.all()}
            self.initial.setdefault("no_episodes", sheet.no_episodes)
            self.initial.setdefault("note", sheet.note)
        self.rows = []
        for kind in DAY_SHEET_KINDS:
            cells = []
            for part in PartOfDay:
                name = self.cell_name(kind, part)
                self.fields[name] = forms.IntegerField(
                    label=f"{kind.label}, {part.label}",
                    min_value=0,
                    max_value=99,
                    required=False,
                    initial=counts.get((kind.value, part.value)) or None,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "cell"}),
                )
                cells.append(name)
            self.rows.append((kind, cells))

    @staticmethod
    def cell_name(kind, part):
        return f"n_{kind}_{int(part)}"

    def bound_rows(self):
        """[(kind, [(part of the day, bound field)])] for the template."""
        return [
            (kind, [(part, self[name]) for part, name in zip(PartOfDay, cells, strict=True)])
            for kind, cells in self.rows
        ]

    def counts(self):
        """{(kind, part): count} of the cells filled in with more than none."""
        return {
            (kind.value, part.value): self.cleaned_data[self.cell_name(kind, part)]
            for kind in DAY_SHEET_KINDS
            for part in PartOfDay
            if self.cleaned_data.get(self.cell_name(kind, part))
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("no_episodes") and self.counts():
            raise forms.ValidationError(
                _("You ticked no episodes today but counted some: remove one or the other.")
            )
        if not data.get("no_episodes") and not self.counts():
            raise forms.ValidationError(
                _("Count the episodes, or tick 'No episodes today' if there were none.")
            )
        return data


class ReviewDecisionForm(ModelForm):
    class Meta:
        model = ReviewDecision
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": DateInput(), "text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever sees to a decision can open the review: the leaders, the safety
        # representatives and the staff of the centre.
        self.fields["owner"].queryset = (
            User.objects.filter(organisation_id=centre.organisation_id, is_active=True)
            .filter(
                Q(role=Role.LEADER)
                | Q(role=Role.STAFF, is_safety_representative=True)
                | Q(role=Role.STAFF, centres=centre)
            )
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=30)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if self.instance._state.adding and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on


class DayForm(Form):
    """Which day's sheet to show: today unless another earlier day is chosen."""

    day = PlausibleDateField(label=_("Day"), widget=DateInput())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day cannot be in the future."))
        return day
