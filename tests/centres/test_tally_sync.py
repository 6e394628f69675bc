"""Taps from a counter's queue: each id applied at most once, undo once, counted in the
hour they happened on the device (its clock corrected), late or off-clock taps kept
flagged for the leader, and the day and heat summaries exact throughout."""

import datetime
import threading
import uuid
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import tally_sync
from centres.models import TallyEvent, TallyEventState, TallyFlag, VisitCount, VisitDay, VisitHeat
from centres.tally_sync import Batch, Event
from tests.centres.factories import CentreFactory
from tests.summary_support import assert_recounted

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
NOW = datetime.datetime(2026, 11, 3, 10, 30, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


def tap(at, new=False, event_id=None):
    return Event(id=event_id or uuid.uuid4(), action="tap", new=new, at=at)


def undo(of, at):
    return Event(id=uuid.uuid4(), action="undo", new=of.new, at=at, undoes=of.id)


def batch(*events, device_now=NOW):
    return Batch(device_now=device_now, events=list(events))


def counted(centre):
    return VisitCount.objects.filter(centre=centre).totals()


def assert_summaries_exact():
    assert_recounted(VisitDay, VisitHeat)


def test_a_batch_sent_twice_counts_once(db):
    centre = CentreFactory()
    sent = batch(tap(NOW - 5 * MINUTE), tap(NOW - 4 * MINUTE, new=True), tap(NOW - MINUTE))
    first = tally_sync.apply_batch(centre=centre, batch=sent, now=NOW)
    again = tally_sync.apply_batch(centre=centre, batch=sent, now=NOW + MINUTE)
    assert counted(centre) == {"visits": 3, "new_visits": 1}
    assert first["visits"] == again["visits"] == 3
    assert TallyEvent.objects.count() == 3
    assert_summaries_exact()


def test_a_tap_counts_in_the_hour_it_happened_on_the_device(db):
    centre = CentreFactory()
    # The device's clock is 20 minutes slow; the tap was made at 09:50 UTC (10:50 local).
    slow = 20 * MINUTE
    true_moment = datetime.datetime(2026, 11, 3, 9, 50, tzinfo=datetime.UTC)
    sent = batch(tap(true_moment - slow), device_now=NOW - slow)
    tally_sync.apply_batch(centre=centre, batch=sent, now=NOW)
    row = VisitCount.objects.get(centre=centre)
    assert (row.date, row.hour) == (datetime.date(2026, 11, 3), 10)
    event = TallyEvent.objects.get()
    assert event.happened_at == true_moment and event.clock_offset == slow
    assert event.state == TallyEventState.COUNTED


def test_an_undo_takes_its_tap_back_once(db):
    centre = CentreFactory()
    first = tap(NOW - 3 * MINUTE, new=True)
    tally_sync.apply_batch(centre=centre, batch=batch(first, tap(NOW - 2 * MINUTE)), now=NOW)
    # Two undos of one tap (a double press on two tabs), the second batch sent twice.
    one, two = undo(first, NOW - MINUTE), undo(first, NOW - MINUTE)
    tally_sync.apply_batch(centre=centre, batch=batch(one), now=NOW)
    tally_sync.apply_batch(centre=centre, batch=batch(two), now=NOW)
    tally_sync.apply_batch(centre=centre, batch=batch(two), now=NOW)
    assert counted(centre) == {"visits": 1, "new_visits": 0}
    assert TallyEvent.objects.get(pk=first.id).state == TallyEventState.UNDONE
    assert TallyEvent.objects.get(pk=one.id).state == TallyEventState.APPLIED
    assert TallyEvent.objects.get(pk=two.id).state == TallyEventState.NO_EFFECT
    assert_summaries_exact()


def test_a_tap_and_its_undo_in_one_batch_count_nothing(db):
    centre = CentreFactory()
    made = tap(NOW - 2 * MINUTE)
    tally_sync.apply_batch(centre=centre, batch=batch(made, undo(made, NOW - MINUTE)), now=NOW)
    assert counted(centre) == {"visits": 0, "new_visits": 0}
    assert_summaries_exact()


def test_an_undo_that_arrives_before_its_tap_keeps_the_tap_out(db):
    centre = CentreFactory()
    made = tap(NOW - 2 * MINUTE)
    tally_sync.apply_batch(centre=centre, batch=batch(undo(made, NOW - MINUTE)), now=NOW)
    tally_sync.apply_batch(centre=centre, batch=batch(made), now=NOW)
    assert counted(centre) == {"visits": 0, "new_visits": 0}
    assert TallyEvent.objects.get(pk=made.id).state == TallyEventState.UNDONE


def test_a_tap_older_than_48_hours_waits_flagged_and_is_not_counted(db):
    centre = CentreFactory()
    old = tap(NOW - 49 * HOUR)
    result = tally_sync.apply_batch(centre=centre, batch=batch(old, tap(NOW)), now=NOW)
    assert counted(centre)["visits"] == 1
    assert result["flagged"] == 1
    event = TallyEvent.objects.get(pk=old.id)
    assert (event.state, event.flag) == (TallyEventState.FLAGGED, TallyFlag.OLD)


def test_a_clock_more_than_an_hour_off_flags_the_whole_batch(db):
    centre = CentreFactory()
    fast = 2 * HOUR
    sent = batch(tap(NOW + fast - MINUTE), tap(NOW + fast), device_now=NOW + fast)
    tally_sync.apply_batch(centre=centre, batch=sent, now=NOW)
    assert counted(centre)["visits"] == 0
    assert set(TallyEvent.objects.values_list("flag", flat=True)) == {TallyFlag.CLOCK}
    # Kept with the corrected time, not moved.
    assert {e.happened_at for e in TallyEvent.objects.all()} == {NOW - MINUTE, NOW}


def test_the_leader_confirms_a_flagged_tap_into_its_hour(db, world):
    made = tap(NOW - 50 * HOUR, new=True)
    tally_sync.apply_batch(centre=world.centre_a, batch=batch(made), now=NOW)
    event = TallyEvent.objects.get(pk=made.id)
    tally_sync.confirm_flagged_tap(event=event, by=world.leader, now=NOW)
    local = (NOW - 50 * HOUR).astimezone(COPENHAGEN)
    row = VisitCount.objects.get(centre=world.centre_a)
    assert (row.date, row.hour, row.visits, row.new_visits) == (local.date(), local.hour, 1, 1)
    event.refresh_from_db()
    assert (event.state, event.decided_by, event.decided_at) == (
        TallyEventState.CONFIRMED,
        world.leader,
        NOW,
    )
    with pytest.raises(ValidationError):
        tally_sync.confirm_flagged_tap(event=event, by=world.leader, now=NOW)
    assert counted(world.centre_a)["visits"] == 1
    assert_summaries_exact()
    # A confirmed tap can still be undone from the counter, once.
    tally_sync.apply_batch(centre=world.centre_a, batch=batch(undo(made, NOW)), now=NOW)
    assert counted(world.centre_a)["visits"] == 0
    assert_summaries_exact()


def test_the_leader_discards_a_flagged_tap_only_with_a_reason(db, world):
    made = tap(NOW - 50 * HOUR)
    tally_sync.apply_batch(centre=world.centre_a, batch=batch(made), now=NOW)
    event = TallyEvent.objects.get(pk=made.id)
    with pytest.raises(ValidationError):
        tally_sync.discard_flagged_tap(event=event, by=world.leader, reason="  ", now=NOW)
    tally_sync.discard_flagged_tap(event=event, by=world.leader, reason="Testtryk", now=NOW)
    event.refresh_from_db()
    assert (event.state, event.reason) == (TallyEventState.DISCARDED, "Testtryk")
    assert counted(world.centre_a)["visits"] == 0


def test_an_undone_flagged_tap_no_longer_waits(db):
    centre = CentreFactory()
    made = tap(NOW - 50 * HOUR)
    tally_sync.apply_batch(centre=centre, batch=batch(made, undo(made, NOW)), now=NOW)
    assert not TallyEvent.objects.flagged().exists()
    assert counted(centre)["visits"] == 0


def test_an_impossible_corrected_time_refuses_the_batch_whole(db):
    centre = CentreFactory()
    # The device's clock jumped between the tap and the send: one tap lands before 2000.
    sent = batch(tap(NOW - MINUTE), tap(datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)))
    with pytest.raises(tally_sync.BatchRefused):
        tally_sync.apply_batch(
            centre=centre,
            batch=Batch(device_now=NOW + 20 * 365 * 24 * HOUR, events=sent.events),
            now=NOW,
        )
    assert not TallyEvent.objects.exists() and counted(centre)["visits"] == 0


