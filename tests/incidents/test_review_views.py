"""The day sheet and the quarterly review through the client: who may do what, bad
input, the lock after both signatures and the notice when figures change."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from centres.models import AccessLogEntry
from incidents.models import (
    DaySheet,
    DaySheetEntry,
    Kind,
    QuarterReview,
    ReviewDecision,
    ReviewSignature,
)
from tests.incidents.factories import (
    FollowUpItemFactory,
    IncidentFactory,
    ReviewDecisionFactory,
    safety_representative,
)

CPH = ZoneInfo("Europe/Copenhagen")
# Ten days into the second quarter of 2027: the first quarter's review is due.
APRIL = datetime.datetime(2027, 4, 10, 12, tzinfo=CPH)


def review_url(centre, year=2027, quarter=1, name="incidents:review"):
    return reverse(name, args=[centre.pk, year, quarter])


@pytest.fixture
def sara(world):
    """A safety representative working at centre B, who reviews every centre."""
    return safety_representative(world, world.centre_b)


# Day sheets -------------------------------------------------------------------------------


def sheet_data(**cells):
    data = {"note": ""}
    data.update({f"n_{k}": v for k, v in cells.items()})
    return data


def test_staff_fill_in_the_day_sheet_and_correct_it(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("incidents:day_sheet", args=[world.centre_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, sheet_data(verbal_abuse_10=2, threat_14=1))
    assert response.status_code == 302
    sheet = DaySheet.objects.get()
    assert {(e.kind, e.part_of_day, e.count) for e in sheet.entries.all()} == {
        ("verbal_abuse", 10, 2),
        ("threat", 14, 1),
    }
    # The same day again: the sheet is corrected, not doubled.
    client.post(url, sheet_data(verbal_abuse_10=3))
    sheet = DaySheet.objects.get()
    assert [(e.kind, e.count) for e in sheet.entries.all()] == [("verbal_abuse", 3)]
    assert DaySheetEntry.history.filter(history_type="-").count() == 1
    assert sheet.history.count() == 2
    assert "Rettes ved at gemme igen" in client.get(url).content.decode()


def test_no_episodes_is_said_explicitly(world, client_for):
    client = client_for(world.staff_a)
    url = reverse("incidents:day_sheet", args=[world.centre_a.pk])
    response = client.post(url, sheet_data())
    assert response.status_code == 200
    assert "Ingen episoder i dag" in response.content.decode()
    assert not DaySheet.objects.exists()
    response = client.post(url, {**sheet_data(threat_0=1), "no_episodes": "on"})
    assert response.status_code == 200
    assert not DaySheet.objects.exists()
    client.post(url, {**sheet_data(), "no_episodes": "on"})
    assert DaySheet.objects.get().no_episodes


@pytest.mark.parametrize(
    "data",
    [
        sheet_data(threat_10=-1),
        sheet_data(threat_10=100),
        sheet_data(threat_10="tre"),
        {**sheet_data(threat_10=1), "note": "Han hedder 010190-1234"},
    ],
)
def test_bad_input_on_the_day_sheet_saves_nothing(world, client_for, data):
    client = client_for(world.staff_a)
    response = client.post(reverse("incidents:day_sheet", args=[world.centre_a.pk]), data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "CPR" in response.content.decode()
    assert not DaySheet.objects.exists()


@pytest.mark.parametrize("day", ["2099-01-01", "0001-01-01", "i morgen"])
def test_a_future_or_impossible_day_shows_today_instead(world, client_for, day):
    client = client_for(world.staff_a)
    url = reverse("incidents:day_sheet", args=[world.centre_a.pk])
    response = client.get(url, {"day": day})
    assert response.status_code == 200
    assert "Viser i dag i stedet" in response.content.decode()


def test_an_earlier_day_is_filled_in_for_that_day(world, client_for):
    url = reverse("incidents:day_sheet", args=[world.centre_a.pk])
    with time_machine.travel(APRIL, tick=False):
        client_for(world.leader).post(f"{url}?day=2027-04-08", sheet_data(other_16=1))
    assert DaySheet.objects.get().day == datetime.date(2027, 4, 8)


def test_staff_of_another_centre_cannot_fill_in_the_sheet(world, client_for):
    client = client_for(world.staff_b)
    url = reverse("incidents:day_sheet", args=[world.centre_a.pk])
    assert client.post(url, sheet_data(threat_10=1)).status_code == 404
    assert not DaySheet.objects.exists()


# The review ---------------------------------------------------------------------------------


@time_machine.travel(APRIL, tick=False)
def test_the_review_shows_figures_and_no_alias(world, client_for):
    incident = IncidentFactory(
        centre=world.centre_a,
        occurred_at=datetime.datetime(2027, 2, 2, 11, tzinfo=CPH),
        involved_aliases=["Ravnen"],
        reported_by=world.staff_a,
    )
    # A follow-up's description may name the visitor: the review shows its kind only.
    FollowUpItemFactory(
        incident=incident, owner=world.leader, description="Samtale med Ravnen om kniven"
    )
    logged = AccessLogEntry.objects.count()
    response = client_for(world.staff_a).get(review_url(world.centre_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ravnen" not in page and "kniven" not in page
    assert "Underskriv gennemgangen" not in page  # staff read, but do not sign
    assert AccessLogEntry.objects.count() == logged


@time_machine.travel(APRIL, tick=False)
def test_a_quarter_not_begun_is_not_found(world, client_for):
    client = client_for(world.leader)
    assert client.get(review_url(world.centre_a, 2027, 3)).status_code == 404
    assert client.get(review_url(world.centre_a, 2027, 5)).status_code == 404
    assert client.get(review_url(world.centre_a, 1999, 1)).status_code == 404
    assert client.get(review_url(world.centre_a, 2027, 2)).status_code == 200


@time_machine.travel(APRIL, tick=False)
def test_the_safety_representative_reviews_every_centre_of_the_organisation(
    world, client_for, sara
):
    client = client_for(sara)
    assert client.get(review_url(world.centre_a)).status_code == 200
    assert client.get(review_url(world.centre_z)).status_code == 404
    response = client.post(
        review_url(world.centre_a, name="incidents:review_decision_add"),
        {
            "text": "Gennemgå proceduren med nøgleholderne",
            "owner": world.staff_a.pk,
            "due_on": "2027-05-15",
        },
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.review.centre == world.centre_a
    assert decision.owner == world.staff_a


@time_machine.travel(APRIL, tick=False)
@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "due_on": "2027-05-15"},
        {"text": "Noget", "due_on": "2027-03-01"},
        {"text": "Noget", "due_on": "9999-01-01"},
        {"text": "Ring til 010190-1234", "due_on": "2027-05-15"},
        {"text": "Noget", "due_on": "2027-05-15", "owner": "other_leader"},
        # Carol works at centre B and could not open centre A's review.
        {"text": "Noget", "due_on": "2027-05-15", "owner": "staff_b"},
    ],
)
def test_a_bad_decision_is_refused_on_the_form(world, client_for, data):
    owner = getattr(world, data.get("owner", "staff_a")).pk
    response = client_for(world.leader).post(
        review_url(world.centre_a, name="incidents:review_decision_add"),
        {**data, "owner": owner},
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not ReviewDecision.objects.exists()


@time_machine.travel(APRIL, tick=False)
def test_staff_who_are_not_safety_representatives_cannot_add_or_sign(world, client_for):
    client = client_for(world.staff_a)
    add = review_url(world.centre_a, name="incidents:review_decision_add")
    data = {"text": "Noget", "owner": world.staff_a.pk, "due_on": "2027-05-15"}
    assert client.post(add, data).status_code == 403
    assert client.post(review_url(world.centre_a, name="incidents:review_sign")).status_code == 403
    assert client_for(world.other_leader).post(add, data).status_code == 404
    assert not ReviewDecision.objects.exists()
    assert not ReviewSignature.objects.exists()


@time_machine.travel(APRIL, tick=False)
def test_signed_by_both_the_review_is_locked_but_decisions_can_be_done(world, client_for, sara):
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    decision = ReviewDecisionFactory(review=found, owner=world.staff_a)
    sign = review_url(world.centre_a, name="incidents:review_sign")
    client_for(sara).post(sign)
    client = client_for(world.leader)
    client.post(sign)
    found.refresh_from_db()
    assert found.is_locked
    assert ReviewSignature.objects.count() == 2
    page = client.get(review_url(world.centre_a)).content.decode()
    assert "låst" in page
    assert "Tilføj beslutning" not in page

    add = review_url(world.centre_a, name="incidents:review_decision_add")
    client.post(add, {"text": "Ny", "owner": world.staff_a.pk, "due_on": "2027-05-15"})
    assert ReviewDecision.objects.count() == 1
    edit = reverse("incidents:review_decision_edit", args=[decision.pk])
    client.post(edit, {"text": "Ændret", "owner": world.leader.pk, "due_on": "2027-05-15"})
    decision.refresh_from_db()
    assert decision.text != "Ændret" and decision.owner == world.staff_a
    # The owner marks it done after the lock.
    done = reverse("incidents:review_decision_done", args=[decision.pk])
    assert client_for(world.staff_b).post(done).status_code == 404
    client_for(world.staff_a).post(done)
    decision.refresh_from_db()
    assert decision.done_on == datetime.date(2027, 4, 10)
    page = client_for(world.leader).get(review_url(world.centre_a)).content.decode()
    assert "Beslutning markeret som udført" in page
    assert "Underskrevet som arbejdsmiljørepræsentant" in page
    assert client_for(world.leader).post(sign).status_code == 302
    assert ReviewSignature.objects.count() == 2


@time_machine.travel(APRIL, tick=False)
def test_a_later_change_of_the_figures_shows_a_notice(world, client_for, sara):
    incident = IncidentFactory(
        centre=world.centre_a,
        occurred_at=datetime.datetime(2027, 2, 2, 11, tzinfo=CPH),
        kinds=[Kind.THREAT],
        reported_by=world.staff_a,
    )
    client = client_for(world.leader)
    client.post(review_url(world.centre_a, name="incidents:review_sign"))
    signature = ReviewSignature.objects.get()
    assert signature.figures["reports"] == 1
    assert signature.figures["kind"]["threat"]["reports"] == 1
    assert "har ændret sig" not in client.get(review_url(world.centre_a)).content.decode()

    incident.kinds = [Kind.PHYSICAL_VIOLENCE]
    incident.save()
    FollowUpItemFactory(incident=incident, owner=world.leader)
    page = client.get(review_url(world.centre_a)).content.decode()
    assert "har ændret sig" in page
    signature.refresh_from_db()
    assert signature.figures["kind"]["threat"]["reports"] == 1


@time_machine.travel(APRIL, tick=False)
@pytest.mark.parametrize("count", [3, 30])
def test_the_review_page_takes_the_same_queries_for_3_or_30(
    world, client_for, django_assert_num_queries, count
):
    found = QuarterReview.objects.create(centre=world.centre_a, year=2027, quarter=1)
    for n in range(count):
        incident = IncidentFactory(
            centre=world.centre_a,
            occurred_at=datetime.datetime(2027, 1, 1 + n % 28, 9 + n % 8, tzinfo=CPH),
            context="" if n % 2 else "staffed_opening",
            reported_by=world.staff_a,
        )
        FollowUpItemFactory(incident=incident, owner=world.leader)
        ReviewDecisionFactory(review=found, owner=world.staff_a)
    client = client_for(world.leader)
    client.get(review_url(world.centre_a))
    with django_assert_num_queries(QUERIES_OF_THE_REVIEW_PAGE):
        response = client.get(review_url(world.centre_a))
    assert response.status_code == 200


# Signing in (session, user, two-factor device), the centre, the figures (seven), the review
# with its signatures and decisions, their history (two), risk assessments, follow-ups,
# the form's owners, and the navigation's own.
QUERIES_OF_THE_REVIEW_PAGE = 20


@time_machine.travel(APRIL, tick=False)
def test_the_list_of_quarters_marks_what_is_signed(world, client_for, sara):
    client_for(sara).post(review_url(world.centre_a, name="incidents:review_sign"))
    response = client_for(world.staff_a).get(reverse("incidents:review_list"))
    page = response.content.decode()
    assert "Underskrevet af én" in page
    assert "Værestedet Frederiksgade" not in page
    page = client_for(world.leader).get(reverse("incidents:review_list")).content.decode()
    assert "Værestedet Frederiksgade" in page
