"""Taps sent in batches from a counter's queue: checked whole, then applied at most once.

A counter that loses its connection keeps its taps and undos in the browser, each with
an id made on the device, and sends them when it can (static/js/tally-queue.js). The
server inserts each id into centres_tallyevent in the same transaction as the counter it
changes; an id already there changes nothing, so a batch sent twice counts once.

Time: the batch carries the device's clock at sending; the tap counts in the hour it
happened on the device, moved by the difference between the server's clock and the
device's. A tap more than 48 hours old, or from a batch whose clock was more than an
hour off, is kept flagged for the leader (confirm_flagged_tap / discard_flagged_tap).
"""

import datetime
import json
import uuid
from dataclasses import dataclass

import psycopg
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import services
from centres.models import (
    TALLY_COUNTED_STATES,
    TallyEvent,
    TallyEventAction,
    TallyEventState,
    TallyFlag,
    VisitCount,
)

MAX_EVENTS = 500
MAX_BODY_BYTES = 200_000
OLDEST_UNFLAGGED = datetime.timedelta(hours=48)
LARGEST_UNFLAGGED_OFFSET = datetime.timedelta(hours=1)
# A device stamps a tap before it sends it; a little slack for its clock's own steps.
SLACK = datetime.timedelta(minutes=1)
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class BatchRefused(ValueError):
    """A batch that cannot be applied; str() is the message for the device, `event` the
    id of the event to blame, when one is (the device sets it aside and sends the rest)."""

    def __init__(self, message, event=None):
        super().__init__(message)
        self.event = event


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    action: str
    new: bool
    at: datetime.datetime
    undoes: uuid.UUID | None = None


@dataclass(frozen=True)
class Batch:
    device_now: datetime.datetime
    events: list


def _moment(value, what):
    # Milliseconds since 1970 (JavaScript's Date.now()): no time zone to get wrong.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BatchRefused(_("%(what)s must be a time in milliseconds.") % {"what": what})
    try:
        moment = datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        raise BatchRefused(_("%(what)s is not a possible time.") % {"what": what}) from None
    if not EARLIEST <= moment <= datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC):
        raise BatchRefused(_("%(what)s is not a possible time.") % {"what": what})
    return moment


