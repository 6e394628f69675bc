"""Outreach hours on the centres' week plan (registered in AdviceConfig.ready), so users
always know who is there when."""

import datetime

from advice.models import OutreachHours


def week_plan_entries(centre, start, end):
    """Return [(start, end, label, kind)] for the outreach sessions at `centre` from
    `start` to `end` (aware datetimes, end excluded), absences left out."""
    last_day = (end - datetime.timedelta(microseconds=1)).date()
    sessions = OutreachHours.objects.for_centre(centre).between(start.date(), last_day)
    return [
        (s.start, s.end, f"{s.hours.display_name} ({s.hours.get_role_display()})", "outreach")
        for s in sessions
    ]
