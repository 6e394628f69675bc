from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from centres import signals
from centres.models import Role
from centres.navigation import NavItem
from config.two_factor import held_at_second_step


def navigation(request):
    """The main navigation for the signed-in user's role, composed from every app
    (centres.signals.nav_items); worked out only if the template shows it (htmx
    partials do not)."""
    return {"nav_items": SimpleLazyObject(lambda: nav_items(request))}


def nav_items(request):
    """The navigation's entries in order: a link ({"label", "url", "active"}) or a menu
    ({"label", "links": [links], "active"}) for each group of more than one entry, at the
    place of the group's first entry. Nothing for a session that still owes its second
    sign-in step."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or held_at_second_step(request):
        return []
    items = [NavItem(_("Home"), reverse("home"))]
    if user.role in (Role.LEADER, Role.STAFF):
        items.append(NavItem(_("Dashboard"), reverse("dashboard:index")))
    items.extend(NavItem(*item) for item in signals.nav_items.items(request=request))
    if user.is_superuser:
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    return grouped(items, request.path)


def grouped(items, current):
    entries, menus = [], {}
    for item in items:
        link = {"label": item.label, "url": item.url, "active": item.url == current}
        if item.group is None:
            entries.append(link)
        elif str(item.group) in menus:
            menus[str(item.group)]["links"].append(link)
        else:
            menus[str(item.group)] = {"label": item.group, "links": [link]}
            entries.append(menus[str(item.group)])
    for index, entry in enumerate(entries):
        if "links" in entry:
            if len(entry["links"]) == 1:
                entries[index] = entry["links"][0]
            else:
                entry["active"] = any(link["active"] for link in entry["links"])
    return entries
