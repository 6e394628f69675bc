"""Events the project adds to the activities calendar from apps activities may not import."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from activities.calendar import Event, add_calendar_source
from advice.models import OutreachHours


def outreach_events(centres, start, end):
    """Outreach hours at `centres` from `start` to `end` (dates, end excluded) as events,
    absences left out: who is there when, as users must always know."""
    sessions = OutreachHours.objects.filter(centre__in=centres).between(
        start, end - timedelta(days=1)
    )
    return [
        Event(
            kind="outreach",
            category="outreach",
            title=f"{s.hours.display_name} ({s.hours.get_role_display()})",
            start=s.start,
            end=s.end,
            centres=[s.centre.name],
            note=s.hours.service,
            uid=f"outreach-{s.hours.pk}-{s.date:%Y%m%d}@vaerested",
        )
        for s in sessions
    ]


def register():
    add_calendar_source("outreach", _("Outreach hours"), outreach_events)
