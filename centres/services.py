"""Writes that must be safe under concurrency or span several rows: tallies and key loans."""

import datetime
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from centres import openings, validity
from centres.models import (
    DayEntry,
    FobStatus,
    KeyLoan,
    OpeningKind,
    Shift,
    VisitCount,
    VisitKind,
)

# --- Visit tallies ----------------------------------------------------------------------

UPSERT_VISITS = """
    INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits)
    VALUES (%s, %s, %s, %s, %s, %s)
    ON CONFLICT (centre_id, date, hour, kind)
    DO UPDATE SET visits = centres_visitcount.visits + EXCLUDED.visits,
                  new_visits = centres_visitcount.new_visits + EXCLUDED.new_visits
"""


# The tally kind of a visit at a moment: user-run during an opening in progress that is
# not staffed (user-run or maybe open, and no staffed one beside it), otherwise staffed
# (staff are the ones tapping).
VISIT_KIND_AT = f"""
SELECT CASE WHEN ({openings.KIND_AT}) <> '{OpeningKind.STAFFED}'
    THEN '{VisitKind.USER_RUN}' ELSE '{VisitKind.STAFFED}' END
"""


def visit_kind_at(centre, moment):
    """The tally kind for a visit to `centre` at `moment` (VISIT_KIND_AT)."""
    with connection.cursor() as cursor:
        cursor.execute(VISIT_KIND_AT, openings.kind_at_params(centre.pk, moment))
        return VisitKind(cursor.fetchone()[0])


def add_visits(*, centre, date, hour, kind, visits, new_visits=0):
    """Add to a counter in one statement, so two phones tapping at once never lose a count.

    The counter row is created on the first tap of the hour (INSERT … ON CONFLICT DO
    UPDATE adds to it atomically in the database).
    """
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_VISITS, [centre.pk, date, hour, kind, visits, new_visits])


# A tap, and the day's counts per kind with it, the tapped kind marked. The counts are
# read in the statement's snapshot, which does not hold the tapped row's new values: those
# come from RETURNING. The kind is the one given, or else that of the opening in progress
# (VISIT_KIND_AT), decided in the same statement.
TAP_AND_COUNT = f"""
    WITH tapped AS (
        INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits)
        VALUES (%(centre)s, %(date)s, %(hour)s,
                coalesce(%(kind)s, ({VISIT_KIND_AT})), 1, %(new)s)
        ON CONFLICT (centre_id, date, hour, kind)
        DO UPDATE SET visits = centres_visitcount.visits + 1,
                      new_visits = centres_visitcount.new_visits + EXCLUDED.new_visits
        RETURNING kind, visits, new_visits
    )
    SELECT kind, sum(visits), sum(new_visits), bool_or(tap) FROM (
        SELECT kind, visits, new_visits, false AS tap FROM centres_visitcount
        WHERE centre_id = %(centre)s AND date = %(date)s
            AND (hour IS DISTINCT FROM %(hour)s OR kind <> (SELECT kind FROM tapped))
        UNION ALL
        SELECT kind, visits, new_visits, true FROM tapped
    ) AS day
    GROUP BY kind ORDER BY kind
"""


def tap_and_count(*, centre, new=False, at=None, kind=None):
    """Count one visitor (and one new visitor if `new`) at `at`, default now; return the
    tap's key for undo and the day's counts per kind, as VisitCount.objects.per_kind()
    gives them. One statement; `kind` defaults to the kind of the opening in progress
    (see visit_kind_at)."""
    at = timezone.localtime(at or timezone.now())
    values = {
        **openings.kind_at_params(centre.pk, at),
        "date": at.date(),
        "hour": at.hour,
        "kind": kind,
        "new": int(new),
    }
    with connection.cursor() as cursor:
        cursor.execute(TAP_AND_COUNT, values)
        rows = cursor.fetchall()
    kind = next(k for k, _total, _new, tapped in rows if tapped)
    counts = [{"kind": k, "total": total, "new": n} for k, total, n, _tapped in rows]
    tap = {"date": at.date().isoformat(), "hour": at.hour, "kind": kind, "new": bool(new)}
    return tap, counts


def record_tap(*, centre, new=False, at=None, kind=None):
    """tap_and_count without the counts: the tap's key for undo."""
    return tap_and_count(centre=centre, new=new, at=at, kind=kind)[0]