def _uuid(value):
    """The UUID written as `value` in its 36-character form, else None."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _event(item, number):
    label = _("Event %(number)s") % {"number": number}
    if not isinstance(item, dict):
        raise BatchRefused(_("%(event)s is not an object.") % {"event": label})
    event_id = _uuid(item.get("id"))
    if event_id is None:
        raise BatchRefused(_("%(event)s has no valid id (a UUID).") % {"event": label})
    try:
        return _checked_event(item, event_id, label)
    except BatchRefused as refused:
        raise BatchRefused(str(refused), event=event_id) from None


def _checked_event(item, event_id, label):
    action = item.get("action")
    if action not in TallyEventAction.values:
        raise BatchRefused(_("%(event)s must be a tap or an undo.") % {"event": label})
    new = item.get("new", False)
    if not isinstance(new, bool):
        raise BatchRefused(_("%(event)s: “new” must be true or false.") % {"event": label})
    undoes = None
    if action == TallyEventAction.UNDO:
        undoes = _uuid(item.get("undoes"))
        if undoes is None:
            raise BatchRefused(
                _("%(event)s: an undo must name the tap it undoes (a UUID).") % {"event": label}
            )
    at = _moment(item.get("at"), label)
    return Event(id=event_id, action=action, new=new, at=at, undoes=undoes)


def parse_batch(body):
    """The Batch in the request body `body` (bytes); BatchRefused says what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise BatchRefused(
            _("The batch is too large. Send at most %(n)s taps at a time.") % {"n": MAX_EVENTS}
        )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BatchRefused(_("The batch is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise BatchRefused(_("The batch must be an object with a list of events."))
    items = data["events"]
    if len(items) > MAX_EVENTS:
        raise BatchRefused(
            _("The batch is too large. Send at most %(n)s taps at a time.") % {"n": MAX_EVENTS}
        )
    device_now = _moment(data.get("sent_at"), _("The sending time"))
    events, seen = [], set()
    for number, item in enumerate(items, start=1):
        event = _event(item, number)
        if event.id not in seen:  # the same id twice in one batch is one event
            seen.add(event.id)
            events.append(event)
    late = next((e for e in events if e.at > device_now + SLACK), None)
    if late is not None:
        raise BatchRefused(
            _("An event is dated after the batch was sent (%(id)s); check the device's clock.")
            % {"id": late.id},
            event=late.id,
        )
    return Batch(device_now=device_now, events=events)


EVENT_COLUMNS = (
    "id, centre_id, action, new, undoes, device_time, clock_offset, happened_at, date, "
    "hour, kind, received_at, state, flag, reason"
)

# Take a tap back once: the row is locked and moved to "undone" in one statement, which
# returns what it was, so two undos of one tap cannot both take a visitor off.
UNDO_TAP = """
    WITH old AS (
        SELECT id, state FROM centres_tallyevent
        WHERE id = %(tap)s AND centre_id = %(centre)s AND action = 'tap'
            AND state IN ('counted', 'confirmed', 'flagged')
        FOR UPDATE
    )
    UPDATE centres_tallyevent AS tap SET state = 'undone'
    FROM old WHERE tap.id = old.id
    RETURNING old.state, tap.date, tap.hour, tap.kind, tap.new
"""

# Batches of one centre wait for each other (a transaction-scoped advisory lock): two
# batches that touch the same hours would otherwise lock counters in different orders.
LOCK_NAMESPACE = 20_0620
RETRIES = 3


def apply_batch(*, centre, batch, now=None):
    """Apply `batch` (parse_batch) to `centre` in one transaction; return the day's
    counts ({"visits", "new_visits"}) and how many of its taps wait for the leader.

    Every event is applied at most once, whatever was sent before. A transaction that
    lost a deadlock to a single tap is run again (it changed nothing)."""
    now = now or timezone.now()
    offset = now - batch.device_now
    for event in batch.events:
        if event.at + offset < EARLIEST or event.at + offset > now + SLACK:
            raise BatchRefused(
                _("An event's time is impossible even with the device's clock corrected (%(id)s).")
                % {"id": event.id},
                event=event.id,
            )
    for attempt in range(RETRIES + 1):
        try:
            return _apply_batch(centre, batch, offset, now)
        except OperationalError as error:
            retry = isinstance(error.__cause__, psycopg.errors.DeadlockDetected)
            if not retry or attempt == RETRIES or connection.in_atomic_block:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _apply_batch(centre, batch, offset, now):
    clock_off = abs(offset) > LARGEST_UNFLAGGED_OFFSET
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, centre.pk])
        taps = [e.id for e in batch.events if e.action == TallyEventAction.TAP]
        undone_before = set(
            TallyEvent.objects.filter(undoes__in=taps, centre=centre).values_list(
                "undoes", flat=True
            )
        )
        rows = [_row(centre, e, offset, clock_off, now, undone_before) for e in batch.events]
        inserted = _insert(cursor, rows)
        adds, takes = {}, []
        for row in rows:
            if row["id"] not in inserted:
                continue  # sent before: applied then
            if row["action"] == TallyEventAction.TAP:
                if row["state"] == TallyEventState.COUNTED:
                    adds[row["id"]] = (row["date"], row["hour"], row["kind"], row["new"])
                continue
            cursor.execute(UNDO_TAP, {"tap": row["undoes"], "centre": centre.pk})
            found = cursor.fetchone()
            if found is None:
                TallyEvent.objects.filter(pk=row["id"]).update(state=TallyEventState.NO_EFFECT)
            elif found[0] in TALLY_COUNTED_STATES and adds.pop(row["undoes"], None) is None:
                takes.append(found[1:])  # counted in an earlier batch: take it off
        _add(cursor, centre, adds.values())
    for date, hour, kind, new in takes:
        services.undo_tap(
            centre=centre, tap={"date": date.isoformat(), "hour": hour, "kind": kind, "new": new}
        )
    today = timezone.localdate(now)
    counted = VisitCount.objects.filter(centre=centre, date=today).totals()
    waiting = TallyEvent.objects.filter(centre=centre).flagged().count()
    return {**counted, "flagged": waiting}


