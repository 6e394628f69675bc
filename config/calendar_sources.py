"""Events the project adds to the activities calendar from apps activities may not import
(connected in ConfigConfig.ready())."""

from datetime import timedelta

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from activities.calendar import Event
from advice.models import OutreachHours
from centres import signals
from centres.calendar_days import uid_stamp


def outreach_events(centres, start, end, closed):
    """Outreach hours at `centres` from `start` to `end` (dates, end excluded) as events,
    absences left out and those on a day the centre is closed cancelled (`closed`: the
    closed days the calendar's closures come from, so the hours agree with them): who is
    there when, as users must always know."""
    last = end - timedelta(days=1)
    sessions = OutreachHours.objects.filter(centre__in=centres).between(start, last, closed)
    # get_role_display() looks the label up anew for each of a month's sessions; the
    # title and centre are the same every week.
    roles = {value: str(label) for value, label in OutreachHours._meta.get_field("role").choices}
    said = {}
    events = []
    for s in sessions:
        hours = s.hours
        pk = hours.pk
        if pk not in said:
            title = f"{hours.display_name} ({roles.get(hours.role, hours.role)})"
            said[pk] = (title, [hours.centre.name])
        title, centres_named = said[pk]
        events.append(
            Event(
                kind="outreach",
                category="outreach",
                title=title,
                start=s.start,
                end=s.end,
                centres=centres_named,
                cancelled=bool(s.closed),
                cancel_reason=s.closed,
                note=hours.service,
                uid=f"outreach-{pk}-{uid_stamp(s.date)}@vaerested",
            )
        )
    return events


@receiver(signals.calendar_sources)
def outreach_source(sender, **kwargs):
    return [("outreach", _("Outreach hours"), outreach_events)]
