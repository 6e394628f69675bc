"""The dashboard is worked out on every view: a change behind its figures shows on the next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centres import services
from centres.models import VisitCount
from tests.incidents.factories import BanFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

DASHBOARD = reverse("dashboard:index")


@pytest.fixture
def last_month():
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return {"period": "month", "date": first.replace(day=1).isoformat()}


def visits_shown(response):
    """The first figure of the report: visits in the period."""
    html = response.content.decode()
    row = html.split('<th scope="row" class="fw-normal">Besøg</th>', 1)[1]
    return row.split('<td class="num">', 2)[1].split("<", 1)[0]


def bans_in_force(html):
    row = html.split('<th scope="row" class="fw-normal">Karantæner i kraft</th>', 1)[1]
    return row.split('<td class="num">', 1)[1].split("<", 1)[0]


def day_in(params):
    return datetime.date.fromisoformat(params["date"]) + datetime.timedelta(days=3)


@pytest.mark.parametrize(
    "change",
    [
        lambda w, day: services.set_day_figures(
            centre=w.centre_a, date=day, kind="user_run", visits=5, new_visits=0
        ),
        lambda w, day: VisitCount.objects.filter(centre=w.centre_a).update(visits=20),
        lambda w, day: VisitCount.objects.filter(centre=w.centre_a).delete(),
    ],
    ids=["more figures", "corrected", "deleted"],
)
def test_a_change_behind_the_figures_shows_on_the_next_view(world, client_for, last_month, change):
    client = client_for(world.leader)
    day = day_in(last_month)
    services.set_day_figures(
        centre=world.centre_a, date=day, kind="staffed", visits=17, new_visits=0
    )
    assert visits_shown(client.get(DASHBOARD, last_month)) == "17"
    change(world, day)
    expected = VisitCount.objects.filter(centre__organisation=world.org_a).totals()["visits"]
    assert visits_shown(client.get(DASHBOARD, last_month)) == str(expected)


def test_the_right_now_figures_follow_changes_too(world, client_for, last_month):
    client = client_for(world.leader)
    before = client.get(DASHBOARD, last_month).content.decode()
    BanFactory(centre=world.centre_a, decided_by=world.leader)
    after = client.get(DASHBOARD, last_month).content.decode()
    assert bans_in_force(before) == "0" and bans_in_force(after) == "1"


def test_a_tap_of_today_shows_in_the_current_period(world, client_for):
    client = client_for(world.leader)
    this_week = {"period": "week", "date": timezone.localdate().isoformat()}
    counted = visits_shown(client.get(DASHBOARD, this_week))
    services.record_tap(centre=world.centre_a)
    assert int(visits_shown(client.get(DASHBOARD, this_week))) == int(counted) + 1


def test_each_scope_sees_its_own_figures(world, client_for, last_month):
    day = day_in(last_month)
    for centre, visits in ((world.centre_a, 4), (world.centre_b, 9)):
        services.set_day_figures(
            centre=centre, date=day, kind="staffed", visits=visits, new_visits=0
        )
    assert visits_shown(client_for(world.leader).get(DASHBOARD, last_month)) == "13"
    assert visits_shown(client_for(world.staff_a).get(DASHBOARD, last_month)) == "4"
    assert visits_shown(client_for(world.staff_b).get(DASHBOARD, last_month)) == "9"
    one = {**last_month, "centre": world.centre_b.pk}
    assert visits_shown(client_for(world.leader).get(DASHBOARD, one)) == "9"


def test_each_language_sees_its_own_words(world, client_for, last_month):
    client = client_for(world.leader)
    assert "Besøg" in client.get(DASHBOARD, last_month).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(DASHBOARD, last_month).content.decode()
    assert "Visits per day" in english and "Besøg pr. dag" not in english


def visits_a_year_earlier(response):
    html = response.content.decode()
    row = html.split('<th scope="row" class="fw-normal">Besøg</th>', 1)[1]
    return row.split('<td class="num">', 3)[2].split("<", 1)[0]


def test_a_change_a_year_earlier_shows_in_the_current_period(world, client_for):
    client = client_for(world.leader)
    this_month = {"period": "month", "date": timezone.localdate().isoformat()}
    # The first day of the month a year earlier is always among the days compared.
    today = timezone.localdate()
    a_year_ago = today.replace(year=today.year - 1, day=1)
    services.set_day_figures(
        centre=world.centre_a, date=a_year_ago, kind="staffed", visits=8, new_visits=0
    )
    assert visits_a_year_earlier(client.get(DASHBOARD, this_month)) == "8"
    services.set_day_figures(
        centre=world.centre_a, date=a_year_ago, kind="user_run", visits=5, new_visits=0
    )
    assert visits_a_year_earlier(client.get(DASHBOARD, this_month)) == "13"


def test_the_current_periods_right_now_figures_follow_a_change(world, client_for):
    client = client_for(world.leader)
    this_month = {"period": "month", "date": timezone.localdate().isoformat()}
    assert bans_in_force(client.get(DASHBOARD, this_month).content.decode()) == "0"
    BanFactory(centre=world.centre_a, decided_by=world.leader)
    assert bans_in_force(client.get(DASHBOARD, this_month).content.decode()) == "1"
