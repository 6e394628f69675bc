"""The activity, meeting and proposal pages through the client, as staff use them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from activities import calendar
from activities.models import (
    Activity,
    AgendaProposal,
    Meeting,
    Occurrence,
    ProposalStatus,
)
from activities.recurrence import COPENHAGEN
from centres.models import OpenDay, OpeningHours, OpeningKind
from tests.activities.factories import (
    ActivityFactory,
    DecisionFactory,
    MeetingFactory,
    ProposalFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

NOW = dt.datetime(2026, 3, 30, 9, tzinfo=COPENHAGEN)


def activity_data(world, **changes):
    data = {
        "title": "Gågruppe",
        "category": "walking",
        "centres": [world.centre_a.pk],
        "place": "",
        "description": "Vi går en tur ved søen.",
        "led_by": "staff",
        "staff_present": "on",
        "price": "",
        "capacity": "",
        "weekdays": ["1"],
        "valid_from": "2026-03-30",
        "start_time": "10:00",
        "end_time": "11:30",
        "interval_weeks": "2",
        "valid_until": "2026-05-31",
        "session_count": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@time_machine.travel(NOW, tick=False)
def test_staff_creates_a_fortnightly_walk_and_it_is_in_the_calendar(world, client_for):
    client = client_for(world.staff_a)
    response = client.post(reverse("activities:activity_create"), activity_data(world))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    days = [o.start.astimezone(COPENHAGEN).date() for o in activity.occurrences.all()]
    assert days == [
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 14),
        dt.date(2026, 4, 28),
        dt.date(2026, 5, 12),
        dt.date(2026, 5, 26),
    ]
    page = client.get(reverse("activities:calendar") + "?view=month&date=2026-04-01")
    assert page.text.count(">Gågruppe</a>") == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "09:00"}, "Sluttidspunktet skal ligge efter starttidspunktet"),
        ({"valid_until": "2026-01-01"}, "Slutdatoen kan ikke ligge før den første dato"),
        ({"description": "Ring til 010190-1234"}, "CPR-nummer"),
        ({"centres": [999999]}, "Marker en gyldig valgmulighed"),
        ({"weekdays": ["9"]}, "Marker en gyldig valgmulighed"),
        ({"interval_weeks": "0"}, "større end eller lig 1"),
        ({"weekdays": [], "valid_until": "2026-05-01"}, "En enkeltstående aktivitet har ingen"),
        ({"valid_from": "not a date"}, "Indtast en gyldig dato"),
        ({"price": "-5"}, "større end eller lig 0"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_activity_input_is_explained_in_danish_and_nothing_is_saved(
    world, client_for, changes, message
):
    client = client_for(world.staff_a)
    response = client.post(reverse("activities:activity_create"), activity_data(world, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert not Activity.objects.exists() and not Occurrence.objects.exists()


def test_staff_cannot_put_an_activity_at_another_staff_members_centre(world, client_for):
    client = client_for(world.staff_a)
    data = activity_data(world, centres=[world.centre_b.pk])
    response = client.post(reverse("activities:activity_create"), data)
    assert response.status_code == 400
    assert not Activity.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_cancel_move_and_count_an_occurrence(world, client_for):
    activity = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    first, second = activity.occurrences.all()[:2]
    client = client_for(world.staff_a)
    response = client.post(reverse("activities:occurrence_cancel", args=[first.pk]), {"reason": ""})
    assert response.status_code == 400 and "Dette felt er påkrævet" in response.text
    client.post(reverse("activities:occurrence_cancel", args=[first.pk]), {"reason": "Storm"})
    client.post(
        reverse("activities:occurrence_move", args=[second.pk]),
        {"date": "2026-04-08", "start_time": "13:00", "end_time": "14:00"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cancelled and first.cancel_reason == "Storm"
    assert second.start == dt.datetime(2026, 4, 8, 13, tzinfo=COPENHAGEN) and second.moved
    # Attendance only after it has happened.
    url = reverse("activities:occurrence_attendance", args=[second.pk])
    response = client.post(url, {"attendance": "7"})
    assert response.status_code == 400
    with time_machine.travel(dt.datetime(2026, 4, 8, 15, tzinfo=COPENHAGEN), tick=False):
        client = client_for(world.staff_a)
        assert client.post(url, {"attendance": "-1"}).status_code == 400
        assert client.post(url, {"attendance": "7"}).status_code == 302
    second.refresh_from_db()
    assert second.attendance == 7


def test_figures_count_held_cancelled_and_average_with_constant_queries(
    world, client_for, django_assert_max_num_queries
):
    start = dt.date(2026, 1, 5)
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=COPENHAGEN), tick=False):
        activities = [
            ActivityFactory(
                organisation=world.org_a,
                centres=[world.centre_a],
                schedule__valid_from=start,
                schedule__weekdays="0",
                schedule__valid_until=start + dt.timedelta(weeks=3),
            )
            for _ in range(4)
        ]
    walk = activities[0]
    occurrences = list(walk.occurrences.all())
    assert len(occurrences) == 4
    Occurrence.objects.filter(pk=occurrences[0].pk).update(cancelled=True, cancel_reason="Syg")
    Occurrence.objects.filter(pk=occurrences[1].pk).update(attendance=4)
    Occurrence.objects.filter(pk=occurrences[2].pk).update(attendance=7)
    client = client_for(world.leader)
    later = dt.datetime(2026, 3, 1, tzinfo=COPENHAGEN)
    # One more than before two-factor sign-in: the device that verified the session.
    with time_machine.travel(later, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("activities:figures"))
    rows = {row.title: row for row in response.context["rows"]}
    assert (rows[walk.title].held, rows[walk.title].cancelled) == (3, 1)
    assert rows[walk.title].average == pytest.approx(5.5)
    assert "5,5" in response.text


def calendar_queries(client, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        return client.get(reverse("activities:calendar") + "?view=month")


@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_calendar_query_count_does_not_grow_with_events(
    world, client_for, django_assert_num_queries, view
):
    # Every view holds events before and after: an activity on every day from the view's
    # first day, so no day of the week or hour of the day leaves it empty.
    client = client_for(world.staff_a)
    first, _end = calendar.period(view, timezone.localdate())
    ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a], schedule__weekdays="0123456"
    ).materialise(since=dt.datetime.combine(first, dt.time(), tzinfo=COPENHAGEN))
    MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    url = reverse("activities:calendar") + f"?view={view}"
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        ActivityFactory(
            organisation=world.org_a,
            centres=[world.centre_a, world.centre_b],
            schedule__weekdays="0123456",
        )
        MeetingFactory(organisation=world.org_a, centre=world.centre_a)
        MeetingFactory(organisation=world.org_a)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200


def test_calendar_filters_by_centre_and_kind(world, client_for):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a], title="NADA A")
    ActivityFactory(
        organisation=world.org_a, centres=[world.centre_b], title="Hal B", category="sports_hall"
    )
    MeetingFactory(organisation=world.org_a, centre=world.centre_b)
    client = client_for(world.leader)
    url = reverse("activities:calendar") + "?view=agenda"
    everything = client.get(url).text
    assert "NADA A" in everything and "Hal B" in everything and "Husmøde" in everything
    only_b = client.get(url + f"&centre={world.centre_b.pk}").text
    assert "NADA A" not in only_b and "Hal B" in only_b
    halls = client.get(url + "&kind=sports_hall").text
    assert "Hal B" in halls and "NADA A" not in halls and "Husmøde</" not in halls
    # Nonsense in the query string falls back to defaults rather than failing.
    assert client.get(url + "&date=2026-99-01&centre=x&kind=<b>").status_code == 200


def test_today_is_marked_on_the_calendar(world, client_for):
    client = client_for(world.outreach)
    response = client.get(reverse("activities:calendar"))
    assert 'aria-current="date"' in response.text
    assert "I dag" in response.text


def test_association_reads_published_minutes_only(world, client_for):
    past = timezone.now() - dt.timedelta(days=3)
    draft = MeetingFactory(
        organisation=world.org_a, centre=world.centre_a, starts_at=past, minutes="Kladde her"
    )
    published = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_b,
        starts_at=past,
        minutes="Vi besluttede en tur",
        published_at=timezone.now(),
    )
    client = client_for(world.association)
    listing = client.get(reverse("activities:meeting_list")).text
    assert published.get_absolute_url() in listing and draft.get_absolute_url() not in listing
    assert "Kladde her" not in client.get(draft.get_absolute_url()).text
    assert "Vi besluttede en tur" in client.get(published.get_absolute_url()).text


def test_staff_draft_and_publish_minutes(world, client_for):
    meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    client = client_for(world.staff_a)
    publish = reverse("activities:meeting_publish", args=[meeting.pk])
    client.post(publish)
    meeting.refresh_from_db()
    assert not meeting.is_published
    response = client.post(
        reverse("activities:meeting_minutes", args=[meeting.pk]),
        {"users_present": "9", "staff_present": "2", "minutes": "Referat 010190-1234"},
    )
    assert response.status_code == 400 and "CPR-nummer" in response.text
    client.post(
        reverse("activities:meeting_minutes", args=[meeting.pk]),
        {"users_present": "9", "staff_present": "2", "minutes": "Godt møde."},
    )
    client.post(publish)
    meeting.refresh_from_db()
    assert meeting.is_published and meeting.users_present == 9
    emptied = client.post(
        reverse("activities:meeting_minutes", args=[meeting.pk]),
        {"users_present": "9", "staff_present": "2", "minutes": "   "},
    )
    assert emptied.status_code == 400
    assert "Et offentliggjort referat kan ikke tømmes." in emptied.text
    meeting.refresh_from_db()
    assert meeting.minutes == "Godt møde."


def test_meeting_form_requires_a_centre_for_house_meetings_only(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("activities:meeting_create")
    data = {"kind": "house", "centre": "", "date": "2026-12-01", "time": "13:00", "place": ""}
    response = client.post(url, data)
    assert response.status_code == 400 and "vælg et" in response.text
    response = client.post(url, {**data, "kind": "board", "centre": world.centre_a.pk})
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    assert client.post(url, {**data, "centre": world.centre_a.pk}).status_code == 302


def test_association_member_proposes_and_sees_the_answer(world, client_for):
    meeting = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    asta = client_for(world.association)
    response = asta.post(
        reverse("activities:proposal_create"),
        {"meeting": meeting.pk, "title": "Længere åbent om fredagen", "description": ""},
    )
    assert response.status_code == 302
    proposal = AgendaProposal.objects.get()
    assert proposal.proposed_by == world.association
    bob = client_for(world.staff_a)
    url = reverse("activities:proposal_respond", args=[proposal.pk])
    response = bob.post(url, {"status": "declined", "response": ""})
    assert response.status_code == 400 and "Giv forslagsstilleren en begrundelse" in response.text
    bob.post(url, {"status": "taken_up", "response": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.TAKEN_UP
    assert meeting.agenda_items.get().title == "Længere åbent om fredagen"
    asta = client_for(world.association)
    page = asta.get(reverse("activities:proposal_list")).text
    assert "Længere åbent om fredagen" in page and "Taget op på dagsordenen" in page


def test_a_proposal_for_a_meeting_out_of_reach_is_refused(world, client_for):
    other = MeetingFactory(organisation=world.org_z)
    client = client_for(world.association)
    response = client.post(
        reverse("activities:proposal_create"), {"meeting": other.pk, "title": "Hej"}
    )
    assert response.status_code == 400
    assert not AgendaProposal.objects.exists()


def test_staff_of_another_centre_cannot_answer_a_proposal(world, client_for):
    proposal = ProposalFactory(
        meeting=MeetingFactory(organisation=world.org_a, centre=world.centre_a),
        proposed_by=world.association,
    )
    client = client_for(world.staff_b)
    response = client.post(
        reverse("activities:proposal_respond", args=[proposal.pk]),
        {"status": "answered", "response": "x"},
    )
    assert response.status_code == 404


@time_machine.travel(NOW, tick=False)
def test_editing_a_rule_moves_the_untouched_occurrences_only(world, client_for):
    client = client_for(world.staff_a)
    client.post(reverse("activities:activity_create"), activity_data(world, interval_weeks="1"))
    activity = Activity.objects.get()
    cancelled = activity.occurrences.first()
    Occurrence.objects.filter(pk=cancelled.pk).update(cancelled=True, cancel_reason="Storm")
    response = client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_data(world, weekdays=["3"], interval_weeks="1"),
    )
    assert response.status_code == 302
    weekdays = {
        o.start.astimezone(COPENHAGEN).weekday()
        for o in activity.occurrences.exclude(pk=cancelled.pk)
    }
    assert weekdays == {3}
    assert activity.occurrences.filter(pk=cancelled.pk, cancelled=True).exists()


@time_machine.travel(NOW, tick=False)
def test_staff_editing_a_shared_activity_keeps_the_other_centre(world, client_for):
    shared = ActivityFactory(organisation=world.org_a, centres=[world.centre_a, world.centre_b])
    client = client_for(world.staff_a)
    data = activity_data(world, title="Ny titel")
    response = client.post(reverse("activities:activity_edit", args=[shared.pk]), data)
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Ny titel"
    assert set(shared.centres.all()) == {world.centre_a, world.centre_b}


def test_an_activity_with_two_rules_edits_its_details_only(world, client_for):
    hall = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    hall.schedules.create(
        weekdays="6", start_time=dt.time(10), end_time=dt.time(14), valid_from=dt.date.today()
    )
    client = client_for(world.staff_a)
    url = reverse("activities:activity_edit", args=[hall.pk])
    assert "Ugedage" not in client.get(url).text
    data = activity_data(world, title="Hallen")
    assert client.post(url, data).status_code == 302
    assert hall.schedules.count() == 2


def test_agenda_items_and_decisions_carried_until_done(world, client_for):
    earlier = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=timezone.now() - dt.timedelta(days=30),
    )
    coming = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    client = client_for(world.staff_a)
    client.post(
        reverse("activities:decision_create", args=[earlier.pk]),
        {"text": "Købe nye bordtennisbat", "owner": "Tove", "due": "2026-12-01"},
    )
    client.post(
        reverse("activities:agenda_item_create", args=[coming.pk]),
        {"title": "Julefrokost", "notes": ""},
    )
    page = client.get(coming.get_absolute_url()).text
    assert "Julefrokost" in page and "Købe nye bordtennisbat" in page
    decision = earlier.decisions.get()
    client.post(
        reverse("activities:decision_done", args=[decision.pk]), {"meeting": str(coming.pk)}
    )
    assert "Købe nye bordtennisbat" not in client.get(coming.get_absolute_url()).text
    # Staff at another centre cannot tick it off.
    decision.done_at = None
    decision.save()
    response = client_for(world.staff_b).post(
        reverse("activities:decision_done", args=[decision.pk])
    )
    assert response.status_code == 404


def test_home_shows_the_day_and_coming_meetings_to_the_association(world, client_for):
    MeetingFactory(organisation=world.org_a)
    page = client_for(world.association).get(reverse("home")).text
    assert "Dagens aktiviteter" in page and "Bestyrelsesmøde i brugerforeningen" in page
    nav = client_for(world.outreach).get(reverse("home")).text
    assert reverse("activities:calendar") in nav
    assert reverse("activities:meeting_list") not in nav


def test_attendance_is_counted_inline_with_htmx(world, client_for):
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, tzinfo=COPENHAGEN), tick=False):
        walk = ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    occurrence = walk.occurrences.first()
    with time_machine.travel(dt.datetime(2026, 3, 20, 8, tzinfo=COPENHAGEN), tick=False):
        client = client_for(world.staff_a)
        url = reverse("activities:occurrence_attendance", args=[occurrence.pk])
        response = client.post(url, {"attendance": "abc"}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "Indtast et heltal" in response.text
        assert "<html" not in response.text
        response = client.post(url, {"attendance": "6"}, headers={"HX-Request": "true"})
        assert "6 deltog" in response.text and f'id="occurrence-{occurrence.pk}"' in response.text
        detail = client.get(walk.get_absolute_url()).text
        assert f'id="occurrence-{occurrence.pk}"' in detail
    occurrence.refresh_from_db()
    assert occurrence.attendance == 6


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30", "x" * 500])
@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_calendar_and_figures_survive_any_date(world, client_for, value, view):
    client = client_for(world.leader)
    url = reverse("activities:calendar")
    assert client.get(url, {"view": view, "date": value}).status_code == 200
    figures = reverse("activities:figures")
    assert client.get(figures, {"from": value, "to": value}).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_dates_out_of_any_plan_are_refused_not_crashed_on(world, client_for):
    client = client_for(world.staff_a)
    response = client.post(
        reverse("activities:activity_create"), activity_data(world, valid_from="0001-01-01")
    )
    assert response.status_code == 400 and "Skriv en dato fra" in response.text
    occurrence = ActivityFactory(
        organisation=world.org_a, centres=[world.centre_a]
    ).occurrences.first()
    response = client.post(
        reverse("activities:occurrence_move", args=[occurrence.pk]),
        {"date": "0001-01-01", "start_time": "00:00", "end_time": "01:00"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("activities:meeting_create"),
        {"kind": "board", "date": "9999-12-31", "time": "23:30", "place": ""},
    )
    assert response.status_code == 400


def test_decisions_of_unpublished_minutes_stay_hidden_from_the_association(world, client_for):
    earlier = MeetingFactory(
        organisation=world.org_a,
        centre=world.centre_a,
        starts_at=timezone.now() - dt.timedelta(days=30),
    )
    DecisionFactory(meeting=earlier, text="Kladdebeslutning om husorden")
    coming = MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    url = reverse("activities:meeting_detail", args=[coming.pk])
    assert "Kladdebeslutning" in client_for(world.staff_a).get(url).content.decode()
    assert "Kladdebeslutning" not in client_for(world.association).get(url).content.decode()
    earlier.minutes = "Referat"
    earlier.published_at = timezone.now()
    earlier.save()
    assert "Kladdebeslutning" in client_for(world.association).get(url).content.decode()


def test_short_names_leave_out_the_words_centres_share():
    assert calendar.short_names(
        ["Værestedet 76F", "Værestedet Frederiksgade", "Krydsfeltet", "Værestedet"]
    ) == {
        "Værestedet 76F": "76F",
        "Værestedet Frederiksgade": "Frederiksgade",
        "Krydsfeltet": "Krydsfeltet",
        "Værestedet": "Værestedet",
    }
    assert calendar.short_names(["Værestedet 76F"]) == {"Værestedet 76F": "Værestedet 76F"}


def test_the_month_of_every_centre_says_where_each_event_is(world, client_for):
    today = timezone.localdate()
    for centre in (world.centre_a, world.centre_b):
        OpeningHours.objects.create(
            centre=centre,
            weekday=today.weekday(),
            starts=dt.time(0, 1),
            ends=dt.time(23, 59),
            kind=OpeningKind.MAYBE,
            valid_from=today - dt.timedelta(days=7),
        )
        OpenDay.objects.create(centre=centre, date=today)  # should today be a holiday
    client = client_for(world.leader)
    html = client.get(reverse("activities:calendar"), {"view": "month"}).content.decode()
    for short, full in (("76F", "Værestedet 76F"), ("Frederiksgade", "Værestedet Frederiksgade")):
        label = (
            f'<span class="calendar-centre"><span aria-hidden="true">{short}</span>'
            f'<span class="visually-hidden">{full}</span></span>'
        )
        assert label in html
    # One centre chosen: the centre goes without saying.
    one = client.get(
        reverse("activities:calendar"), {"view": "month", "centre": world.centre_a.pk}
    ).content.decode()
    assert 'class="calendar-centre"' not in one


def _rule_data(activity, schedule, **changes):
    data = {
        "title": activity.title,
        "category": activity.category,
        "centres": [c.pk for c in activity.centres.all()],
        "led_by": activity.led_by,
        "staff_present": "on",
        "runs_when_closed": "on",
        "capacity": activity.capacity or "",
        "signup_required": "on" if activity.signup_required else "",
        "weekdays": list(schedule.weekdays),
        "valid_from": schedule.valid_from.isoformat(),
        "start_time": f"{schedule.start_time:%H:%M}",
        "end_time": f"{schedule.end_time:%H:%M}",
        "interval_weeks": str(schedule.interval_weeks),
        "valid_until": schedule.valid_until.isoformat() if schedule.valid_until else "",
        "session_count": schedule.session_count or "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@time_machine.travel(NOW, tick=False)
def test_a_schedule_changed_from_next_week_keeps_what_was_held(world, client_for):
    today = NOW.date()
    activity = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        schedule__weekdays="0",
        schedule__valid_from=today - dt.timedelta(days=28),
    )
    activity.materialise(since=NOW - dt.timedelta(days=28))
    held = list(activity.occurrences.filter(start__lt=NOW).values_list("pk", "start", "end"))
    assert len(held) == 4
    schedule = activity.schedules.get()
    url = reverse("activities:activity_edit", args=[activity.pk])
    client = client_for(world.staff_a)
    refused = client.post(url, _rule_data(activity, schedule, start_time="14:00", end_time="15:00"))
    assert "Ændringen kan ikke gælde fra før i dag." in refused.content.decode()
    change = today + dt.timedelta(days=7)
    response = client.post(
        url,
        _rule_data(
            activity, schedule, start_time="14:00", end_time="15:00", valid_from=change.isoformat()
        ),
    )
    assert response.status_code == 302
    old, new = activity.schedules.order_by("valid_from")
    assert old.pk == schedule.pk and old.valid_until == change - dt.timedelta(days=1)
    assert (new.valid_from, new.start_time) == (change, dt.time(14))
    assert (
        list(activity.occurrences.filter(start__lt=NOW).values_list("pk", "start", "end")) == held
    )
    hours = {
        o.start.astimezone(COPENHAGEN).date() >= change: o.start.astimezone(COPENHAGEN).hour
        for o in activity.occurrences.filter(start__gte=NOW)
    }
    assert hours == {False: 10, True: 14}
    # The form goes on editing the latest rule.
    page = client.get(url).content.decode()
    assert f'value="{change.isoformat()}"' in page and 'value="14:00"' in page


@time_machine.travel(NOW, tick=False)
def test_a_course_changed_midway_keeps_its_number_of_sessions(world, client_for):
    today = NOW.date()
    course = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        category="course",
        capacity=10,
        signup_required=True,
        schedule__weekdays="0",
        schedule__valid_from=today - dt.timedelta(days=28),
        schedule__session_count=10,
    )
    schedule = course.schedules.get()
    change = today + dt.timedelta(days=7)
    client = client_for(world.leader)
    url = reverse("activities:activity_edit", args=[course.pk])
    too_few = client.post(
        url, _rule_data(course, schedule, session_count="5", valid_from=change.isoformat())
    )
    assert "Forløbet har mødtes 5 gange før den dag." in too_few.content.decode()
    client.post(
        url,
        _rule_data(
            course, schedule, start_time="13:00", end_time="14:00", valid_from=change.isoformat()
        ),
    )
    old, new = course.schedules.order_by("valid_from")
    assert new.session_count == 5  # 10 in all: 5 held before the change (today's included)
    horizon = today + dt.timedelta(days=400)
    assert len(old.slots(horizon=horizon)) + len(new.slots(horizon=horizon)) == 10
