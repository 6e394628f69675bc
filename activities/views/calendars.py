"""The calendar page, the private calendar links and what they open: a read-only page
and an iCalendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities import calendar, calendar_html
from activities.forms import CalendarLinkForm
from activities.models import CalendarLink, Meeting, Occurrence
from activities.views.common import MEETING_READERS, meetings_in_scope, parse_day
from centres.access import CENTRE_WORKERS, EVERY_ROLE, role_required
from centres.models import Centre, Role
from centres.query import int_param

# Who makes private calendar links: the leader for the organisation, association members
# for themselves.
LINK_MAKERS = (Role.LEADER, Role.ASSOCIATION)


def _calendar_context(request, *, occurrences, meetings, centres, link_urls, base_url):
    """The calendar page's context: the days of the period asked for, with the events of
    the scoped occurrence and meeting querysets and of the visible `centres`."""
    today = timezone.localdate()
    view = request.GET.get("view")
    view = view if view in calendar.VIEWS else "agenda"
    day = parse_day(request.GET.get("date"), today)
    start, end = calendar.period(view, day)
    centre = None
    centre_id = int_param(request.GET, "centre")
    if centre_id is not None:
        centre = next((c for c in centres if c.pk == centre_id), None)
    kinds = calendar.kind_choices()
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    if view == "month":
        previous = calendar.period("month", start - timedelta(days=1))[0]
    else:
        previous = start - (end - start)
    context = {
        "view": view,
        "views": [("agenda", _("List")), ("week", _("Week")), ("month", _("Month"))],
        "start": start,
        "last": end - timedelta(days=1),
        "today": today,
        "previous": previous,
        "following": end,
        "centres": centres,
        "centre": centre,
        # The month's narrow days name the centre of each event when there are several.
        "several_centres": centre is None and len(centres) > 1,
        "kinds": kinds,
        "kind": kind,
        "base_url": base_url,
        "weekday_headers": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }

    event_list = calendar.events(
        occurrences=occurrences,
        meetings=meetings,
        start=start,
        end=end,
        centre=centre,
        kind=kind,
        link_urls=link_urls,
        open_centres=centres,
    )
    if view == "month":
        cells = calendar.month_grid(start, end, event_list, today)
    else:
        cells = calendar.days(start, end, event_list, today)
        if view == "agenda":
            cells = [c for c in cells if c["events"] or c["is_today"]]
    context["cells"] = calendar_html.day_events(
        cells, compact=view == "month", several_centres=context["several_centres"]
    )
    return context


@role_required(*EVERY_ROLE)
def calendar_view(request):
    """Month, week or list of the activities and meetings the user may see."""
    user = request.user
    meetings = meetings_in_scope(user) if user.role in MEETING_READERS else Meeting.objects.none()
    context = _calendar_context(
        request,
        occurrences=Occurrence.objects.for_user(user),
        meetings=meetings,
        centres=list(Centre.objects.for_user(user)),
        link_urls=user.role in CENTRE_WORKERS,
        base_url=reverse("activities:calendar"),
    )
    context["can_share"] = user.role in LINK_MAKERS
    return render(request, "activities/calendar.html", context)


def _active_link(token):
    return get_object_or_404(
        CalendarLink.objects.active().select_related("centre", "organisation"), token=token
    )


@require_GET
def shared_calendar(request, token):
    """The calendar behind a private link: read-only, no sign-in needed."""
    link = _active_link(token)
    occurrences, meetings = calendar.scoped_querysets_for_link(link)
    context = _calendar_context(
        request,
        occurrences=occurrences,
        meetings=meetings,
        centres=list(link.centres()),
        link_urls=False,
        base_url=reverse("activities:shared_calendar", args=[token]),
    )
    context.update(link=link, shared=True)
    return render(request, "activities/calendar.html", context)


@require_GET
def calendar_feed(request, token):
    """iCalendar feed for phones: from 60 days back to the materialised horizon."""
    link = _active_link(token)
    occurrences, meetings = calendar.scoped_querysets_for_link(link)
    today = timezone.localdate()
    event_list = calendar.events(
        occurrences=occurrences,
        meetings=meetings,
        start=today - timedelta(days=60),
        end=today + timedelta(days=400),
        link_urls=False,
        closed_centres=link.centres(),
    )
    name = link.centre.name if link.centre_id else link.organisation.name
    response = HttpResponse(calendar.ical(event_list, name), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response


def _link_page(request, form, status=200):
    links = CalendarLink.objects.managed_by(request.user).select_related("centre", "created_by")
    return render(
        request,
        "activities/link_list.html",
        {"links": links, "form": form, "sees_all": request.user.role == Role.LEADER},
        status=status,
    )


@role_required(*LINK_MAKERS)
def link_list(request):
    """Private calendar links with a form for a new one: the leader's page lists every
    link of the organisation, an association member's their own."""
    return _link_page(request, CalendarLinkForm(centres=Centre.objects.for_user(request.user)))


@require_POST
@role_required(*LINK_MAKERS)
def link_create(request):
    form = CalendarLinkForm(request.POST, centres=Centre.objects.for_user(request.user))
    if not form.is_valid():
        return _link_page(request, form, status=400)
    link = form.save(commit=False)
    link.organisation_id = request.user.organisation_id
    link.created_by = request.user
    link.save()
    messages.success(request, _("The link is ready. Share it only with those it is for."))
    return redirect("activities:link_list")


@require_POST
@role_required(*LINK_MAKERS)
def link_revoke(request, pk):
    link = get_object_or_404(CalendarLink.objects.managed_by(request.user), pk=pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    messages.success(request, _("The link no longer works."))
    return redirect("activities:link_list")
