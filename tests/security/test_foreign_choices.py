"""No form takes another organisation's objects.

Every page each persona may open is fetched; every form on it with a field that picks
model objects is posted back with an object the field does not offer (another
organisation's, made by the same factories as organisation A's). The answer must be a
form error or a 404, and no table may change.
"""

import re
from html import unescape

from django import forms
from django.apps import apps
from django.db import IntegrityError, transaction

from centres.middleware import TOKEN_FIELD
from centres.models import Role
from tests.activities import permissions as activities_permissions
from tests.centres import permissions as centres_permissions
from tests.conftest import PERSONAS, World
from tests.factories import CentreFactory, UserFactory
from tests.security.support import changed_tables, table_fingerprints
from tests.test_permissions import APP_PERMISSIONS, TABLE, build_url, extend_world

PROJECT_APPS = {"config", "centres", "activities", "advice", "incidents"}
CHOICE_FIELDS = (forms.ModelChoiceField, forms.ModelMultipleChoiceField)
FORM_TAG = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)


def mirror_world(world):
    """Give organisation Z the same kinds of objects as A, through the apps' own builders;
    return {model: Z's objects of it}."""
    before = {
        model: set(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_models()
    }
    centre_z2 = CentreFactory(organisation=world.org_z, name="Zentrum Nord")
    z = World(
        org_a=world.org_z,
        org_z=world.org_a,
        centre_a=world.centre_z,
        centre_b=centre_z2,
        centre_z=world.centre_a,
        leader=world.other_leader,
        staff_a=UserFactory(organisation=world.org_z, centres=[world.centre_z]),
        staff_b=UserFactory(organisation=world.org_z, centres=[centre_z2]),
        outreach=UserFactory(
            organisation=world.org_z, role=Role.OUTREACH, centres=[world.centre_z]
        ),
        association=UserFactory(organisation=world.org_z, role=Role.ASSOCIATION),
        other_leader=world.leader,
    )
    for module in APP_PERMISSIONS:
        try:
            with transaction.atomic():
                module.extend_world(z)
        except IntegrityError:
            # A value that must be unique; the fields needing these objects then report
            # that organisation Z has none.
            pass
    return {
        model: model._default_manager.exclude(pk__in=list(pks)) for model, pks in before.items()
    }


def forms_in(context):
    seen = []
    # A page of several templates gives a ContextList, of one template a Context.
    if not hasattr(context, "keys"):
        context = context.flatten()
    for key in context.keys():  # noqa: SIM118 (a ContextList iterates its contexts)
        values = context[key]
        for value in values if isinstance(values, list | tuple) else [values]:
            if isinstance(value, forms.BaseFormSet):
                seen.extend(value.forms)
            elif isinstance(value, forms.BaseForm):
                seen.append(value)
    return seen


HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
# Sent by the client itself (CSRF is not checked in tests); a one-time token would make
# the page's second post a replay of its first.
NOT_RESENT = {"csrfmiddlewaretoken", TOKEN_FIELD}


def form_target(html, page_url, field_name):
    """Return (method, address, hidden inputs) of the page's form holding `field_name`:
    what a browser sends besides the form's fields (e.g. which of a page's forms it is)."""
    for attrs, body in FORM_TAG.findall(html):
        if f'name="{field_name}"' in body:
            action = re.search(r'action="([^"]*)"', attrs)
            method = "get" if re.search(r'method="get"', attrs, re.I) else "post"
            target = unescape(action.group(1)) if action and action.group(1) else page_url
            hidden = {
                name: unescape(value)
                for name, value in HIDDEN_INPUT.findall(body)
                if name not in NOT_RESENT
            }
            return method, target, hidden
    return "post", page_url, {}


def initial_data(form):
    data = {}
    for bound in form:
        value = bound.value()
        if value in (None, "", False, []):
            continue
        data[bound.html_name] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        )
        if value is True:
            data[bound.html_name] = "on"
    return data


def refused(response, form_class, field_name):
    if response.status_code in (403, 404):
        return True
    if response.status_code not in (200, 400) or response.context is None:
        return False
    return any(
        type(form) is form_class
        and form.is_bound
        and (field_name in form.errors or form.non_field_errors())
        for form in forms_in(response.context)
    )


def project_forms_with_choices():
    """Every form class of the project's apps with a field that picks model objects (but
    the admin's, which is for superusers across organisations)."""
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        app, _, module = cls.__module__.partition(".")
        if (
            app in PROJECT_APPS
            and module != "admin"
            and any(isinstance(f, CHOICE_FIELDS) for f in getattr(cls, "base_fields", {}).values())
        ):
            found.add(cls.__name__)
    return found


def test_no_form_takes_another_organisations_objects(world, client_for, monkeypatch):
    extend_world(world)
    # Calendar and shift-feed tokens are unique.
    monkeypatch.setattr(activities_permissions, "TOKEN", "z" * 43)
    monkeypatch.setattr(centres_permissions, "FEED_TOKEN", "y" * 43)
    outsiders = mirror_world(world)
    tried, problems = set(), []
    # The association's only forms (agenda proposals) pick no objects.
    for persona in ("leader", "staff_a", "outreach"):
        tried |= post_outsiders(
            world, client_for(world.persona(persona)), persona, outsiders, problems
        )
    assert not problems, "\n".join(problems)
    untried = project_forms_with_choices() - {label.split(".")[0] for label in tried}
    assert not untried, f"forms no page showed, so not tried: {sorted(untried)}"


def post_outsiders(world, client, persona, outsiders, problems):
    """Post Z's objects into every model choice of every page `persona` may open."""
    column = PERSONAS.index(persona)
    tried = set()
    for name, (kwargs, statuses) in TABLE.items():
        if statuses[column] != 200:
            continue
        url = build_url(world, name, kwargs)
        page = client.get(url)
        if page.context is None:
            continue
        html = page.content.decode()
        for form in forms_in(page.context):
            for field_name, field in form.fields.items():
                if not isinstance(field, CHOICE_FIELDS):
                    continue
                model = field.queryset.model
                outsider = outsiders[model].first()
                if outsider is None:
                    problems.append(f"no object of organisation Z for {type(form).__name__}")
                    continue
                html_name = form.add_prefix(field_name)
                method, target, hidden = form_target(html, url, html_name)
                data = hidden | initial_data(form)
                multiple = isinstance(field, forms.ModelMultipleChoiceField)
                data[html_name] = [str(outsider.pk)] if multiple else str(outsider.pk)
                before = table_fingerprints()
                response = getattr(client, method)(target, data)
                label = f"{persona}: {type(form).__name__}.{field_name} on {target}"
                tried.add(f"{type(form).__name__}.{field_name}")
                if not refused(response, type(form), field_name):
                    status = response.status_code
                    problems.append(f"{label} took {model.__name__} {outsider.pk}: {status}")
                if changed := changed_tables(before, table_fingerprints()):
                    problems.append(f"{label} changed {changed}")
    return tried
