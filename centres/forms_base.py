"""The base of every form in the product: no text field can take a CPR number.

Every form class derives from Form or ModelForm here (or mixes in SafeFormMixin before
Django's own form, as the account forms do). The check is added to each text field
(forms.CharField and its subclasses: text inputs, text areas, hidden inputs, custom
fields) when the form is made and again before it validates, so a field added in a
form's own __init__ is covered too. tests/test_forms_guarded.py walks every form class.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms

from centres.validators import reject_cpr_numbers

# The only text fields without the check, each with its reason.
EXEMPT_WIDGETS = {
    # Passwords are stored hashed and never shown; refusing one would tell nothing and
    # only make the person pick another.
    forms.PasswordInput: "a password",
}
EXEMPT_FIELDS = {
    # A one-time code from the authenticator app or a backup code: checked, never stored.
    ("config.two_factor", "CodeForm", "code"): "a one-time code",
}


def is_text_field(field):
    return isinstance(field, forms.CharField)


def exemption(form_class, name, field):
    """Why the field goes without the check, or None."""
    for widget, reason in EXEMPT_WIDGETS.items():
        if isinstance(field.widget, widget):
            return reason
    for klass in form_class.__mro__:
        reason = EXEMPT_FIELDS.get((klass.__module__, klass.__name__, name))
        if reason:
            return reason
    return None


def refuses_cpr_numbers(field):
    """True if the field already has the check, or a check of its own that says the same
    thing in words fitting the field (marked `refuses_cpr_numbers`)."""
    return any(
        v is reject_cpr_numbers or getattr(v, "refuses_cpr_numbers", False)
        for v in field.validators
    )


def guard(form_class, fields):
    """Add the CPR check to every text field in `fields` that is not exempt."""
    for name, field in fields.items():
        if (
            is_text_field(field)
            and not refuses_cpr_numbers(field)
            and not exemption(form_class, name, field)
        ):
            field.validators.append(reject_cpr_numbers)


class SafeFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard(type(self), self.fields)

    def full_clean(self):
        guard(type(self), self.fields)
        super().full_clean()


class Form(SafeFormMixin, forms.Form):
    pass


class ModelForm(SafeFormMixin, forms.ModelForm):
    pass


class SignInForm(SafeFormMixin, auth_forms.AuthenticationForm):
    """The user name typed is recorded with a failed sign-in (django-axes)."""


class AdminSignInForm(SafeFormMixin, AdminAuthenticationForm):
    pass


class PasswordChangeForm(SafeFormMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(SafeFormMixin, auth_forms.SetPasswordForm):
    pass


class ModelAdmin(admin.ModelAdmin):
    """The admin builds its forms from `form`: the check covers what a superuser types."""

    form = ModelForm


class TabularInline(admin.TabularInline):
    form = ModelForm
