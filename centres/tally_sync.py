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

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import clock, services
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
    """A batch that cannot be applied; str() is the message for the device."""


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
    events = [_event(item, number) for number, item in enumerate(items, start=1)]
    late = next((e for e in events if e.at > device_now + SLACK), None)
    if late is not None:
        raise BatchRefused(
            _("An event is dated after the batch was sent (%(id)s); check the device's clock.")
            % {"id": late.id}
        )
    return Batch(device_now=device_now, events=events)


INSERT_EVENT = """
    INSERT INTO centres_tallyevent
        (id, centre_id, action, new, undoes, device_time, clock_offset, happened_at, date,
         hour, kind, received_at, state, flag, reason)
    VALUES (%(id)s, %(centre)s, %(action)s, %(new)s, %(undoes)s, %(device_time)s,
            %(offset)s, %(happened_at)s, %(date)s, %(hour)s, %(kind)s, %(received_at)s,
            %(state)s, %(flag)s, '')
    ON CONFLICT (id) DO NOTHING
    RETURNING id
"""

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


def apply_batch(*, centre, batch, now=None):
    """Apply `batch` (parse_batch) to `centre` in one transaction; return the day's
    counts ({"visits", "new_visits"}) and how many of its taps wait for the leader.

    Every event is applied at most once, whatever was sent before."""
    now = now or timezone.now()
    offset = now - batch.device_now
    clock_off = abs(offset) > LARGEST_UNFLAGGED_OFFSET
    for event in batch.events:
        if event.at + offset < EARLIEST or event.at + offset > now + SLACK:
            raise BatchRefused(
                _("An event's time is impossible even with the device's clock corrected (%(id)s).")
                % {"id": event.id}
            )
    with transaction.atomic():
        clock.share(now)
        taps = [e.id for e in batch.events if e.action == TallyEventAction.TAP]
        undone_before = set(
            TallyEvent.objects.filter(undoes__in=taps, centre=centre).values_list(
                "undoes", flat=True
            )
        )
        with connection.cursor() as cursor:
            for event in batch.events:
                _apply(cursor, centre, event, offset, clock_off, now, undone_before)
        today = timezone.localdate(now)
        counted = VisitCount.objects.filter(centre=centre, date=today).totals()
        waiting = TallyEvent.objects.filter(centre=centre).flagged().count()
    return {**counted, "flagged": waiting}


def _apply(cursor, centre, event, offset, clock_off, now, undone_before):
    happened = timezone.localtime(event.at + offset)
    values = {
        "id": event.id,
        "centre": centre.pk,
        "action": event.action,
        "new": event.new,
        "undoes": event.undoes,
        "device_time": event.at,
        "offset": offset,
        "happened_at": happened,
        "date": happened.date(),
        "hour": happened.hour,
        "received_at": now,
        "flag": "",
        "kind": "",
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
        kind = services.visit_kind_at(centre, happened)
        cursor.execute(INSERT_EVENT, {**values, "kind": kind, "state": state, "flag": flag})
        if cursor.fetchone() is not None and state == TallyEventState.COUNTED:
            services.add_visits(
                centre=centre,
                date=happened.date(),
                hour=happened.hour,
                kind=kind,
                visits=1,
                new_visits=int(event.new),
            )
        return
    cursor.execute(INSERT_EVENT, {**values, "state": TallyEventState.APPLIED})
    if cursor.fetchone() is None:
        return
    cursor.execute(UNDO_TAP, {"tap": event.undoes, "centre": centre.pk})
    row = cursor.fetchone()
    if row is None:
        TallyEvent.objects.filter(pk=event.id).update(state=TallyEventState.NO_EFFECT)
        return
    state, date, hour, kind, new = row
    if state in TALLY_COUNTED_STATES:
        services.undo_tap(
            centre=centre, tap={"date": date.isoformat(), "hour": hour, "kind": kind, "new": new}
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
    clock.share(now)
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