def _row(centre, event, offset, clock_off, now, undone_before):
    happened = timezone.localtime(event.at + offset)
    row = {
        "id": event.id,
        "centre_id": centre.pk,
        "action": event.action,
        "new": event.new,
        "undoes": event.undoes,
        "device_time": event.at,
        "clock_offset": offset,
        "happened_at": happened,
        "date": happened.date(),
        "hour": happened.hour,
        "kind": "",
        "received_at": now,
        "state": TallyEventState.APPLIED,
        "flag": "",
        "reason": "",
    }
    if event.action == TallyEventAction.TAP:
        flag = ""
        if clock_off:
            flag = TallyFlag.CLOCK
        elif now - happened > OLDEST_UNFLAGGED:
            flag = TallyFlag.OLD
        if event.id in undone_before:
            state = TallyEventState.UNDONE
        else:
            state = TallyEventState.FLAGGED if flag else TallyEventState.COUNTED
        row.update(kind=services.visit_kind_at(centre, happened), state=state, flag=flag)
    return row


def _insert(cursor, rows):
    """Insert the events' rows in one statement; return the ids that were new."""
    if not rows:
        return set()
    names = [name.strip() for name in EVENT_COLUMNS.split(",")]
    placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
    cursor.execute(
        f"INSERT INTO centres_tallyevent ({EVENT_COLUMNS}) VALUES "
        + ", ".join([placeholders] * len(rows))
        + " ON CONFLICT (id) DO NOTHING RETURNING id",
        [row[name] for row in rows for name in names],
    )
    return {found for (found,) in cursor.fetchall()}


def _add(cursor, centre, taps):
    """Count `taps` ((date, hour, kind, new) each) in one statement, counters in order.

    One statement: its counters are locked first (in order), then the summaries by the
    statement's trigger, as a single tap does, so a batch and a tap never wait on each
    other crosswise."""
    per_hour = {}
    for date, hour, kind, new in taps:
        visits, new_visits = per_hour.get((date, hour, kind), (0, 0))
        per_hour[(date, hour, kind)] = (visits + 1, new_visits + int(new))
    if not per_hour:
        return
    values = [
        (centre.pk, date, hour, kind, visits, new_visits)
        for (date, hour, kind), (visits, new_visits) in sorted(per_hour.items())
    ]
    cursor.execute(
        "INSERT INTO centres_visitcount (centre_id, date, hour, kind, visits, new_visits) "
        "VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(values))
        + " ON CONFLICT (centre_id, date, hour, kind) DO UPDATE SET "
        "visits = centres_visitcount.visits + EXCLUDED.visits, "
        "new_visits = centres_visitcount.new_visits + EXCLUDED.new_visits",
        [value for row in values for value in row],
    )


def _flagged_for_update(event):
    found = TallyEvent.objects.select_for_update().filter(pk=event.pk).flagged().first()
    if found is None:
        raise ValidationError(_("This tap has already been decided."))
    return found


@transaction.atomic
def confirm_flagged_tap(*, event, by, now=None):
    """Count a flagged tap in the hour it happened (corrected); the leader `by` decided."""
    now = now or timezone.now()
    event = _flagged_for_update(event)
    local = timezone.localtime(event.happened_at)
    services.add_visits(
        centre=event.centre,
        date=local.date(),
        hour=local.hour,
        kind=event.kind,
        visits=1,
        new_visits=int(event.new),
    )
    event.state = TallyEventState.CONFIRMED
    event.decided_by, event.decided_at = by, now
    event.save(update_fields=["state", "decided_by", "decided_at"])
    return event


@transaction.atomic
def discard_flagged_tap(*, event, by, reason, now=None):
    """Keep a flagged tap out of the counts, with the leader's reason."""
    if not reason.strip():
        raise ValidationError(_("Say why the tap is discarded."))
    now = now or timezone.now()
    event = _flagged_for_update(event)
    event.state = TallyEventState.DISCARDED
    event.decided_by, event.decided_at, event.reason = by, now, reason.strip()
    event.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    return event
