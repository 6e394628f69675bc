"""A change that takes effect from a date leaves every day before it as it was: opening
hours, closures and shifts (centres.validity)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from centres import validity
from centres.models import Closure, OpenDay, OpeningHours, OpeningKind, Shift
from centres.openings import local_datetime, openings_for, week_plan
from config.dashboard import pack
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, ShiftFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
ONE_DAY = datetime.timedelta(days=1)
# Thursday 3 December 2026, as when the leader found the fault.
THURSDAY = datetime.datetime(2026, 12, 3, 11, tzinfo=CPH)
AFTER_CUT = datetime.date(2023, 6, 1)


def seventy_six_f(centre):
    """76F's hours since the 2023 cut, as in the demo data."""
    rows = [
        (1, 8, 0, 16, 0, OpeningKind.STAFFED),
        (2, 8, 0, 15, 30, OpeningKind.STAFFED),
        (4, 8, 0, 14, 0, OpeningKind.STAFFED),
        (0, 10, 0, 14, 0, OpeningKind.MAYBE),
        (5, 10, 0, 14, 0, OpeningKind.MAYBE),
    ]
    return {
        weekday: OpeningHoursFactory(
            centre=centre,
            weekday=weekday,
            starts=datetime.time(h1, m1),
            ends=datetime.time(h2, m2),
            kind=kind,
            valid_from=AFTER_CUT,
        )
        for weekday, h1, m1, h2, m2, kind in rows
    }


def hours_post(row, **changes):
    data = {
        "weekday": str(row.weekday),
        "starts": f"{row.starts:%H:%M}",
        "ends": f"{row.ends:%H:%M}",
        "kind": row.kind,
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else "",
        "label": row.label,
    }
    data.update(changes)
    return data


def day_openings(centre, first, last):
    start = local_datetime(first, datetime.time())
    end = local_datetime(last + ONE_DAY, datetime.time())
    return openings_for([centre], start, end)[centre.pk]


