"""Outreach hours on the centres' week plan, so users always know who is there when (a
receiver of centres.signals.week_plan_entries, connected in AdviceConfig.ready)."""

import datetime

from django.dispatch import receiver
from django.utils import timezone

from advice.models import OutreachHours
from centres import signals


@receiver(signals.week_plan_entries)
def week_plan_entries(sender, centre, start, end, **kwargs):
    """Return [(start, end, label, kind)] for the outreach sessions at `centre` from
    `start` to `end` (aware datetimes, end excluded), absences and days the centre is
    closed left out (the plan says the day is closed)."""
    first_day = timezone.localdate(start)
    last_day = timezone.localdate(end - datetime.timedelta(microseconds=1))
    sessions = OutreachHours.objects.for_centre(centre).between(first_day, last_day)
    return [
        (s.start, s.end, f"{s.hours.display_name} ({s.hours.get_role_display()})", "outreach")
        for s in sessions
        if not s.closed
    ]
