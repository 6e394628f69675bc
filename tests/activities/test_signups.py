"""Places on trips and courses: capacity held in the transaction, waitlist, promotion."""

import threading

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import services
from activities.models import SignUp, SignUpStatus
from tests.activities.factories import ActivityFactory


def trip(world, capacity):
    return ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        category="trip",
        capacity=capacity,
        signup_required=True,
        schedule=False,
    )


def test_full_trip_puts_people_on_the_waitlist_and_a_cancellation_promotes_the_first(world):
    activity = trip(world, capacity=2)
    anna, bo, carl, dorte = (
        services.sign_up_create(activity=activity, name=name)
        for name in ("Anna", "Bo", "Carl", "Dorte")
    )
    assert [s.status for s in (anna, bo, carl, dorte)] == [
        SignUpStatus.CONFIRMED,
        SignUpStatus.CONFIRMED,
        SignUpStatus.WAITLIST,
        SignUpStatus.WAITLIST,
    ]
    promoted = services.sign_up_cancel(signup=bo)
    assert promoted == carl
    carl.refresh_from_db()
    assert carl.status == SignUpStatus.CONFIRMED
    # Leaving the waitlist promotes no one; cancelling twice changes nothing.
    assert services.sign_up_cancel(signup=dorte) is None
    assert services.sign_up_cancel(signup=bo) is None
    statuses = dict(activity.signups.values_list("name", "status"))
    assert statuses == {
        "Anna": "confirmed",
        "Bo": "cancelled",
        "Carl": "confirmed",
        "Dorte": "cancelled",
    }


def test_without_a_capacity_everyone_gets_a_place(world):
    activity = trip(world, capacity=None)
    for n in range(15):
        services.sign_up_create(activity=activity, name=f"P{n}")
    assert activity.signups.filter(status=SignUpStatus.CONFIRMED).count() == 15


def test_thirty_people_signing_up_at_once_for_ten_places(transactional_db, world):
    activity = trip(world, capacity=10)
    barrier = threading.Barrier(30)
    errors = []

    def sign_up(n):
        try:
            barrier.wait()
            services.sign_up_create(activity=activity, name=f"Deltager {n}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    signups = SignUp.objects.filter(activity=activity)
    assert signups.filter(status=SignUpStatus.CONFIRMED).count() == 10
    assert signups.filter(status=SignUpStatus.WAITLIST).count() == 20


@pytest.mark.parametrize("name", ["010190-1234", ""])
def test_sign_up_form_refuses_cpr_numbers_and_empty_names(world, client_for, name):
    activity = trip(world, capacity=5)
    client = client_for(world.staff_a)
    response = client.post(f"/activities/{activity.pk}/sign-up/", {"name": name, "phone": ""})
    assert response.status_code == 400
    assert not activity.signups.exists()
    assert "CPR" in response.text or "Dette felt er påkrævet" in response.text


def test_a_full_course_opens_a_second_team_for_its_waitlist(world, client_for):
    course = ActivityFactory(
        organisation=world.org_a,
        centres=[world.centre_a],
        category="course",
        capacity=3,
        signup_required=True,
        schedule__session_count=34,
    )
    for n in range(8):
        services.sign_up_create(activity=course, name=f"Deltager {n}")
    client = client_for(world.staff_a)
    response = client.post(f"/activities/{course.pk}/second-team/")
    team = course.organisation.activities.get(title=f"{course.title} (2)")
    assert response.status_code == 302 and response.url == team.get_absolute_url()
    assert list(team.signups.values_list("name", "status")) == [
        ("Deltager 3", "confirmed"),
        ("Deltager 4", "confirmed"),
        ("Deltager 5", "confirmed"),
    ]
    assert course.signups.filter(status="waitlist").count() == 2
    assert team.occurrences.count() == course.occurrences.count()
    assert set(team.centres.all()) == {world.centre_a}


def test_only_a_course_with_a_waitlist_gets_a_second_team(world, client_for):
    course = trip(world, capacity=3)
    client = client_for(world.staff_a)
    client.post(f"/activities/{course.pk}/second-team/")
    assert course.organisation.activities.count() == 1


def test_participant_list_leaves_out_cancelled_sign_ups(world, client_for):
    activity = trip(world, capacity=1)
    services.sign_up_create(activity=activity, name="Anna", phone="12345678")
    gone = services.sign_up_create(activity=activity, name="Bo")
    services.sign_up_cancel(signup=gone)
    services.sign_up_create(activity=activity, name="Carl")
    page = client_for(world.staff_a).get(f"/activities/{activity.pk}/participants/").text
    assert "Anna" in page and "12 34 56 78" in page and "Carl" in page and "Bo<" not in page


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(1, 5),
    steps=st.lists(st.one_of(st.just("sign up"), st.integers(0, 15)), max_size=25),
)
def test_places_and_waitlist_follow_first_come_first_served(world, capacity, steps):
    activity = trip(world, capacity=capacity)
    confirmed, waitlist, everyone = [], [], []
    for step in steps:
        if step == "sign up":
            signup = services.sign_up_create(activity=activity, name=f"P{len(everyone)}")
            everyone.append(signup.pk)
            (confirmed if len(confirmed) < capacity else waitlist).append(signup.pk)
        elif everyone:
            pk = everyone[step % len(everyone)]
            services.sign_up_cancel(signup=SignUp.objects.get(pk=pk))
            if pk in confirmed:
                confirmed.remove(pk)
                if waitlist:
                    confirmed.append(waitlist.pop(0))
            elif pk in waitlist:
                waitlist.remove(pk)
        statuses = dict(activity.signups.values_list("pk", "status"))
        assert sorted(pk for pk, s in statuses.items() if s == "confirmed") == sorted(confirmed)
        assert sorted(pk for pk, s in statuses.items() if s == "waitlist") == sorted(waitlist)
        assert len(confirmed) <= capacity
        assert not waitlist or len(confirmed) == capacity