@time_machine.travel(THURSDAY, tick=False)
def test_the_leaders_wednesday_change_keeps_this_week_and_the_years_before(world, client_for):
    """The reported case: Wednesday 08:00-15:30 becomes 08:00-14:00 from next Monday."""
    centre = world.centre_a
    wednesday = seventy_six_f(centre)[2]
    monday = datetime.date(2026, 11, 30)
    next_monday = datetime.date(2026, 12, 7)
    pack_2025 = pack.compute(
        centres=[centre], organisation_id=world.org_a.pk, year=2025, shared=False
    )
    pack_2026 = pack.compute(
        centres=[centre], organisation_id=world.org_a.pk, year=2026, shared=False
    )
    past_openings = day_openings(centre, AFTER_CUT, datetime.date(2026, 12, 2))

    client = client_for(world.leader)
    form = client.get(reverse("centres:hours_edit", args=[centre.pk, wednesday.pk]))
    assert "Ret en fejl" in form.content.decode()
    response = client.post(
        reverse("centres:hours_edit", args=[centre.pk, wednesday.pk]),
        hours_post(wednesday, ends="14:00", valid_from=next_monday.isoformat()),
        follow=True,
    )
    assert "De nye tider gælder fra 07.12.2026" in response.content.decode()

    old, new = OpeningHours.objects.filter(centre=centre, weekday=2).order_by("valid_from")
    assert (old.pk, old.valid_from, old.valid_until) == (
        wednesday.pk,
        AFTER_CUT,
        next_monday - ONE_DAY,
    )
    assert (old.starts, old.ends) == (datetime.time(8), datetime.time(15, 30))
    assert (new.valid_from, new.valid_until) == (next_monday, None)
    assert (new.starts, new.ends) == (datetime.time(8), datetime.time(14))

    # Every day before the change keeps its openings; this Wednesday is open until 15:30.
    assert day_openings(centre, AFTER_CUT, datetime.date(2026, 12, 2)) == past_openings
    this_week = day_openings(centre, monday, monday + 6 * ONE_DAY)
    assert any(
        o.start == datetime.datetime(2026, 12, 2, 8, tzinfo=CPH)
        and o.end == datetime.datetime(2026, 12, 2, 15, 30, tzinfo=CPH)
        for o in this_week
    )
    days, _hours = week_plan(centre, monday)
    wednesday_plan = days[2][2]
    assert [
        (e.start.astimezone(CPH).time(), e.end.astimezone(CPH).time()) for e in wednesday_plan
    ] == [(datetime.time(8), datetime.time(15, 30))]
    next_days, _next_hours = week_plan(centre, next_monday)
    assert [e.end.astimezone(CPH).time() for e in next_days[2][2]] == [datetime.time(14)]

    # The shifts page counts this week's hours as before: Tue 8 + Wed 7.5 + Fri 6.
    shifts = client.get(reverse("centres:shifts", args=[centre.pk]) + f"?week={monday}")
    assert shifts.context["hours"][OpeningKind.STAFFED] == 21.5
    assert "21,5 bemandet" in shifts.content.decode()

    # The 2025 pack is the same, and so is the 2026 one: the running year is counted so
    # far (config/dashboard/periods.py), and the change lies ahead.
    after_2025 = pack.compute(
        centres=[centre], organisation_id=world.org_a.pk, year=2025, shared=False
    )
    after_2026 = pack.compute(
        centres=[centre], organisation_id=world.org_a.pk, year=2026, shared=False
    )
    assert after_2025.rows[0].staffed_hours_per_week == pack_2025.rows[0].staffed_hours_per_week
    assert after_2025.weeks == pack_2025.weeks
    assert after_2026.rows[0].staffed_hours_per_week == pack_2026.rows[0].staffed_hours_per_week
    assert pack_2026.rows[0].staffed_hours_per_week > 0
    assert [w for w in after_2026.weeks if w[0] < monday + 7 * ONE_DAY] == [
        w for w in pack_2026.weeks if w[0] < monday + 7 * ONE_DAY
    ]


