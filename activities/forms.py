from datetime import datetime

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    DEFAULT_GROUP_SIZE,
    WEEKDAY_NAMES,
    Activity,
    AgendaItem,
    AgendaProposal,
    CalendarLink,
    Category,
    Decision,
    Meeting,
    MeetingKind,
    ProposalStatus,
    Schedule,
    SignUp,
)
from activities.recurrence import COPENHAGEN
from centres import validity
from centres.forms_base import Form, ModelForm
from centres.plausible import PlausibleDateField

MAX_ATTENDANCE = 1000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# What a schedule says besides the days it is valid.
SCHEDULE_CONTENT = ["weekdays", "start_time", "end_time", "interval_weeks", "session_count"]


def current_schedule(schedules):
    """The schedule the activity form edits: the only one, or the last of rules that
    followed one another (each ended before the next began, as a change from a date
    leaves them); None for rules that run side by side (e.g. two sports-hall days)."""
    schedules = sorted(schedules, key=lambda s: (s.valid_from, s.pk))
    if not schedules:
        return None
    *earlier, last = schedules
    if all(s.valid_until is not None and s.valid_until < last.valid_from for s in earlier):
        return last
    return None


def sessions_before(schedule, day):
    """How many sessions `schedule` held (or holds) before `day`."""
    if not schedule.session_count or schedule.valid_from >= day:
        return 0
    end = day - validity.ONE_DAY
    until = min(schedule.valid_until or end, end)
    closed = schedule.activity.closed_dates(schedule.valid_from, until)
    ended = Schedule(
        activity=schedule.activity,
        **{name: getattr(schedule, name) for name in [*SCHEDULE_CONTENT, "valid_from"]},
        valid_until=until,
    )
    return len(ended.slots(horizon=until, closed=closed))


