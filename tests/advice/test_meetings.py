"""Meeting outcomes: counted per centre, service and month, never named."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from advice.models import MeetingTally
from advice.services import meeting_count

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
        ({"date": "1999-12-31"}, "date", "Indtast en gyldig dato."),
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