def test_changing_the_past_is_refused_with_a_danish_message(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(centre=world.centre_a, weekday=2, valid_from=today - 30 * ONE_DAY)
    url = reverse("centres:hours_edit", args=[world.centre_a.pk, row.pk])
    client = client_for(world.leader)
    for changes in (
        {"ends": "14:00"},  # the whole rule, its past too
        {"ends": "14:00", "valid_from": (today - ONE_DAY).isoformat()},  # from yesterday
        {"valid_from": (today - 40 * ONE_DAY).isoformat()},  # an earlier start
        {"valid_until": (today - 2 * ONE_DAY).isoformat()},  # an end in the past
    ):
        response = client.post(url, hours_post(row, **changes))
        assert response.status_code == 200
        assert "Ændringen kan ikke gælde fra før i dag." in response.content.decode()
    saved = OpeningHours.objects.get()
    assert (saved.ends, saved.valid_from, saved.valid_until) == (row.ends, row.valid_from, None)


def test_ending_a_rule_today_or_later_is_a_plain_change(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(centre=world.centre_a, valid_from=today - 30 * ONE_DAY)
    url = reverse("centres:hours_edit", args=[world.centre_a.pk, row.pk])
    until = today - ONE_DAY  # ends yesterday: today on no longer open
    assert (
        client_for(world.leader)
        .post(url, hours_post(row, valid_until=until.isoformat()))
        .status_code
        == 302
    )
    row.refresh_from_db()
    assert row.valid_until == until and OpeningHours.objects.count() == 1


def test_a_rule_that_has_not_begun_changes_in_place(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(centre=world.centre_a, valid_from=today + 3 * ONE_DAY)
    url = reverse("centres:hours_edit", args=[world.centre_a.pk, row.pk])
    response = client_for(world.leader).post(
        url, hours_post(row, ends="12:00", valid_from=today.isoformat())
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.ends, row.valid_from) == (datetime.time(12), today)
    assert OpeningHours.objects.count() == 1


def test_new_hours_from_before_today_need_a_correction(world, client_for):
    today = timezone.localdate()
    client = client_for(world.leader)
    url = reverse("centres:hours_add", args=[world.centre_a.pk])
    data = {
        "weekday": "3",
        "starts": "09:00",
        "ends": "12:00",
        "kind": "staffed",
        "valid_from": (today - 7 * ONE_DAY).isoformat(),
        "valid_until": "",
        "label": "",
    }
    assert "Nye tider kan ikke begynde før i dag." in client.post(url, data).content.decode()
    assert not OpeningHours.objects.exists()
    response = client.post(
        url, {**data, "correction": "on", "correction_reason": "Glemt i sidste uge"}
    )
    assert response.status_code == 302
    record = OpeningHours.objects.get().history.get()
    assert (record.history_change_reason, record.history_user) == (
        "Glemt i sidste uge",
        world.leader,
    )


def test_a_correction_changes_the_past_and_says_who_and_why(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(centre=world.centre_a, weekday=2, valid_from=today - 30 * ONE_DAY)
    url = reverse("centres:hours_edit", args=[world.centre_a.pk, row.pk])
    client = client_for(world.leader)
    response = client.post(url, hours_post(row, ends="15:00", correction="on"))
    assert "Skriv, hvad der var forkert" in response.content.decode()
    response = client.post(
        url,
        hours_post(row, ends="15:00", correction="on", correction_reason="Tastefejl: 15, ikke 16"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.ends == datetime.time(15) and OpeningHours.objects.count() == 1
    created, corrected = row.history.order_by("history_id")
    assert corrected.history_change_reason == "Tastefejl: 15, ikke 16"
    assert corrected.history_user == world.leader
    assert (created.ends, corrected.ends) == (datetime.time(16), datetime.time(15))


def test_a_correction_reason_with_a_cpr_number_is_refused(world, client_for):
    row = OpeningHoursFactory(centre=world.centre_a, valid_from=timezone.localdate() - 9 * ONE_DAY)
    response = client_for(world.leader).post(
        reverse("centres:hours_edit", args=[world.centre_a.pk, row.pk]),
        hours_post(row, ends="15:00", correction="on", correction_reason="Kim 010203-1234"),
    )
    assert "CPR" in response.content.decode()


# --- Removing, asked first --------------------------------------------------------------


def test_delete_asks_first_and_ends_hours_with_a_past_yesterday(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(centre=world.centre_a, valid_from=today - 30 * ONE_DAY)
    url = reverse("centres:hours_delete", args=[world.centre_a.pk, row.pk])
    client = client_for(world.leader)
    page = client.get(url).content.decode()
    assert "Er du sikker?" in page and "Afslut den i går" in page
    assert OpeningHours.objects.get().valid_until is None  # asking changed nothing
    response = client.post(url, {"end": "1"}, follow=True)
    assert "slutter i går" in response.content.decode()
    row.refresh_from_db()
    assert row.valid_until == today - ONE_DAY


def test_hours_that_only_lie_ahead_are_deleted(world, client_for):
    row = OpeningHoursFactory(centre=world.centre_a, valid_from=timezone.localdate() + ONE_DAY)
    url = reverse("centres:hours_delete", args=[world.centre_a.pk, row.pk])
    client = client_for(world.leader)
    assert "Det kan ikke fortrydes" in client.get(url).content.decode()
    client.post(url, {})
    assert not OpeningHours.objects.exists()


def test_hours_wholly_in_the_past_go_only_as_a_correction(world, client_for):
    today = timezone.localdate()
    row = OpeningHoursFactory(
        centre=world.centre_a, valid_from=today - 30 * ONE_DAY, valid_until=today - 10 * ONE_DAY
    )
    url = reverse("centres:hours_delete", args=[world.centre_a.pk, row.pk])
    client = client_for(world.leader)
    response = client.post(url, {})
    assert response.status_code == 400 and "hører til historikken" in response.content.decode()
    assert OpeningHours.objects.exists()
    client.post(url, {"correction": "on", "correction_reason": "Oprettet ved en fejl"})
    assert not OpeningHours.objects.exists()
    deleted = OpeningHours.history.filter(id=row.pk, history_type="-").get()
    assert (deleted.history_change_reason, deleted.history_user) == (
        "Oprettet ved en fejl",
        world.leader,
    )
    page = client.get(reverse("centres:hours", args=[world.centre_a.pk])).content.decode()
    assert "Rettelser af tidligere dage" in page
    assert "Alice · tirsdag 08:00\N{EN DASH}16:00 (slettet): <q>Oprettet ved en fejl</q>" in page


def test_a_past_closure_stays_and_an_ongoing_one_ends_yesterday(world, client_for):
    today = timezone.localdate()
    client = client_for(world.leader)
    ongoing = ClosureFactory(
        centre=world.centre_a, starts=today - 3 * ONE_DAY, ends=today + 3 * ONE_DAY
    )
    past = ClosureFactory(
        centre=world.centre_a, starts=today - 9 * ONE_DAY, ends=today - 8 * ONE_DAY
    )
    client.post(
        reverse("centres:closure_delete", args=[world.centre_a.pk, ongoing.pk]), {"end": "1"}
    )
    ongoing.refresh_from_db()
    assert ongoing.ends == today - ONE_DAY
    response = client.post(reverse("centres:closure_delete", args=[world.centre_a.pk, past.pk]), {})
    assert response.status_code == 400
    assert Closure.objects.filter(pk=past.pk).exists()


def test_a_closure_from_before_today_needs_a_correction(world, client_for):
    today = timezone.localdate()
    url = reverse("centres:closure_add", args=[world.centre_a.pk])
    data = {
        "starts": (today - ONE_DAY).isoformat(),
        "ends": today.isoformat(),
        "reason": "Vandskade",
    }
    client = client_for(world.leader)
    assert "hører til historikken" in client.post(url, data).content.decode()
    client.post(
        url, {**data, "correction": "on", "correction_reason": "Lukket i går, ikke skrevet"}
    )
    closure = Closure.objects.get()
    assert closure.history.get().history_change_reason == "Lukket i går, ikke skrevet"


def test_shifts_of_earlier_days_are_the_staffing_record(world, client_for):
    now = timezone.now()
    client = client_for(world.staff_a)
    past = ShiftFactory(
        centre=world.centre_a,
        worker=world.staff_a,
        starts=now - 2 * ONE_DAY,
        ends=now - 2 * ONE_DAY + datetime.timedelta(hours=4),
    )
    url = reverse("centres:shift_delete", args=[world.centre_a.pk, past.pk])
    assert "hører til historikken" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 400
    assert Shift.objects.filter(pk=past.pk).exists()
    client.post(url, {"correction": "on", "correction_reason": "Var syg, byttede"})
    assert not Shift.objects.filter(pk=past.pk).exists()
    deleted = Shift.history.get(id=past.pk, history_type="-")
    assert (deleted.history_change_reason, deleted.history_user) == (
        "Var syg, byttede",
        world.staff_a,
    )


def test_a_shift_ahead_is_deleted_after_asking(world, client_for):
    starts = local_datetime(timezone.localdate() + 2 * ONE_DAY, datetime.time(8))
    shift = ShiftFactory(
        centre=world.centre_a,
        worker=world.staff_a,
        starts=starts,
        ends=starts + datetime.timedelta(hours=8),
    )
    url = reverse("centres:shift_delete", args=[world.centre_a.pk, shift.pk])
    client = client_for(world.staff_a)
    assert "Det kan ikke fortrydes" in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 302
    assert not Shift.objects.exists()


def test_a_shift_on_an_earlier_day_is_added_only_as_a_correction(world, client_for):
    day = timezone.localdate() - 2 * ONE_DAY
    OpeningHoursFactory(centre=world.centre_a, weekday=day.weekday())  # a shift needs an opening
    # ... on a day the centre is open: two days back may be a public holiday (Good Friday
    # on 26 March 2027, two days before summer time begins).
    OpenDay.objects.create(centre=world.centre_a, date=day)
    data = {"worker": world.staff_a.pk, "starts": f"{day}T08:00", "ends": f"{day}T12:00"}
    client = client_for(world.staff_a)
    url = reverse("centres:shifts", args=[world.centre_a.pk])
    assert "hører til historikken" in client.post(url, data).content.decode()
    assert not Shift.objects.exists()
    client.post(url, {**data, "correction": "on", "correction_reason": "Glemt at skrive"})
    assert Shift.objects.get().history.get().history_change_reason == "Glemt at skrive"


# --- The rule itself ----------------------------------------------------------------------


def covered(rows, before):
    """{day: content} of the days before `before` that the rows (valid_from,
    valid_until, content) cover, from `before` - 60 days."""
    days = {}
    day = before - 60 * ONE_DAY
    while day < before:
        for first, last, content in rows:
            if first <= day and (last is None or day <= last):
                days.setdefault(day, []).append(content)
        day += ONE_DAY
    return days


offsets = st.integers(min_value=-40, max_value=40)


@given(
    old_from=offsets,
    old_until=st.none() | offsets,
    new_from=offsets,
    new_until=st.none() | offsets,
    old_content=st.sampled_from(["8-16", "8-14"]),
    new_content=st.sampled_from(["8-16", "8-14"]),
)
def test_a_planned_change_never_alters_a_day_before_today(
    old_from, old_until, new_from, new_until, old_content, new_content
):
    on = datetime.date(2026, 12, 3)
    old = {"valid_from": on + old_from * ONE_DAY, "valid_until": None, "content": old_content}
    if old_until is not None:
        old["valid_until"] = max(old["valid_from"], on + old_until * ONE_DAY)
    new = {"valid_from": on + new_from * ONE_DAY, "valid_until": None, "content": new_content}
    if new_until is not None:
        new["valid_until"] = max(new["valid_from"], on + new_until * ONE_DAY)
    before = covered([(old["valid_from"], old["valid_until"], old_content)], on)
    try:
        action = validity.plan_change(old=old, new=new, content_fields=["content"], on=on)
    except validity.ChangeRefused:
        return
    if action == validity.UPDATE:
        rows = [(new["valid_from"], new["valid_until"], new_content)]
    else:
        assert action == validity.SPLIT and new["valid_from"] >= on
        ended = min(old["valid_until"] or datetime.date.max, new["valid_from"] - ONE_DAY)
        rows = [
            (old["valid_from"], ended, old_content),
            (new["valid_from"], new["valid_until"], new_content),
        ]
        # From the change on, the days follow the edit.
        assert covered(rows, new["valid_from"] + 30 * ONE_DAY).get(new["valid_from"]) == [
            new_content
        ]
    assert covered(rows, on) == before


@given(first=offsets, last=st.none() | offsets, correction=st.booleans())
def test_a_removal_never_takes_a_day_before_today_unless_it_corrects(first, last, correction):
    on = datetime.date(2026, 12, 3)
    first_day = on + first * ONE_DAY
    last_day = None if last is None else max(first_day, on + last * ONE_DAY)
    try:
        action = validity.plan_delete(
            first_day=first_day, last_day=last_day, on=on, correction=correction
        )
    except validity.ChangeRefused:
        assert not correction and last_day is not None and last_day < on
        return
    if action == validity.DELETE:
        assert correction or first_day >= on
    else:
        assert action == validity.END and first_day < on <= (last_day or on)
