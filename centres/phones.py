"""Danish phone numbers: 8 digits, optionally after +45 or 0045, kept as "12 34 56 78"."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PHONE_MAX_LENGTH = 20
# How every phone number is stored; the database checks it (phone_constraint).
STORED = r"^[0-9]{2} [0-9]{2} [0-9]{2} [0-9]{2}$"
TYPED = re.compile(r"(?:\+45|0045)?([0-9]{8})")
NOT_A_PHONE = _("Enter a phone number of 8 digits, optionally with +45 in front, e.g. 12 34 56 78.")


def normalise_phone(value):
    """The stored form of a typed phone number ("" for none); None if it is not one.
    Spaces (also non-breaking) may stand anywhere: "+45 12345678", "1234 5678"."""
    value = unicodedata.normalize("NFKC", value or "")
    compact = "".join(value.split())
    if not compact:
        return ""
    match = TYPED.fullmatch(compact)
    if not match:
        return None
    digits = match.group(1)
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))


def validate_phone(value):
    if normalise_phone(value) is None:
        raise ValidationError(NOT_A_PHONE, code="phone")


class TelInput(forms.TextInput):
    input_type = "tel"


class PhoneFormField(forms.CharField):
    widget = TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        normal = normalise_phone(value)
        if normal is None:
            raise ValidationError(NOT_A_PHONE, code="phone")
        return normal

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "tel"}


class PhoneField(models.CharField):
    """A Danish phone number or blank, saved in its one stored form."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == PHONE_MAX_LENGTH:
            del kwargs["max_length"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        else:
            kwargs["blank"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        normal = normalise_phone(value)
        if normal is not None and normal != value:
            setattr(model_instance, self.attname, normal)
            return normal
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


def phone_constraint(name, field="phone"):
    return models.CheckConstraint(
        condition=models.Q(**{field: ""}) | models.Q(**{f"{field}__regex": STORED}),
        name=name,
        violation_error_message=NOT_A_PHONE,
    )