# Both summer-time switches of 2026 (UTC): clocks forward 29 March 01:00, back 25 October.
SWITCHES = [
    datetime.datetime(2026, 3, 29, 1, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 1, tzinfo=datetime.UTC),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    switch=st.sampled_from(SWITCHES),
    before=st.integers(min_value=-180, max_value=180),
    skew=st.integers(min_value=-59 * 60, max_value=59 * 60),
    delay=st.integers(min_value=0, max_value=47 * 60),
)
def test_the_corrected_hour_is_the_local_hour_of_the_true_moment_across_dst(
    db, switch, before, skew, delay
):
    """A device whose clock is `skew` seconds off taps at a true moment near a summer-time
    switch and sends `delay` minutes later: the tap counts in the local hour of the true
    moment, whichever side of the switch."""
    centre = CentreFactory()
    true_moment = switch + datetime.timedelta(minutes=before)
    server_now = true_moment + datetime.timedelta(minutes=delay)
    off = datetime.timedelta(seconds=skew)
    sent = batch(tap(true_moment + off), device_now=server_now + off)
    tally_sync.apply_batch(centre=centre, batch=sent, now=server_now)
    local = true_moment.astimezone(COPENHAGEN)
    row = VisitCount.objects.get(centre=centre)
    assert (row.date, row.hour) == (local.date(), local.hour)
    assert TallyEvent.objects.get(centre=centre).happened_at == true_moment


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_at_once_over_two_connections_counts_once():
    centre = CentreFactory()
    sent = batch(*[tap(NOW - i * MINUTE, new=i % 3 == 0) for i in range(1, 41)])
    barrier = threading.Barrier(2)
    errors = []

    def send():
        try:
            barrier.wait()
            tally_sync.apply_batch(centre=centre, batch=sent, now=NOW)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert counted(centre) == {"visits": 40, "new_visits": 13}
    assert TallyEvent.objects.count() == 40
    assert_summaries_exact()


def test_applied_ids_are_purged_after_a_week_and_a_late_copy_waits_for_the_leader(db):
    import io

    from django.core.management import call_command

    centre = CentreFactory()
    made = tap(NOW - MINUTE)
    tally_sync.apply_batch(centre=centre, batch=batch(made, tap(NOW - 60 * HOUR)), now=NOW)
    later = NOW + datetime.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        call_command("purge_tally_events", stdout=io.StringIO())
    # The flagged tap stays for the leader; the counted one's id is gone.
    assert list(TallyEvent.objects.values_list("state", flat=True)) == ["flagged"]
    # Its batch sent once more, a week late: kept for the leader, not counted twice.
    tally_sync.apply_batch(centre=centre, batch=batch(made, device_now=later), now=later)
    assert counted(centre)["visits"] == 1
    assert TallyEvent.objects.get(pk=made.id).flag == TallyFlag.OLD
