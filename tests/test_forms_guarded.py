"""Every form of the product refuses a CPR number in every text field.

The forms are found, not listed: every app's forms and admin modules are imported and
the subclasses of Django's BaseForm defined in the product's modules are walked, with the
admin's forms and the forms the account pages use. A text field (forms.CharField or a
subclass) must carry the check, unless centres.forms_base names it as exempt.
"""

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver

from centres import forms_base

APPS = ["centres", "activities", "advice", "incidents", "config"]
CPR = "Ring til ham, 010190\u20131234"


def import_product():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def product_forms():
    import_product()
    found = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in APPS and cls.__module__ != "centres.forms_base"
    }
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def unguarded_fields(form_class):
    fields = copy.deepcopy(form_class.base_fields)
    forms_base.guard(form_class, fields)
    return [
        name
        for name, field in fields.items()
        if forms_base.is_text_field(field)
        and not forms_base.refuses_cpr_numbers(field)
        and not forms_base.exemption(form_class, name, field)
    ]


def test_a_check_of_its_own_refuses_what_the_common_one_does():
    from django.core.exceptions import ValidationError

    own = [
        v
        for form_class in FORMS
        for field in form_class.base_fields.values()
        for v in field.validators
        if getattr(v, "refuses_cpr_numbers", False)
    ]
    assert own  # the alias search's
    for validator in own:
        for disguise in ("010190-1234", "01.01.90-1234", "0101\uff19\uff101234"):
            with pytest.raises(ValidationError):
                validator(disguise)


FORMS = product_forms()


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"KeyHolderForm", "QuickIncidentForm", "SignUpForm", "CodeForm"} <= names
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_is_built_on_the_safe_base(form_class):
    assert issubclass(form_class, forms_base.SafeFormMixin), (
        f"{form_class.__module__}.{form_class.__name__} does not derive from "
        "centres.forms_base.Form or ModelForm"
    )
    assert not unguarded_fields(form_class)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_text_field_refuses_a_cpr_number(form_class):
    fields = copy.deepcopy(form_class.base_fields)
    forms_base.guard(form_class, fields)
    for name, field in fields.items():
        if not forms_base.is_text_field(field) or forms_base.exemption(form_class, name, field):
            continue
        with pytest.raises(ValidationError):
            field.clean(CPR)


def test_a_field_added_after_the_form_is_made_is_checked_too():
    class Late(forms_base.Form):
        pass

    form = Late(data={"note": CPR})
    form.fields["note"] = forms.CharField()
    assert not form.is_valid()
    assert form.has_error("note", code="cpr_number")


def test_every_admin_form_is_built_on_the_safe_base():
    import_product()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        admin_forms = [model_admin.form, getattr(model_admin, "add_form", forms_base.ModelForm)]
        admin_forms += [inline.form for inline in model_admin.inlines]
        for form_class in admin_forms:
            assert issubclass(form_class, forms_base.SafeFormMixin), (model, form_class)
    assert issubclass(admin.site.login_form, forms_base.SafeFormMixin)


def views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_the_account_pages_use_the_safe_forms():
    checked = 0
    for pattern in views():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None:
            continue
        initkwargs = pattern.callback.view_initkwargs
        form_class = (
            initkwargs.get("authentication_form")
            or initkwargs.get("form_class")
            or getattr(view_class, "authentication_form", None)
            or getattr(view_class, "form_class", None)
        )
        if form_class is not None:
            checked += 1
            assert issubclass(form_class, forms_base.SafeFormMixin), (pattern.name, form_class)
    assert checked >= 3
