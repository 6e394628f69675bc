from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from centres import forms_base
from centres.access import log_access
from centres.models import (
    CENTRE_BOUND_ROLES,
    AccessAction,
    AccessSubject,
    Centre,
    Closure,
    KeyFob,
    KeyHolder,
    KeyLoan,
    OpeningHours,
    Organisation,
    Qualification,
    User,
)


class OrganisationForm(forms_base.ModelForm):
    qualifications_for_two_staff = forms.TypedMultipleChoiceField(
        label=_("qualifications that count for the two-staff rule"),
        choices=Qualification.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A staffed opening needs two people with one of these qualifications."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "small_cell_threshold", "qualifications_for_two_staff"]


class AccessLoggedAdmin(forms_base.ModelAdmin):
    """An admin of data naming a person: opening an object (its change, delete or
    history page) and listing objects are logged, as in the app. A model with
    `access_aliases` is only ever registered with this (tests/centres/test_admin.py)."""

    access_subject = AccessSubject.KEY_HOLDER
    access_list_subject = AccessSubject.KEY_HOLDER_LIST

    def access_organisation_id(self, obj):
        return obj.organisation_id

    def access_object_id(self, obj):
        return obj.pk

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            log_access(
                request,
                AccessAction.VIEW,
                self.access_subject,
                object_id=self.access_object_id(obj),
                aliases=obj.access_aliases,
                organisation_id=self.access_organisation_id(obj),
            )
        return obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # One row per organisation whose people were listed.
            by_organisation = {}
            for obj in changelist.result_list:
                by_organisation.setdefault(self.access_organisation_id(obj), []).extend(
                    obj.access_aliases
                )
            for organisation_id, aliases in by_organisation.items():
                log_access(
                    request,
                    AccessAction.VIEW,
                    self.access_list_subject,
                    aliases=aliases,
                    organisation_id=organisation_id,
                )
        return response


@admin.register(Organisation)
class OrganisationAdmin(forms_base.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "small_cell_threshold"]
    search_fields = ["name"]


@admin.register(Centre)
class CentreAdmin(forms_base.ModelAdmin):
    list_display = ["name", "organisation", "address"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "address"]


class OrganisationRoleChecks:
    """Admin form checks: an organisation and a role for everyone but superusers,
    and centres only from the user's own organisation."""

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        role = cleaned.get("role")
        centres = cleaned.get("centres") or []
        if not cleaned.get("is_superuser") and (organisation is None or not role):
            raise forms.ValidationError(
                _("Everyone but a superuser needs an organisation and a role.")
            )
        foreign = [
            c.name for c in centres if organisation is None or c.organisation_id != organisation.pk
        ]
        if foreign:
            self.add_error(
                "centres",
                _("These centres belong to another organisation: %(names)s")
                % {"names": ", ".join(foreign)},
            )
        if role in CENTRE_BOUND_ROLES and not centres:
            self.add_error("centres", _("Staff and outreach workers need at least one centre."))
        return cleaned


class UserAdminChangeForm(forms_base.SafeFormMixin, OrganisationRoleChecks, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserAdminCreationForm(
    forms_base.SafeFormMixin, OrganisationRoleChecks, AdminUserCreationForm
):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "email", "organisation", "role", "centres"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "first_name",
                    "email",
                    "organisation",
                    "role",
                    "centres",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    list_display = ["username", "first_name", "organisation", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active", "is_superuser"]
    list_select_related = ["organisation"]
    filter_horizontal = ["centres", "groups", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Organisation and role"),
            {"fields": ["organisation", "role", "centres", "is_safety_representative"]},
        ),
    ]


@admin.register(OpeningHours)
class OpeningHoursAdmin(forms_base.ModelAdmin):
    list_display = ["centre", "weekday", "starts", "ends", "kind", "valid_from", "valid_until"]
    list_filter = ["centre__organisation", "kind", "weekday"]
    list_select_related = ["centre"]


@admin.register(Closure)
class ClosureAdmin(forms_base.ModelAdmin):
    list_display = ["centre", "starts", "ends", "reason"]
    list_select_related = ["centre"]


@admin.register(KeyHolder)
class KeyHolderAdmin(AccessLoggedAdmin):
    list_display = ["alias", "organisation", "agreement_signed", "safety_briefing", "active"]
    list_filter = ["organisation", "active"]
    list_select_related = ["organisation"]
    # No search by alias: the admin's search travels in the URL (?q=).


@admin.register(KeyFob)
class KeyFobAdmin(forms_base.ModelAdmin):
    list_display = ["number", "organisation", "status", "status_changed"]
    list_filter = ["organisation", "status"]
    search_fields = ["number"]


@admin.register(KeyLoan)
class KeyLoanAdmin(AccessLoggedAdmin):
    list_display = ["fob", "holder", "issued", "returned", "lost"]
    list_select_related = ["fob", "holder"]

    def access_organisation_id(self, obj):
        return obj.holder.organisation_id

    def access_object_id(self, obj):
        return obj.holder_id