def undo_tap(*, centre, tap):
    """Take back one tap made by record_tap; return False if there was nothing to take."""
    counters = VisitCount.objects.filter(
        centre=centre,
        date=datetime.date.fromisoformat(tap["date"]),
        hour=tap["hour"],
        kind=tap["kind"],
        visits__gt=0,
    )
    if tap["new"]:
        return bool(
            counters.filter(new_visits__gt=0).update(
                visits=F("visits") - 1, new_visits=F("new_visits") - 1
            )
        )
    # Never take a plain visit that would leave more new visitors than visits.
    return bool(counters.filter(visits__gt=F("new_visits")).update(visits=F("visits") - 1))


@transaction.atomic
def set_day_figures(*, centre, date, kind, visits, new_visits, entry=DayEntry.REPLACE):
    """Enter a day's figures afterwards; return the day's DayFigures for `kind` after.

    ADD adds `visits` and `new_visits` to the day's figures. REPLACE makes them the day's
    figures: the hourly taps stay as they were, so the hours of the day keep what was
    counted in them, and the figure entered afterwards (the hourless counter) becomes the
    difference. A replace that would count fewer visitors or new visitors than the taps
    already hold is refused with a ValidationError saying so; nothing is changed then.
    """
    if new_visits > visits:
        raise ValidationError(_("New visitors cannot be more than all visitors."))
    day = VisitCount.objects.filter(centre=centre, date=date, kind=kind)
    if entry == DayEntry.ADD:
        if visits:
            add_visits(
                centre=centre,
                date=date,
                hour=None,
                kind=kind,
                visits=visits,
                new_visits=new_visits,
            )
        return day.day_figures()
    # Hold the day's counters while the difference is worked out: an undo in between
    # would otherwise leave the day off the number entered. A tap in a new hour can still
    # come (there is no row to hold); it counts on top, as a visitor after the entry would.
    list(day.select_for_update().values_list("pk", flat=True))
    tapped = day.filter(hour__isnull=False).day_figures()
    refuse_replace_below_taps(tapped, date=date, kind=kind, visits=visits, new_visits=new_visits)
    afterwards, afterwards_new = visits - tapped.tapped, new_visits - tapped.tapped_new
    if afterwards:
        VisitCount.objects.update_or_create(
            centre=centre,
            date=date,
            hour=None,
            kind=kind,
            defaults={"visits": afterwards, "new_visits": afterwards_new},
        )
    else:
        day.filter(hour__isnull=True).delete()
    return replace(tapped, afterwards=afterwards, afterwards_new=afterwards_new)


def refuse_replace_below_taps(tapped, *, date, kind, visits, new_visits):
    """Raise a ValidationError if replacing the day's figures with `visits` and
    `new_visits` would need a negative figure entered afterwards."""
    values = {
        "date": formats.date_format(date, "SHORT_DATE_FORMAT"),
        "kind": VisitKind(kind).label.lower(),
        "tapped": tapped.tapped,
        "tapped_new": tapped.tapped_new,
    }
    if visits < tapped.tapped:
        raise ValidationError(
            _(
                "The counter already holds %(tapped)s visitors on %(date)s (%(kind)s), so "
                "the day cannot have fewer. Enter at least %(tapped)s, or choose to add to "
                "the day's figures."
            )
            % values
        )
    if new_visits < tapped.tapped_new:
        raise ValidationError(
            _(
                "The counter already holds %(tapped_new)s new visitors on %(date)s "
                "(%(kind)s), so the day cannot have fewer. Enter at least %(tapped_new)s "
                "new visitors."
            )
            % values
        )
    most_new = tapped.tapped_new + (visits - tapped.tapped)
    if new_visits > most_new:
        raise ValidationError(
            _(
                "The counter already holds %(tapped)s visitors on %(date)s (%(kind)s), "
                "%(tapped_new)s of them new. Of the %(extra)s visitors beyond the counter's "
                "at most %(extra)s can be new, so the day can have at most %(most_new)s new "
                "visitors."
            )
            % {**values, "extra": visits - tapped.tapped, "most_new": most_new}
        )


# --- Key loans --------------------------------------------------------------------------


class FobUnavailable(ValidationError):
    pass


