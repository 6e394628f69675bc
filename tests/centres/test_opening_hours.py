"""Opening hours with validity, closures, Danish holidays and the openings they make."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.models import OpeningHours, OpeningKind
from centres.openings import local_datetime, openings_for, week_bounds
from tests.centres.factories import ClosureFactory, OpeningHoursFactory, UserRunOpeningFactory

pytestmark = pytest.mark.any_day

CPH = ZoneInfo("Europe/Copenhagen")
TUESDAY = datetime.date(2026, 11, 24)


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


def the_2023_cut(centre):
    """76F before and after the 2023 cut: Mon-Tue 8-16 until 31 May, then Tue 8-16 only."""
    cut = datetime.date(2023, 6, 1)
    for weekday in (0, 1):
        OpeningHoursFactory(
            centre=centre, weekday=weekday, valid_until=cut - datetime.timedelta(days=1)
        )
    OpeningHoursFactory(centre=centre, weekday=1, valid_from=cut)
    OpeningHoursFactory(
        centre=centre,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
        valid_from=cut,
    )


def test_the_2023_cut_is_representable_next_to_the_earlier_hours(world):
    centre = world.centre_a
    the_2023_cut(centre)
    before = centre.openings_between(
        at(datetime.date(2023, 5, 22), 0), at(datetime.date(2023, 5, 29), 0)
    )
    after = centre.openings_between(
        at(datetime.date(2023, 6, 5), 0), at(datetime.date(2023, 6, 12), 0)
    )
    assert [(o.start.weekday(), o.kind) for o in before] == [(0, "staffed"), (1, "staffed")]
    assert [(o.start.weekday(), o.kind) for o in after] == [(1, "staffed"), (5, "maybe")]
    assert after[0].start == at(datetime.date(2023, 6, 6), 8)
    assert after[0].end == at(datetime.date(2023, 6, 6), 16)


def test_holidays_and_closures_close_unless_the_day_is_opened(world):
    centre = world.centre_a
    OpeningHoursFactory(centre=centre, weekday=4)  # Fridays
    good_friday = datetime.date(2026, 4, 3)
    assert centre.is_closed_on(good_friday)
    assert centre.openings_between(at(good_friday, 0), at(good_friday, 23)) == []
    centre.open_days.create(date=good_friday, reason="Påskefrokost")
    assert not centre.is_closed_on(good_friday)
    assert len(centre.openings_between(at(good_friday, 0), at(good_friday, 23))) == 1
    ClosureFactory(centre=centre, starts=datetime.date(2026, 7, 6), ends=datetime.date(2026, 7, 24))
    assert centre.is_closed_on(datetime.date(2026, 7, 10))
    assert not centre.is_closed_on(datetime.date(2026, 7, 31))
    assert not world.centre_b.is_closed_on(datetime.date(2026, 7, 10))


def test_open_now_and_next_opening(world):
    centre = world.centre_a
    OpeningHoursFactory(centre=centre, weekday=1)
    assert centre.open_now(at(TUESDAY, 9)).kind == OpeningKind.STAFFED
    assert centre.open_now(at(TUESDAY, 16)) is None
    following = centre.next_opening(at(TUESDAY, 16))
    assert following.start == at(TUESDAY + datetime.timedelta(days=7), 8)
    # A closure of the next Tuesday: the next opening is a week later.
    next_tuesday = TUESDAY + datetime.timedelta(days=7)
    ClosureFactory(centre=centre, starts=next_tuesday, ends=next_tuesday)
    assert centre.next_opening(at(TUESDAY, 16)).start == at(
        TUESDAY + datetime.timedelta(days=14), 8
    )


def test_a_planned_user_run_opening_fills_a_maybe_slot(world):
    centre = world.centre_a
    OpeningHoursFactory(
        centre=centre,
        weekday=5,
        starts=datetime.time(10),
        ends=datetime.time(14),
        kind=OpeningKind.MAYBE,
    )
    saturday = datetime.date(2026, 11, 28)
    run = UserRunOpeningFactory(
        centre=centre,
        starts=at(saturday, 10),
        ends=at(saturday, 14),
        key_holder__organisation=world.org_a,
    )
    [opening] = centre.openings_between(at(saturday, 0), at(saturday, 23))
    assert opening.kind == OpeningKind.USER_RUN and opening.user_run == run


def test_database_refuses_overlapping_hours_of_one_weekday(world):
    OpeningHoursFactory(centre=world.centre_a, weekday=1, valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHoursFactory(
            centre=world.centre_a,
            weekday=1,
            starts=datetime.time(15),
            ends=datetime.time(18),
            valid_from=datetime.date(2026, 6, 1),
        )
    # Another weekday, another centre, or after the old hours end: fine.
    OpeningHoursFactory(centre=world.centre_a, weekday=2)
    OpeningHoursFactory(centre=world.centre_b, weekday=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHoursFactory(
            centre=world.centre_a, weekday=1, starts=datetime.time(16), ends=datetime.time(15)
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.dates(datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)),
    span=st.integers(0, 40),
    start_minute=st.integers(0, 22 * 60),
    length=st.integers(15, 6 * 60),
    weekday=st.integers(0, 6),
)
def test_openings_keep_wall_clock_times_across_dst(
    world, first, span, start_minute, length, weekday
):
    """Whatever the dates (DST changes in March and October included), every opening
    starts and ends at the wall-clock times of its rule, on its weekday, inside the range."""
    ends_minute = min(start_minute + length, 24 * 60 - 1)
    starts = datetime.time(start_minute // 60, start_minute % 60)
    ends = datetime.time(ends_minute // 60, ends_minute % 60)
    OpeningHours.objects.all().delete()
    OpeningHoursFactory(centre=world.centre_a, weekday=weekday, starts=starts, ends=ends)
    start = local_datetime(first, datetime.time())
    end = local_datetime(first + datetime.timedelta(days=span), datetime.time())
    found = openings_for([world.centre_a], start, end)[world.centre_a.pk]
    for opening in found:
        local_start = opening.start.astimezone(CPH)
        assert local_start.weekday() == weekday
        assert opening.start < end and opening.end > start
        if not (starts.hour == 2 and local_start.month in (3, 10)):
            assert local_start.time() == starts
        assert opening.end > opening.start
    expected_days = {
        first + datetime.timedelta(days=d)
        for d in range(span)
        if (first + datetime.timedelta(days=d)).weekday() == weekday
        and not world.centre_a.is_closed_on(first + datetime.timedelta(days=d))
    }
    assert {o.start.astimezone(CPH).date() for o in found} >= expected_days


def test_a_slot_over_the_dst_change_counts_its_wall_clock_hours(world):
    # Sunday 25 October 2026 has 25 hours: a slot from 01 to 04 lasts four real hours,
    # but the opening rules count a weekly slot's hours on the wall clock, as every
    # other week (the dashboard's figures count the same).
    OpeningHoursFactory(
        centre=world.centre_a,
        weekday=6,
        starts=datetime.time(1),
        ends=datetime.time(4),
        kind=OpeningKind.USER_RUN,
    )
    start, end = week_bounds(datetime.date(2026, 10, 19))
    [opening] = world.centre_a.openings_between(start, end)
    assert opening.end - opening.start == datetime.timedelta(hours=4)
    assert opening.hours == 3
    assert (end - start) == datetime.timedelta(hours=7 * 24 + 1)


# --- Through the pages ---------------------------------------------------------------


def hours_data(**changes):
    data = {
        "weekday": "1",
        "starts": "08:00",
        "ends": "16:00",
        "kind": "staffed",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "label": "",
    }
    data.update(changes)
    return data


def test_leader_adds_hours_and_overlaps_get_a_danish_message(world, client_for):
    client = client_for(world.leader)
    url = reverse("centres:hours_add", args=[world.centre_a.pk])
    assert client.post(url, hours_data()).status_code == 302
    response = client.post(url, hours_data(starts="12:00", ends="18:00"))
    assert response.status_code == 200
    assert "overlapper" in response.content.decode()
    response = client.post(url, hours_data(weekday="2", starts="16:00", ends="08:00"))
    assert "Lukketiden skal ligge efter åbningstiden" in response.content.decode()
    response = client.post(url, hours_data(weekday="3", label="ring 010203-1234"))
    assert "CPR" in response.content.decode()
    assert OpeningHours.objects.count() == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {
            "weekday": st.one_of(st.text(max_size=3), st.integers(-2, 9).map(str)),
            "starts": st.one_of(st.text(max_size=6), st.sampled_from(["08:00", "25:00", "7"])),
            "ends": st.one_of(st.text(max_size=6), st.sampled_from(["16:00", "00:00"])),
            "kind": st.sampled_from(["staffed", "maybe", "x", ""]),
            "valid_from": st.one_of(
                st.text(max_size=10), st.sampled_from(["2026-01-01", "9999-12-31"])
            ),
            "valid_until": st.sampled_from(["", "2025-01-01", "2027-13-01", "0001-01-01"]),
            "label": st.text(max_size=120),
        }
    )
)
def test_hours_form_never_fails_on_any_input(world, client_for, data):
    url = reverse("centres:hours_add", args=[world.centre_a.pk])
    response = client_for(world.leader).post(url, data)
    assert response.status_code in (200, 302)


def test_staff_see_hours_but_cannot_change_them(world, client_for):
    OpeningHoursFactory(centre=world.centre_a)
    client = client_for(world.staff_a)
    html = client.get(reverse("centres:hours", args=[world.centre_a.pk])).content.decode()
    assert "Tirsdag" in html and "Tilføj åbningstid" not in html
    assert (
        client.post(
            reverse("centres:hours_add", args=[world.centre_a.pk]), hours_data()
        ).status_code
        == 403
    )


def test_leader_closes_for_summer_and_opens_a_holiday(world, client_for):
    client = client_for(world.leader)
    year = timezone.localdate().year + 1
    response = client.post(
        reverse("centres:closure_add", args=[world.centre_a.pk]),
        {"starts": f"{year}-07-24", "ends": f"{year}-07-06", "reason": "Sommer"},
    )
    assert "Sidste dag kan ikke ligge før første dag" in response.content.decode()
    client.post(
        reverse("centres:closure_add", args=[world.centre_a.pk]),
        {"starts": f"{year}-07-06", "ends": f"{year}-07-24", "reason": "Sommer"},
    )
    client.post(
        reverse("centres:open_day_add", args=[world.centre_a.pk]),
        {"date": f"{year}-12-26", "reason": "Julehygge"},
    )
    assert world.centre_a.is_closed_on(datetime.date(year, 7, 7))
    assert not world.centre_a.is_closed_on(datetime.date(year, 12, 26))


@time_machine.travel(datetime.datetime(2026, 11, 24, 9, 30, tzinfo=CPH), tick=False)
def test_centre_page_says_open_now(world, client_for):
    OpeningHoursFactory(centre=world.centre_a, weekday=1)
    html = client_for(world.staff_a).get(world.centre_a.get_absolute_url()).content.decode()
    assert "Åbent nu (Bemandet) til 16:00" in html


@time_machine.travel(datetime.datetime(2026, 11, 24, 9, 30, tzinfo=CPH), tick=False)
def test_staff_home_shows_open_now_and_the_tally_button(world, client_for):
    OpeningHoursFactory(centre=world.centre_a, weekday=1)
    html = client_for(world.staff_a).get(reverse("home")).content.decode()
    assert "Åbent nu (Bemandet) til 16:00" in html
    assert reverse("centres:tally", args=[world.centre_a.pk]) in html
    html = client_for(world.staff_b).get(reverse("home")).content.decode()
    assert "Næste åbning" not in html and "Lukket nu." in html
