"""Changes that take effect from a date leave every day before it as it was.

One rule for every record that says what happens on which days: opening hours, outreach
hours and activity schedules (valid from a date, until a date or open-ended), and the
one-off shifts and closures. The past is the days before today. A change may only touch
today and later; a rule that already has a past is changed by ending it the day before
the change and starting a new row from then. Changing or deleting the past is a
correction: only on purpose, with a reason, kept in the record's history (who, when,
why) by django-simple-history's `history_change_reason`.

The planning functions are pure (values in, a decision out), so tests can try them on
every edge; the write helpers apply a decision in one transaction.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.forms_base import Form

ONE_DAY = datetime.timedelta(days=1)
# simple-history keeps the reason in a CharField of this length.
REASON_MAX_LENGTH = 100

UPDATE, SPLIT = "update", "split"
DELETE, END = "delete", "end"

BEFORE_TODAY = _(
    "The change cannot take effect before today. Set “valid from” to today or later: the "
    "current times then end the day before and earlier days keep them. To correct a "
    "mistake in earlier days, tick “Correct a mistake” and say why."
)
PAST_RECORD = _(
    "This lies before today and is part of the record. To correct a mistake, tick "
    "“Correct a mistake” and say why."
)
NEW_BEFORE_TODAY = _(
    "New hours cannot begin before today. To add hours that were missing on earlier days, "
    "tick “Correct a mistake” and say why."
)
REASON_NEEDED = _("Say what was wrong, so the history shows why earlier days changed.")


class ChangeRefused(ValidationError):
    """A change that would alter days before today without being a correction."""


def today():
    return timezone.localdate()


def _past_part(valid_from, valid_until, content, before):
    """What a rule says about the days before `before`: None if nothing."""
    if valid_from >= before:
        return None
    last = before - ONE_DAY
    return (valid_from, min(valid_until or last, last), content)


def plan_change(*, old, new, content_fields, on=None, correction=False):
    """How to apply the edit `new` to the rule `old` (dicts with `valid_from`,
    `valid_until` and the `content_fields`), with today `on`:

    - UPDATE in place when that leaves the days before today as they were (a rule that
      lies in the future, or a changed end that is today or later), or for a correction;
    - SPLIT when the edit starts today or later, after the rule began: the old row ends
      the day before, a new row holds the edit;
    - otherwise ChangeRefused.
    """
    on = on or today()
    if correction:
        return UPDATE

    def content(values):
        return tuple(values[name] for name in content_fields)

    before = _past_part(old["valid_from"], old["valid_until"], content(old), on)
    after = _past_part(new["valid_from"], new["valid_until"], content(new), on)
    if before == after:
        return UPDATE
    if new["valid_from"] >= on and new["valid_from"] > old["valid_from"]:
        return SPLIT
    raise ChangeRefused(BEFORE_TODAY, code="before_today")


def plan_new(*, first_day, on=None, correction=False, message=NEW_BEFORE_TODAY):
    """Whether a new rule or record that begins on `first_day` may be added: it may not
    add to days before today unless it is a correction."""
    if not correction and first_day < (on or today()):
        raise ChangeRefused(message, code="before_today")


def plan_delete(*, first_day, last_day, on=None, correction=False, can_end=True):
    """What deleting a rule or record from `first_day` to `last_day` (None: open-ended)
    does, with today `on`: DELETE it when it lies from today on (or for a correction),
    END it yesterday when it began earlier and goes on (`can_end`), else ChangeRefused:
    a past is never deleted by the way."""
    on = on or today()
    if correction or first_day >= on:
        return DELETE
    if can_end and (last_day is None or last_day >= on):
        return END
    raise ChangeRefused(PAST_RECORD, code="past")


def with_reason(instance, reason):
    """`instance`, with `reason` for the history row its next save or delete writes."""
    instance._change_reason = (reason or "")[:REASON_MAX_LENGTH] or None
    return instance


@transaction.atomic
def change_rule(rule, values, *, content_fields, reason="", on=None):
    """Apply the edit `values` (field → value, with valid_from and valid_until) to the
    saved rule `rule` as plan_change decides; a non-empty `reason` makes it a correction.
    Return the row that holds the edit (a new one after a split)."""
    model = type(rule)
    old = model.objects.select_for_update().get(pk=rule.pk)
    fields = [*content_fields, "valid_from", "valid_until"]
    action = plan_change(
        old={name: getattr(old, name) for name in fields},
        new={name: values[name] for name in fields},
        content_fields=content_fields,
        on=on,
        correction=bool(reason),
    )
    if action == SPLIT:
        first = values["valid_from"]
        if old.valid_until is None or old.valid_until >= first:
            old.valid_until = first - ONE_DAY
            old.save()
        row = model.objects.get(pk=old.pk)
        row.pk = None
        row._state.adding = True
    else:
        row = old
    for name, value in values.items():
        setattr(row, name, value)
    with_reason(row, reason)
    row.save()
    return row


@transaction.atomic
def delete_rule(rule, *, reason="", on=None, last_field="valid_until", first_field="valid_from"):
    """Delete `rule`, or end it yesterday if it has a past (see plan_delete); a non-empty
    `reason` deletes a past as a correction. Return DELETE or END."""
    on = on or today()
    rule = type(rule).objects.select_for_update().get(pk=rule.pk)
    action = plan_delete(
        first_day=getattr(rule, first_field),
        last_day=getattr(rule, last_field),
        on=on,
        correction=bool(reason),
    )
    with_reason(rule, reason)
    if action == DELETE:
        rule.delete()
    else:
        setattr(rule, last_field, on - ONE_DAY)
        rule.save()
    return action


class CorrectionFields(Form):
    """The two fields that make a change of days before today a correction. Mixed into
    the forms of rules and records that have a past."""

    correction = forms.BooleanField(
        label=_("Correct a mistake (also changes days before today)"), required=False
    )
    correction_reason = forms.CharField(
        label=_("What was wrong?"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Kept in the history with your name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("correction", "correction_reason"):  # last, after the form's own
            self.fields[name] = self.fields.pop(name)

    def correction_clean(self, cleaned):
        """The reason of a correction ("" if none); an error on the form if it lacks one."""
        if not cleaned.get("correction"):
            cleaned["correction_reason"] = ""
            return ""
        reason = (cleaned.get("correction_reason") or "").strip()
        if not reason:
            self.add_error("correction_reason", REASON_NEEDED)
        return reason

    @property
    def reason(self):
        return self.cleaned_data.get("correction_reason", "") if self.is_bound else ""


class ConfirmForm(CorrectionFields):
    """The confirmation step before deleting: nothing to fill in unless it corrects the
    past."""

    def clean(self):
        cleaned = super().clean()
        self.correction_clean(cleaned)
        return cleaned


class RuleForm(CorrectionFields):
    """For a ModelForm of a rule with `valid_from` and `valid_until` (mix in before
    forms.ModelForm): an edit applies as plan_change says, a new rule may not begin
    before today, unless either is a correction. Call `clean_rule(cleaned)` at the end
    of clean(); save() writes through change_rule and sets `action`."""

    validity_fields = ("valid_from", "valid_until")
    action = None

    def rule_fields(self):
        return [name for name in self._meta.fields if name in self.fields]

    def content_fields(self):
        return [name for name in self.rule_fields() if name not in self.validity_fields]

    def clean_rule(self, cleaned):
        reason = self.correction_clean(cleaned)
        if self.errors:
            return
        try:
            if self.instance.pk:
                # clean() runs before the form copies its values onto the instance.
                self.action = plan_change(
                    old={name: getattr(self.instance, name) for name in self.rule_fields()},
                    new={name: cleaned.get(name) for name in self.rule_fields()},
                    content_fields=self.content_fields(),
                    correction=bool(reason),
                )
            else:
                plan_new(first_day=cleaned["valid_from"], correction=bool(reason))
        except ChangeRefused as refusal:
            self.add_error("valid_from", refusal)

    def save(self, commit=True):
        if not self.instance.pk:
            with_reason(self.instance, self.reason)
            return super().save(commit=commit)
        values = {name: self.cleaned_data[name] for name in self.rule_fields()}
        self.instance = change_rule(
            self.instance, values, content_fields=self.content_fields(), reason=self.reason
        )
        return self.instance