def lend_fob(*, fob, holder, issued, by=None):
    """Lend `fob` to `holder`; raise FobUnavailable with a Danish message if the fob is
    not active or already lent (also when another person lent it a moment ago)."""
    if fob.status != FobStatus.ACTIVE:
        raise FobUnavailable(
            _("Key fob %(number)s is %(status)s and cannot be lent.")
            % {"number": fob.number, "status": fob.get_status_display().lower()}
        )
    try:
        with transaction.atomic():
            return KeyLoan.objects.create(fob=fob, holder=holder, issued=issued, issued_by=by)
    except IntegrityError:
        current = KeyLoan.objects.open().filter(fob=fob).select_related("holder").first()
        who = current.holder.alias if current else _("someone")
        raise FobUnavailable(
            _(
                "Key fob %(number)s is already lent to %(holder)s. Register it as "
                "returned before lending it again."
            )
            % {"number": fob.number, "holder": who}
        ) from None


@transaction.atomic
def return_fob(*, loan, returned):
    """Close an open loan; refuse a return date before the issue date. False if someone
    closed it a moment ago. Saved row by row, so the loan's history records the return."""
    if returned < loan.issued:
        raise ValidationError(_("The return date cannot be before the loan was issued."))
    loan = KeyLoan.objects.select_for_update().filter(pk=loan.pk, returned__isnull=True).first()
    if loan is None:
        return False
    loan.returned = returned
    loan.save(update_fields=["returned"])
    return True


@transaction.atomic
def report_fob_lost(*, fob, date):
    """Mark `fob` lost on `date` and close its open loan as lost."""
    loan = KeyLoan.objects.open().filter(fob=fob).first()
    if loan is not None:
        loan.returned = max(date, loan.issued)
        loan.lost = True
        loan.save(update_fields=["returned", "lost"])
    fob.status = FobStatus.LOST
    fob.status_changed = date
    fob.save(update_fields=["status", "status_changed"])


@transaction.atomic
def retire_fob(*, fob, date):
    """Take `fob` out of use; an open loan is closed as returned on `date`."""
    loan = KeyLoan.objects.open().filter(fob=fob).first()
    if loan is not None:
        loan.returned = max(date, loan.issued)
        loan.save(update_fields=["returned"])
    fob.status = FobStatus.RETIRED
    fob.status_changed = date
    fob.save(update_fields=["status", "status_changed"])


@transaction.atomic
def find_fob(*, fob, date):
    """A fob marked lost has turned up: it is active again from `date` (its loan stays
    closed; the fob's history keeps the loss)."""
    fob = type(fob).objects.select_for_update().get(pk=fob.pk)
    if fob.status != FobStatus.LOST:
        raise ValidationError(_("Only a lost key fob can be found again."))
    if fob.status_changed and date < fob.status_changed:
        raise ValidationError(_("The date cannot be before the fob was marked as lost."))
    fob.status = FobStatus.ACTIVE
    fob.status_changed = date
    fob.save(update_fields=["status", "status_changed"])
    return fob


# --- User-run openings ------------------------------------------------------------------


@transaction.atomic
def record_user_run(*, opening, took_place, visitors, locked_properly, unsafe_event):
    """Record what happened at a user-run opening; its visitors go into the tallies."""
    from centres.models import UserRunOpening

    opening = UserRunOpening.objects.select_for_update().get(pk=opening.pk)
    before = opening.visitors or 0
    after = (visitors or 0) if took_place else 0
    opening.took_place = took_place
    opening.visitors = after if took_place else None
    opening.locked_properly = locked_properly
    opening.unsafe_event = unsafe_event
    opening.recorded_at = timezone.now()
    opening.save()
    if after != before:
        start = timezone.localtime(opening.starts)
        add_visits(
            centre=opening.centre,
            date=start.date(),
            hour=start.hour,
            kind=VisitKind.USER_RUN,
            visits=after - before,
        )
    return opening


# --- Shifts -----------------------------------------------------------------------------


@transaction.atomic
def shift_delete(*, shift, reason=""):
    """Delete a shift of today or later; one of an earlier day is the staffing record
    and goes only as a correction with a reason (kept in its history)."""
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    day = timezone.localdate(shift.starts)
    validity.plan_delete(first_day=day, last_day=day, correction=bool(reason), can_end=False)
    validity.with_reason(shift, reason).delete()
    return validity.DELETE
