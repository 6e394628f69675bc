"""Outreach hours that belong to a worker's account, and "My hours": the worker sees their
own hours and registers and cancels their own absences, which users then do not see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advice.models import OutreachAbsence, OutreachHours
from advice.week_plan import week_plan_entries
from centres.models import Role
from centres.openings import closed_days
from config.calendar_sources import outreach_events
from tests.advice.factories import OutreachAbsenceFactory, OutreachHoursFactory
from tests.advice.test_outreach_hours import hours_data
from tests.factories import UserFactory

pytestmark = pytest.mark.any_day

URL = "/advice/my-hours/"
ONE_DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def own_hours(world, **kwargs):
    """Otto's hours at centre A, on today's weekday, since a month back."""
    kwargs.setdefault("weekday", today().weekday())
    kwargs.setdefault("valid_from", today() - datetime.timedelta(days=30))
    return OutreachHoursFactory(centre=world.centre_a, worker=world.outreach, **kwargs)


def absence_data(**overrides):
    data = {
        "hours": "",
        "start_date": today().isoformat(),
        "end_date": today().isoformat(),
        "reason": "illness",
    }
    data.update(overrides)
    return data


# --- The model --------------------------------------------------------------------------


def test_the_name_comes_from_the_account_and_follows_it(world):
    hours = OutreachHoursFactory(centre=world.centre_a, worker=world.outreach, display_name="")
    assert hours.display_name == "Otto"
    world.outreach.first_name = "Otto Emil"
    world.outreach.save()
    hours.refresh_from_db()
    assert hours.display_name == "Otto Emil"
    # Hours whose account is deleted keep the name they had.
    world.outreach.delete()
    hours.refresh_from_db()
    assert (hours.worker, hours.display_name) == (None, "Otto Emil")


def test_a_sign_in_does_not_touch_the_hours(world, django_assert_num_queries):
    own_hours(world)
    world.outreach.last_login = timezone.now()
    with django_assert_num_queries(1):
        world.outreach.save(update_fields=["last_login"])


def test_hours_need_an_account_or_a_name(world):
    hours = OutreachHours(
        centre=world.centre_a,
        role="job_centre",
        service="Jobcenter",
        display_name=" ",
        weekday=1,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    with pytest.raises(ValidationError) as refused:
        hours.full_clean()
    assert "display_name" in refused.value.message_dict
    hours.display_name = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        hours.save()


@pytest.mark.parametrize(
    "who",
    ["staff", "other_organisation", "not_at_the_centre", "association"],
)
def test_the_account_is_an_outreach_worker_of_the_organisation_at_the_centre(world, who):
    worker = {
        "staff": world.staff_a,
        "association": world.association,
        "other_organisation": UserFactory(
            organisation=world.org_z, role=Role.OUTREACH, centres=[world.centre_z]
        ),
        "not_at_the_centre": UserFactory(
            organisation=world.org_a, role=Role.OUTREACH, centres=[world.centre_b]
        ),
    }[who]
    hours = OutreachHoursFactory.build(centre=world.centre_a, worker=worker, display_name="")
    with pytest.raises(ValidationError) as refused:
        hours.full_clean()
    assert "worker" in refused.value.message_dict
    OutreachHoursFactory.build(centre=world.centre_a, worker=world.outreach).full_clean()


# --- The leader's and staff's hours form ------------------------------------------------


def test_staff_give_hours_to_a_worker_account(world, client_for):
    client = client_for(world.staff_a)
    assert "Otto" in client.get("/advice/outreach-hours/new/").content.decode()
    response = client.post(
        "/advice/outreach-hours/new/",
        hours_data(world.centre_a, worker=world.outreach.pk, display_name=""),
    )
    assert response.status_code == 302
    hours = OutreachHours.objects.get()
    assert (hours.worker, hours.display_name) == (world.outreach, "Otto")


def test_a_worker_without_an_account_is_still_a_name(world, client_for):
    response = client_for(world.staff_a).post(
        "/advice/outreach-hours/new/", hours_data(world.centre_a, worker="")
    )
    assert response.status_code == 302
    assert OutreachHours.objects.get().worker is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Vælg medarbejderens konto"),
        ({"worker": "staff_a"}, "worker", "Vælg en af de fremskudte medarbejdere."),
        ({"worker": "zoe_outreach"}, "worker", "Vælg en af de fremskudte medarbejdere."),
        ({"worker": "outreach_b"}, "worker", "arbejder ikke på Værestedet 76F"),
        ({"worker": "nonsense"}, "worker", "Vælg en af de fremskudte medarbejdere."),
    ],
)
def test_bad_worker_choices_get_a_danish_message_and_save_nothing(
    world, client_for, overrides, field, message
):
    people = {
        "staff_a": world.staff_a.pk,
        "zoe_outreach": UserFactory(
            organisation=world.org_z, role=Role.OUTREACH, centres=[world.centre_z]
        ).pk,
        "outreach_b": UserFactory(
            first_name="Kasper",
            organisation=world.org_a,
            role=Role.OUTREACH,
            centres=[world.centre_b],
        ).pk,
    }
    overrides = dict(overrides)
    if "worker" in overrides:
        overrides["worker"] = people.get(overrides["worker"], overrides["worker"])
    response = client_for(world.staff_a).post(
        "/advice/outreach-hours/new/", hours_data(world.centre_a, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not OutreachHours.objects.exists()


# --- My hours ---------------------------------------------------------------------------


def test_the_worker_sees_their_own_hours_and_no_one_elses(world, client_for):
    own_hours(world, service="Jobcenter Faxe")
    OutreachHoursFactory(centre=world.centre_a, display_name="Mette", service="Kommunen")
    colleague = UserFactory(
        first_name="Kasper",
        organisation=world.org_a,
        role=Role.OUTREACH,
        centres=[world.centre_a],
    )
    OutreachHoursFactory(centre=world.centre_a, worker=colleague, service="Misbrugscentret")
    # Ended hours are the past: not shown.
    own_hours(world, service="Gammel tid", valid_until=today() - ONE_DAY)
    page = client_for(world.outreach).get(URL).content.decode()
    assert "Mine tider" in page and "Jobcenter Faxe" in page
    assert "Kommunen" not in page and "Misbrugscentret" not in page
    assert "Gammel tid" not in page
    assert "Registrér fravær" in page


def test_a_worker_without_hours_is_told_who_adds_them(world, client_for):
    page = client_for(world.outreach).get(URL).content.decode()
    assert "Personalet på stedet føjer dem til din konto." in page
    assert "Registrér fravær" not in page


def test_the_worker_finds_my_hours_in_the_menu(world, client_for):
    page = client_for(world.outreach).get("/").content.decode()
    assert 'href="/advice/my-hours/"' in page and "Mine tider" in page
    assert 'href="/advice/my-hours/"' not in client_for(world.staff_a).get("/").content.decode()


def test_ill_today_hides_today_from_users_in_one_tap(world, client_for):
    morning = own_hours(world)
    afternoon = own_hours(world, start_time=datetime.time(13), end_time=datetime.time(15))
    other_day = own_hours(world, weekday=(today().weekday() + 1) % 7)
    client = client_for(world.outreach)
    response = client.post(URL, absence_data(), follow=True)
    assert "Dit fravær er registreret." in response.content.decode()
    # Each of the worker's hours that falls on those days gets the absence, in the
    # history with the worker's name.
    absences = OutreachAbsence.objects.order_by("hours_id")
    assert [(a.hours, a.start_date, a.end_date, a.reason) for a in absences] == [
        (morning, today(), today(), "illness"),
        (afternoon, today(), today(), "illness"),
    ]
    assert not other_day.absences.exists()
    assert absences[0].history.get().history_user == world.outreach
    # Gone from the calendar and the week plan, as an absence the staff register is.
    closed = closed_days([world.centre_a], today(), today())
    assert outreach_events([world.centre_a], today(), today() + ONE_DAY, closed) == []
    start = timezone.make_aware(datetime.datetime.combine(today(), datetime.time()))
    assert week_plan_entries(None, world.centre_a, start, start + ONE_DAY) == []


def test_the_worker_registers_a_holiday_for_one_of_their_hours(world, client_for):
    hours = own_hours(world)
    other = own_hours(world, weekday=(today().weekday() + 1) % 7)
    first = today() + datetime.timedelta(days=14)
    response = client_for(world.outreach).post(
        URL,
        absence_data(
            hours=hours.pk,
            start_date=first.isoformat(),
            end_date=(first + datetime.timedelta(days=13)).isoformat(),
            reason="holiday",
        ),
    )
    assert response.status_code == 302
    assert list(OutreachAbsence.objects.values_list("hours", flat=True)) == [hours.pk]
    assert not other.absences.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "yesterday"}, "Sidste dag kan ikke ligge før første dag."),
        ({"start_date": "yesterday"}, "begynder i dag eller senere"),
        ({"end_date": "in two years"}, "højst et år ad gangen"),
        ({"start_date": "31.02.2026"}, "Indtast en gyldig dato."),
        ({"start_date": ""}, "Skriv den første dag."),
        ({"reason": "bored"}, "Vælg en af begrundelserne."),
        ({"hours": "theirs"}, "Vælg en af dine tider."),
        ({"hours": "ended"}, "Vælg en af dine tider."),
        ({"hours": "999999"}, "Vælg en af dine tider."),
        ({"start_date": "in a week", "end_date": "in a week"}, "Du har ingen tider på de dage."),
        ({}, "Du er allerede registreret som fraværende"),
    ],
)
def test_bad_absences_get_a_danish_message_and_save_nothing(world, client_for, overrides, message):
    hours = own_hours(world)
    OutreachAbsenceFactory(hours=hours, start_date=today(), end_date=today())
    colleague = UserFactory(organisation=world.org_a, role=Role.OUTREACH, centres=[world.centre_a])
    dates = {
        "yesterday": today() - ONE_DAY,
        "in two years": today() + datetime.timedelta(days=731),
        # Hours on today's weekday only: six days on, they do not fall.
        "in a week": today() + datetime.timedelta(days=6),
    }
    pks = {
        "theirs": OutreachHoursFactory(centre=world.centre_a, worker=colleague).pk,
        "ended": own_hours(world, valid_until=today() - ONE_DAY).pk,
    }
    data = absence_data()
    for name, value in overrides.items():
        data[name] = dates[value].isoformat() if value in dates else pks.get(value, value)
    response = client_for(world.outreach).post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OutreachAbsence.objects.count() == 1


def test_an_absence_saved_meanwhile_is_refused_not_a_500(world, client_for, monkeypatch):
    hours = own_hours(world)
    from advice import services

    real = services.absence_register

    def racing(**kwargs):
        OutreachAbsence.objects.create(
            hours=hours, start_date=today(), end_date=today(), reason="holiday"
        )
        return real(**kwargs)

    monkeypatch.setattr(services, "absence_register", racing)
    response = client_for(world.outreach).post(URL, absence_data())
    assert response.status_code == 200
    assert "Du er allerede registreret som fraværende" in response.content.decode()
    assert not OutreachAbsence.objects.exists()


def test_the_worker_cancels_a_coming_absence_after_being_asked(world, client_for):
    hours = own_hours(world)
    coming = OutreachAbsenceFactory(
        hours=hours, start_date=today() + ONE_DAY, end_date=today() + datetime.timedelta(days=3)
    )
    client = client_for(world.outreach)
    assert f"/advice/my-hours/absences/{coming.pk}/cancel/" in client.get(URL).content.decode()
    url = f"/advice/my-hours/absences/{coming.pk}/cancel/"
    assert "Er du sikker?" in client.get(url).content.decode()
    assert OutreachAbsence.objects.exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert not OutreachAbsence.objects.exists()


def test_an_absence_that_has_begun_is_the_staffs_to_end(world, client_for):
    hours = own_hours(world)
    begun = OutreachAbsenceFactory(
        hours=hours, start_date=today() - ONE_DAY, end_date=today() + ONE_DAY
    )
    client = client_for(world.outreach)
    page = client.get(URL).content.decode()
    assert f"/advice/my-hours/absences/{begun.pk}/cancel/" not in page
    assert client.post(f"/advice/my-hours/absences/{begun.pk}/cancel/").status_code == 404
    assert OutreachAbsence.objects.get() == begun


def test_another_workers_or_organisations_absence_is_a_404(world, client_for):
    coming = today() + datetime.timedelta(days=7)
    colleague = UserFactory(organisation=world.org_a, role=Role.OUTREACH, centres=[world.centre_a])
    theirs = OutreachAbsenceFactory(
        hours=OutreachHoursFactory(centre=world.centre_a, worker=colleague),
        start_date=coming,
        end_date=coming,
    )
    outsider = UserFactory(organisation=world.org_z, role=Role.OUTREACH, centres=[world.centre_z])
    elsewhere = OutreachAbsenceFactory(
        hours=OutreachHoursFactory(centre=world.centre_z, worker=outsider),
        start_date=coming,
        end_date=coming,
    )
    client = client_for(world.outreach)
    for absence in (theirs, elsewhere):
        url = f"/advice/my-hours/absences/{absence.pk}/cancel/"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert "Zentrum" not in client.get(URL).content.decode()
    assert OutreachAbsence.objects.count() == 2


def test_hours_at_a_centre_the_worker_left_are_not_theirs_to_see(world, client_for):
    own_hours(world, service="Jobcenter Faxe")
    world.outreach.centres.set([world.centre_b])
    assert "Jobcenter Faxe" not in client_for(world.outreach).get(URL).content.decode()


def test_my_hours_take_the_same_queries_however_many(world, client_for, django_assert_num_queries):
    client = client_for(world.outreach)
    OutreachAbsenceFactory(
        hours=own_hours(world), start_date=today() + ONE_DAY, end_date=today() + ONE_DAY
    )
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for weekday in range(7):
        OutreachAbsenceFactory(
            hours=own_hours(world, weekday=weekday),
            start_date=today() + ONE_DAY,
            end_date=today() + datetime.timedelta(days=2),
        )
    with django_assert_num_queries(len(few)):
        client.get(URL)
