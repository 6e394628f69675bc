from importlib import import_module

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from centres.models import Role

APP_UIS = ["centres.ui", "activities.ui", "advice.ui", "incidents.ui"]


def app_uis():
    return [import_module(name) for name in APP_UIS]


def navigation(request):
    """The main navigation for the signed-in user's role, composed from every app; worked
    out only if the template shows it (htmx partials do not)."""
    return {"nav_items": SimpleLazyObject(lambda: nav_items(request))}


def nav_items(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [(_("Home"), reverse("home"))]
    if user.role in (Role.LEADER, Role.STAFF):
        items.append((_("Dashboard"), reverse("dashboard:index")))
    for ui in app_uis():
        items.extend(ui.nav_items(request))
    if user.is_superuser:
        items.append((_("Administration"), reverse("admin:index")))
    current = request.path
    return [{"label": label, "url": url, "active": url == current} for label, url in items]
