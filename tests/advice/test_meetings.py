"""Meeting outcomes: counted per centre, service and month, never named."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from advice.models import MeetingTally
from advice.services import meeting_count
from centres.models import Closure, OpenDay
from tests.centres.factories import ClosureFactory

URL = "/advice/meetings/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 17, 10, 0), tick=False):
        yield


def test_staff_counts_meetings_into_the_month_row(world, client_for):
    client = client_for(world.staff_a)
    for result in ["held", "no_show", "held"]:
        response = client.post(
            URL,
            {
                "centre": world.centre_a.pk,
                "service": "job_centre",
                "date": "2026-03-10",
                "result": result,
            },
        )
        assert response.status_code == 302
    tally = MeetingTally.objects.get()
    assert (tally.month, tally.held, tally.no_show, tally.cancelled) == (
        datetime.date(2026, 3, 1),
        2,
        1,
        0,
    )
    assert "Jobcenter" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2026-04-01"}, "date", "Datoen kan ikke ligge i fremtiden."),
        ({"date": "1999-12-31"}, "date", "Skriv en dato fra 01.01.2000 til"),
        ({"result": "maybe"}, "result", "valgmulighed"),
        ({"service": ""}, "service", "Dette felt er påkrævet."),
    ],
)
def test_bad_meeting_input_is_refused_in_danish(world, client_for, overrides, field, message):
    data = {"centre": world.centre_a.pk, "service": "job_centre", "date": "2026-03-10"}
    data["result"] = "held"
    data.update(overrides)
    response = client_for(world.staff_a).post(URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not MeetingTally.objects.exists()


def test_staff_cannot_count_at_another_centre(world, client_for):
    data = {"centre": world.centre_b.pk, "service": "job_centre", "date": "2026-03-10"}
    response = client_for(world.staff_a).post(URL, {**data, "result": "held"})
    assert response.status_code == 200
    assert not MeetingTally.objects.exists()


def test_meetings_page_shows_only_own_centres(world, client_for):
    meeting_count(
        centre=world.centre_b, service="benefits", day=datetime.date(2026, 3, 2), result="held"
    )
    assert list(client_for(world.staff_a).get(URL).context["tallies"]) == []
    assert len(client_for(world.staff_b).get(URL).context["tallies"]) == 1


def test_concurrent_counts_are_never_lost(transactional_db, world):
    """Twelve threads count the first meeting of a new month at once: all twelve land."""
    threads_n = 12
    barrier = threading.Barrier(threads_n)
    errors = []

    def count(result):
        try:
            barrier.wait()
            meeting_count(
                centre=world.centre_a,
                service="job_centre",
                day=datetime.date(2026, 2, 14),
                result=result,
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=count, args=("no_show" if i % 3 == 0 else "held",))
        for i in range(threads_n)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tally = MeetingTally.objects.get()
    assert (tally.held, tally.no_show) == (8, 4)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-12-25", "Juledag"),
        ("2027-01-01", "Nytårsdag"),
        ("2027-03-26", "Langfredag"),
        ("2027-03-29", "Anden påskedag"),
        ("2027-02-10", "Personaledag"),
    ],
)
def test_a_meeting_on_a_closed_day_is_neither_held_nor_a_no_show(world, client_for, day, reason):
    ClosureFactory(
        centre=world.centre_a,
        starts=datetime.date(2027, 2, 10),
        ends=datetime.date(2027, 2, 10),
        reason="Personaledag",
    )
    data = {"centre": world.centre_a.pk, "service": "job_centre", "date": day}
    with time_machine.travel(datetime.datetime(2027, 4, 1, 10, 0), tick=False):
        client = client_for(world.leader)
        for result in ("held", "no_show"):
            response = client.post(URL, {**data, "result": result})
            assert response.status_code == 200
            errors = " ".join(response.context["form"].errors["result"])
            assert f"Værestedet 76F var lukket den dag ({reason})" in errors
            assert "Tæl det som aflyst" in errors
        assert not MeetingTally.objects.exists()
        assert client.post(URL, {**data, "result": "cancelled"}).status_code == 302
        # The other centre was open (no closure there), except on the holidays.
        other = {**data, "centre": world.centre_b.pk, "result": "held"}
        assert client.post(URL, other).status_code == (302 if reason == "Personaledag" else 200)
        # A holiday the centre opens is a day like any other.
        OpenDay.objects.get_or_create(centre=world.centre_a, date=datetime.date.fromisoformat(day))
        Closure.objects.all().delete()
        assert client.post(URL, {**data, "result": "no_show"}).status_code == 302
    tally = MeetingTally.objects.get(centre=world.centre_a)
    assert (tally.held, tally.no_show, tally.cancelled) == (0, 1, 1)