class ActivityForm(validity.CorrectionFields, ModelForm):
    """An activity with its (first) schedule: once, or weekly."""

    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose none for a one-off event on the start date."),
    )
    valid_from = PlausibleDateField(label=_("Date (first time)"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    interval_weeks = forms.IntegerField(
        label=_("Every N weeks"), min_value=1, max_value=52, initial=1
    )
    valid_until = PlausibleDateField(label=_("Until"), required=False, widget=DateInput())
    session_count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("For a course: how many times it meets (closed days do not count)."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "category",
            "centres",
            "place",
            "description",
            "led_by",
            "staff_present",
            "price",
            "capacity",
            "signup_required",
            "runs_when_closed",
        ]
        widgets = {
            "centres": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = centres
        self.schedule = None
        self.action = None
        if self.instance.pk:
            self.schedule = current_schedule(list(self.instance.schedules.all()))
            if self.schedule is not None:
                for name in self.schedule_fields():
                    value = getattr(self.schedule, name)
                    self.initial[name] = list(value) if name == "weekdays" else value
                self.fields["valid_from"].help_text = _(
                    "For a change: the first day it applies. Earlier days keep what they had."
                )
            else:
                # Several rules (e.g. two sports-hall days): only the details are edited.
                for name in self.schedule_fields():
                    del self.fields[name]
        if self.schedule is None:
            # A new activity plans nothing before today (see Activity.materialise).
            del self.fields["correction"], self.fields["correction_reason"]

    @staticmethod
    def schedule_fields():
        return [
            "weekdays",
            "valid_from",
            "start_time",
            "end_time",
            "interval_weeks",
            "valid_until",
            "session_count",
        ]

    def clean(self):
        data = super().clean()
        if "valid_from" not in self.fields:
            return data
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        first, until = data.get("valid_from"), data.get("valid_until")
        if first and until and until < first:
            self.add_error("valid_until", _("The end date cannot be before the first date."))
        if not data.get("weekdays"):
            if until:
                self.add_error("valid_until", _("A one-off event has no end date."))
            if data.get("session_count"):
                self.add_error("session_count", _("A one-off event has no number of sessions."))
        if data.get("category") == Category.COURSE and not data.get("capacity"):
            data["capacity"] = DEFAULT_GROUP_SIZE
        if data.get("signup_required") is False and data.get("category") in (
            Category.TRIP,
            Category.COURSE,
        ):
            data["signup_required"] = True
        if self.schedule is not None:
            self._plan_schedule_change(data)
        return data

    def schedule_values(self, data):
        """The schedule's fields as the form would save them."""
        weekdays = "".join(sorted(data["weekdays"]))
        weekly = bool(weekdays)
        return {
            "weekdays": weekdays,
            "valid_from": data["valid_from"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "interval_weeks": data["interval_weeks"] if weekly else 1,
            "valid_until": data["valid_until"] if weekly else None,
            "session_count": data["session_count"] if weekly else None,
        }

    def _plan_schedule_change(self, data):
        """A rule that has run keeps its past: a change applies from its "from" date on
        (see centres.validity); for a course, the sessions held before count."""
        reason = self.correction_clean(data)
        if self.errors:
            return
        new = self.schedule_values(data)
        old = {name: getattr(self.schedule, name) for name in new}
        try:
            self.action = validity.plan_change(
                old=old, new=new, content_fields=SCHEDULE_CONTENT, correction=bool(reason)
            )
        except validity.ChangeRefused as refusal:
            self.add_error("valid_from", refusal)
            return
        if self.action == validity.SPLIT and new["session_count"]:
            held = sessions_before(self.schedule, new["valid_from"])
            if new["session_count"] <= held:
                self.add_error(
                    "session_count",
                    _("The course has met %(held)s times before that day.") % {"held": held},
                )
            else:
                data["session_count_after"] = new["session_count"] - held

    def save(self, organisation=None):
        # Centres the user may not manage stay on a shared activity when they edit it.
        kept = []
        if self.instance.pk:
            kept = list(self.instance.centres.exclude(pk__in=self.fields["centres"].queryset))
        with transaction.atomic():
            activity = super().save(commit=False)
            if organisation is not None:
                activity.organisation = organisation
            activity.save()
            self.save_m2m()
            activity.centres.add(*kept)
            if "valid_from" in self.fields:
                values = self.schedule_values(self.cleaned_data)
                if self.schedule is None:
                    Schedule.objects.create(activity=activity, **values)
                else:
                    if "session_count_after" in self.cleaned_data:
                        values["session_count"] = self.cleaned_data["session_count_after"]
                    validity.change_rule(
                        self.schedule,
                        values,
                        content_fields=SCHEDULE_CONTENT,
                        reason=self.reason,
                    )
            activity.materialise()
        return activity


class CancelOccurrenceForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Shown in the calendar, e.g. “Staff ill”."),
    )


class MoveOccurrenceForm(Form):
    date = PlausibleDateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data

    def start_end(self):
        data = self.cleaned_data
        return (
            datetime.combine(data["date"], data["start_time"], tzinfo=COPENHAGEN),
            datetime.combine(data["date"], data["end_time"], tzinfo=COPENHAGEN),
        )


class AttendanceForm(Form):
    attendance = forms.IntegerField(
        label=_("How many took part?"),
        min_value=0,
        max_value=MAX_ATTENDANCE,
        help_text=_("A count only, no names."),
    )


class SignUpForm(ModelForm):
    class Meta:
        model = SignUp
        fields = ["name", "phone"]
        help_texts = {"name": _("An alias or a first name is enough.")}


class MeetingForm(ModelForm):
    date = PlausibleDateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())

    class Meta:
        model = Meeting
        fields = ["kind", "centre", "date", "time", "place"]

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["centre"].help_text = _("Only for a house meeting.")
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(date=local.date(), time=local.time())

    def clean(self):
        data = super().clean()
        kind, centre = data.get("kind"), data.get("centre")
        if kind == MeetingKind.HOUSE and centre is None:
            self.add_error("centre", _("A house meeting is held at a centre: choose one."))
        if kind and kind != MeetingKind.HOUSE and centre is not None:
            self.add_error(
                "centre", _("The association's meetings are for every centre: leave it empty.")
            )
        if data.get("date") and data.get("time"):
            self.instance.starts_at = datetime.combine(
                data["date"], data["time"], tzinfo=COPENHAGEN
            )
        return data


class MinutesForm(ModelForm):
    class Meta:
        model = Meeting
        fields = ["users_present", "staff_present", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 10})}

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        # The association may already have read them: published minutes are corrected,
        # never taken back.
        if self.instance.is_published and not minutes.strip():
            raise forms.ValidationError(
                _("Published minutes cannot be emptied."), code="published_emptied"
            )
        return minutes


class AgendaItemForm(ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "due"]
        widgets = {"due": DateInput()}


class ProposalForm(ModelForm):
    class Meta:
        model = AgendaProposal
        fields = ["meeting", "title", "description", "on_behalf_of"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meetings, for_someone_else, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = None
        if not for_someone_else:
            del self.fields["on_behalf_of"]


class ProposalResponseForm(Form):
    status = forms.ChoiceField(
        label=_("What happened to it?"),
        choices=[
            (ProposalStatus.TAKEN_UP, ProposalStatus.TAKEN_UP.label),
            (ProposalStatus.ANSWERED, ProposalStatus.ANSWERED.label),
            (ProposalStatus.DECLINED, ProposalStatus.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Answer or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == ProposalStatus.DECLINED and not data.get("response", "").strip():
            self.add_error("response", _("Give the proposer a reason when you decline."))
        return data


class CalendarLinkForm(ModelForm):
    class Meta:
        model = CalendarLink
        fields = ["label", "centre"]

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["label"].help_text = _("Who the link is for, e.g. “Notice board screen”.")
