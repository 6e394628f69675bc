"""Who is planned when: the weekly rota, one-off shifts and absences, and the two-staff
rule counted over qualified people.

The planned shifts of a day are the rota's shifts valid that day plus the one-off shifts,
less every shift of a person absent that day. A staffed opening is at risk when fewer than
two people whose qualification counts for the organisation
(Organisation.qualifications_for_two_staff) are planned at some moment of it; that count
is the opening rules' own, in SQL (centres_staffed_openings, migration centres/0029).
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import (
    Closure,
    OpeningKind,
    OpeningKindChange,
    RotaShift,
    Shift,
    StaffAbsence,
)
from centres.openings import closed_days, days, local_datetime, openings_for

# How far ahead the leader's list of openings at risk and "my shifts" look.
LOOKAHEAD_DAYS = 28
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PlannedShift:
    """One person planned at a centre from `starts` to `ends` (aware), from the rota
    (`rota_id`) or a one-off shift (`shift_id`)."""

    centre_id: int
    worker_id: int
    starts: datetime.datetime
    ends: datetime.datetime
    rota_id: int | None = None
    shift_id: int | None = None

    @property
    def uid(self):
        """Stable across fetches: the rota row and its day, or the one-off shift."""
        if self.rota_id:
            return f"rota-{self.rota_id}-{timezone.localdate(self.starts):%Y%m%d}"
        return f"shift-{self.shift_id}"


def planned_shifts(centres, first, last, *, worker=None, closed=None):
    """{centre pk: [PlannedShift]} on the local days `first` to `last`, sorted by start:
    rota shifts on days the centre is open and one-off shifts, less those of absent
    people. Four queries (three given `closed`, closed_days covering those days)."""
    ids = [c.pk for c in centres]
    start = local_datetime(first, datetime.time())
    end = local_datetime(last + datetime.timedelta(days=1), datetime.time())
    rota = RotaShift.objects.filter(centre_id__in=ids).valid_between(first, last)
    one_off = Shift.objects.filter(centre_id__in=ids, starts__lt=end, ends__gt=start)
    absences = StaffAbsence.objects.between(first, last)
    if worker is not None:
        rota, one_off = rota.filter(worker=worker), one_off.filter(worker=worker)
        absences = absences.filter(worker=worker)
    else:
        organisations = {c.organisation_id for c in centres}
        absences = absences.filter(worker__organisation_id__in=organisations)
    away = {}
    for absence in absences:
        away.setdefault(absence.worker_id, []).append(absence)

    def absent(worker_id, day):
        return any(a.covers(day) for a in away.get(worker_id, ()))

    # A closed day (a holiday, a closure) takes the rota's shifts off: nobody is expected
    # at a closed centre. A one-off shift that day was put there on purpose.
    if closed is None:
        closed = closed_days(centres, first, last)
    result = {pk: [] for pk in ids}
    by_weekday = {}
    for row in rota:
        by_weekday.setdefault(row.weekday, []).append(row)
    for day in days(first, last):
        for row in by_weekday.get(day.weekday(), ()):
            if (
                row.is_valid_on(day)
                and day not in closed[row.centre_id]
                and not absent(row.worker_id, day)
            ):
                result[row.centre_id].append(
                    PlannedShift(
                        row.centre_id,
                        row.worker_id,
                        local_datetime(day, row.starts),
                        local_datetime(day, row.ends),
                        rota_id=row.pk,
                    )
                )
    for shift in one_off:
        if not absent(shift.worker_id, timezone.localdate(shift.starts)):
            result[shift.centre_id].append(
                PlannedShift(
                    shift.centre_id, shift.worker_id, shift.starts, shift.ends, shift_id=shift.pk
                )
            )
    for shifts in result.values():
        shifts.sort(key=lambda s: (s.starts, s.ends, s.worker_id))
    return result


def fewest_qualified(centres, first, last):
    """{(centre pk, start): the fewest qualified people present} of every staffed opening
    on the local days `first` to `last`: one query (centres_staffed_openings)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT centre_id, starts, staff FROM centres_staffed_openings(%s::bigint[], %s, %s)",
            [[c.pk for c in centres], first, last],
        )
        return {(pk, starts): staff for pk, starts, staff in cursor}


@dataclass
class Staffing:
    """A staffed opening with the qualified people planned at its thinnest moment."""

    centre: object
    opening: object
    qualified: int
    shifts: list

    @property
    def at_risk(self):
        return self.qualified < 2


def staffing_at(centres, first, last):
    """[Staffing] of every staffed opening on the local days `first` to `last`, in order of
    centre and start."""
    centres = list(centres)
    if not centres:
        return []
    return _staffing(centres, first, last, *_openings_and_closed(centres, first, last))


