"""Demo data for advice, and what advice adds to the home page and the navigation."""

import datetime

from django.db.models import Count

from advice import demo
from advice.models import Contact, MeetingTally, OutreachHours, OutreachRole
from centres import demo as centres_demo
from centres.models import Role


def test_demo_is_a_plausible_year_and_idempotent(db):
    organisation, centres, people = centres_demo.seed()
    demo.seed(organisation=organisation, centres=centres, people=people)
    counts = (Contact.objects.count(), OutreachHours.objects.count(), MeetingTally.objects.count())
    demo.seed(organisation=organisation, centres=centres, people=people)
    assert (
        Contact.objects.count(),
        OutreachHours.objects.count(),
        MeetingTally.objects.count(),
    ) == counts
    per_centre = dict(
        Contact.objects.values_list("centre__name")
        .annotate(n=Count("pk"))
        .values_list("centre__name", "n")
    )
    assert set(per_centre) == set(centres)
    assert all(300 < n < 2000 for n in per_centre.values())
    first = Contact.objects.order_by("date").first().date
    assert datetime.date.today() - first <= datetime.timedelta(days=365)
    roles = set(OutreachHours.objects.values_list("role", flat=True))
    assert roles == {OutreachRole.JOB_CENTRE, OutreachRole.ADDICTION}
    today = datetime.date.today()
    assert OutreachHours.objects.for_centre(centres["Værestedet 76F"]).between(
        today, today + datetime.timedelta(days=13)
    )


def test_staff_home_offers_recording_advice(world, client_for):
    page = client_for(world.staff_a).get("/").content.decode()
    assert "Registrér rådgivning" in page and 'href="/advice/record/"' in page


def test_outreach_worker_is_offered_only_recording(world, client_for):
    page = client_for(world.outreach).get("/").content.decode()
    assert 'href="/advice/record/"' in page
    assert "/advice/outreach-hours/" not in page
    assert "/advice/figures/" not in page and "/advice/meetings/" not in page


def test_association_is_offered_only_the_figures(world, client_for):
    page = client_for(world.association).get("/").content.decode()
    assert 'href="/advice/figures/"' in page
    assert "/advice/record/" not in page


def test_leader_is_offered_topics(world, client_for):
    page = client_for(world.leader).get("/").content.decode()
    assert 'href="/advice/topics/"' in page


def test_the_timing_command_keeps_nothing(db, capsys):
    from django.core.management import call_command

    call_command("time_advice_figures", per_day=2, years=1, runs=1)
    assert "Rolled back" in capsys.readouterr().out
    assert not Contact.objects.exists()


def test_demo_has_two_outreach_workers_who_keep_their_own_hours(db, client):
    organisation, centres, people = centres_demo.seed()
    demo.seed(organisation=organisation, centres=centres, people=people)
    demo.seed(organisation=organisation, centres=centres, people=people)
    workers = {username: people[username] for username in ("mette", "kasper")}
    for username, worker in workers.items():
        assert worker.role == Role.OUTREACH and worker.check_password(centres_demo.DEMO_PASSWORD)
        hours = OutreachHours.objects.filter(worker=worker)
        assert hours.count() == 2, username
        assert set(hours.values_list("display_name", flat=True)) == {worker.first_name}
        client.force_login(worker)
        assert hours.first().service in client.get("/advice/my-hours/").content.decode()
    assert not OutreachHours.objects.filter(worker=None).exists()
