"""The safety card: what to do if something happens, for a centre's tablet and its
notice board.

The tablet shows it live (who holds the key now, when staff are next there); the
printed card holds what does not change from week to week.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from centres.models import Centre, KeyHolder, OpeningHours, OpeningKind
from centres.openings import (
    NEXT_OPENING_HORIZON_DAYS,
    WeekPlanEntry,
    in_progress,
    local_datetime,
    openings_for,
)
from centres.signals import week_plan_entries

EMERGENCY_NUMBER = "112"


@dataclass
class KioskDay:
    """What the tablet shows at `now`."""

    centre: Centre
    now: datetime.datetime
    current: object = None  # the opening in progress (centres.openings.Opening) or None
    key_holder: KeyHolder | None = None
    next_staffed: object = None
    openings: list = field(default_factory=list)  # today's
    entries: list = field(default_factory=list)  # today's activities and the like

    @property
    def user_run(self):
        """True during a user-run or maybe-open opening: the safety card comes first."""
        return self.current is not None and self.current.kind != OpeningKind.STAFFED


def kiosk_day(centre, now=None):
    """The centre's day at `now`: the opening in progress and, in a user-run one, its
    responsible key holder; when staff are next there; today's openings and what other
    apps put on the week plan for today (activities), through centres.signals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = local_datetime(today, datetime.time())
    day_end = local_datetime(today + datetime.timedelta(days=1), datetime.time())
    horizon = now + datetime.timedelta(days=NEXT_OPENING_HORIZON_DAYS)
    openings = openings_for([centre], day_start, max(day_end, horizon))[centre.pk]
    current = in_progress(openings, now)
    day = KioskDay(centre=centre, now=now, current=current)
    day.openings = [o for o in openings if o.start < day_end and o.end > day_start]
    day.next_staffed = next(
        (o for o in openings if o.kind == OpeningKind.STAFFED and o.start > now), None
    )
    if day.user_run and current.user_run is not None:
        day.key_holder = current.user_run.key_holder
    extras = week_plan_entries.items(centre=centre, start=day_start, end=day_end)
    day.entries = sorted((WeekPlanEntry(*item) for item in extras), key=lambda e: e.start)
    return day


def weekly_hours(centre, day=None):
    """The weekly hours valid on `day` (default today), by weekday and start: for the
    printed card."""
    day = day or timezone.localdate()
    return list(
        OpeningHours.objects.filter(centre=centre).valid_on(day).order_by("weekday", "starts")
    )


def phone_lines(centre):
    """The numbers to call when no staff are present, one per line, blanks left out."""
    return [line.strip() for line in centre.safety_phone_numbers.splitlines() if line.strip()]