def _openings_and_closed(centres, first, last):
    """The openings of the local days `first` to `last`, and the closed days from the day
    before to the day after (what openings_for and planned_shifts both look at)."""
    closed = closed_days(centres, first - ONE_DAY, last + ONE_DAY)
    start = local_datetime(first, datetime.time())
    end = local_datetime(last + ONE_DAY, datetime.time())
    return openings_for(centres, start, end), closed


def week_staffing(centre, monday):
    """([Opening], [Staffing]) of `centre` in the week from `monday`: every opening, and
    the staffed ones with who is planned."""
    sunday = monday + 6 * ONE_DAY
    openings, closed = _openings_and_closed([centre], monday, sunday)
    return openings[centre.pk], _staffing([centre], monday, sunday, openings, closed)


def _staffing(centres, first, last, openings, closed):
    # A shift may begin the day before an opening (a night shift): a day's margin.
    shifts = planned_shifts(centres, first - ONE_DAY, last, closed=closed)
    fewest = fewest_qualified(centres, first, last)
    result = []
    for centre in centres:
        centre_shifts = shifts[centre.pk]
        for opening in openings[centre.pk]:
            if opening.kind != OpeningKind.STAFFED:
                continue
            present = [
                s for s in centre_shifts if s.starts < opening.end and s.ends > opening.start
            ]
            qualified = fewest.get((centre.pk, opening.start), 0)
            result.append(Staffing(centre, opening, qualified, present))
    return result


def at_risk(centres, first, last):
    """The staffed openings on the local days `first` to `last` with fewer than two
    qualified people planned at some moment."""
    return [s for s in staffing_at(centres, first, last) if s.at_risk]


def upcoming_at_risk(centres, today=None):
    """at_risk over the coming LOOKAHEAD_DAYS from today, openings already over left out."""
    today = today or timezone.localdate()
    now = timezone.now()
    last = today + datetime.timedelta(days=LOOKAHEAD_DAYS - 1)
    return [s for s in at_risk(centres, today, last) if s.opening.end > now]


@transaction.atomic
def act_on_risk(centre, opening, action, worker=None):
    """Do what the leader chose for the staffed `opening` of `centre` at risk: put
    `worker` on a one-off shift over it ("staff"), turn that day's opening user-run or
    maybe open, or close the centre that day. A ValidationError, nothing saved, if the
    person cannot take it."""
    day = timezone.localdate(opening.start)
    if action == "staff":
        if StaffAbsence.objects.filter(worker=worker).between(day, day).exists():
            raise ValidationError(_("%(name)s is absent that day.") % {"name": worker})
        if Shift.objects.filter(worker=worker).overlapping(opening.start, opening.end).exists():
            raise ValidationError(
                _("%(name)s already has a shift at that time.") % {"name": worker}
            )
        if any(
            s.worker_id == worker.pk
            for s in planned_shifts([centre], day, day)[centre.pk]
            if s.starts < opening.end and s.ends > opening.start
        ):
            raise ValidationError(_("%(name)s is already on the rota then.") % {"name": worker})
        Shift.objects.create(centre=centre, worker=worker, starts=opening.start, ends=opening.end)
    elif action in (OpeningKind.USER_RUN, OpeningKind.MAYBE):
        OpeningKindChange.objects.update_or_create(
            centre=centre,
            date=day,
            starts=timezone.localtime(opening.start).time(),
            ends=timezone.localtime(opening.end).time(),
            defaults={"kind": action},
        )
    elif action == "close":
        Closure.objects.create(centre=centre, starts=day, ends=day, reason=_("Too few staff"))
    else:
        raise ValueError(action)


def new_feed_token():
    return secrets.token_urlsafe(24)


# How far back and ahead a person's feed reaches.
FEED_PAST_DAYS, FEED_AHEAD_DAYS = 14, 56


def shifts_ical(worker):
    """`worker`'s planned shifts from two weeks back to eight ahead, as iCalendar, with
    UIDs that stay the same from one fetch to the next."""
    import icalendar

    from centres.models import Centre

    today = timezone.localdate()
    centres = {c.pk: c for c in Centre.objects.filter(organisation_id=worker.organisation_id)}
    found = planned_shifts(
        list(centres.values()),
        today - datetime.timedelta(days=FEED_PAST_DAYS),
        today + datetime.timedelta(days=FEED_AHEAD_DAYS),
        worker=worker,
    )
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Værested//Vagter//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("My shifts"))
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    stamp = timezone.now()
    for rows in found.values():
        for shift in rows:
            centre = centres[shift.centre_id]
            event = icalendar.Event()
            event.add("uid", f"{shift.uid}@vaerested")
            event.add("dtstamp", stamp)
            event.add("dtstart", timezone.localtime(shift.starts))
            event.add("dtend", timezone.localtime(shift.ends))
            event.add("summary", _("Shift at %(centre)s") % {"centre": centre.name})
            if centre.address:
                event.add("location", centre.address)
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
