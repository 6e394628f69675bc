"""The dashboard and report pack through the client: who sees what, bad input, query counts."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advice.models import Channel
from centres.models import Census, VisitCount
from tests.activities.factories import ActivityFactory, MeetingFactory
from tests.advice.factories import ContactFactory
from tests.centres.factories import OpeningHoursFactory, ShiftFactory
from tests.factories import CentreFactory
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]

DASHBOARD = reverse("dashboard:index")
PACK = reverse("dashboard:pack")
PACK_XLSX = reverse("dashboard:pack_xlsx")


def test_leader_sees_every_centre_of_the_organisation_and_no_other(world, client_for):
    response = client_for(world.leader).get(DASHBOARD)
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["centre"].choices)
    assert world.centre_a.pk in choices and world.centre_b.pk in choices
    assert world.centre_z.pk not in choices


def test_staff_see_their_own_centres_only(world, client_for):
    client = client_for(world.staff_a)
    response = client.get(DASHBOARD)
    choices = dict(response.context["form"].fields["centre"].choices)
    assert world.centre_a.pk in choices and world.centre_b.pk not in choices
    assert client.get(DASHBOARD, {"centre": world.centre_b.pk}).status_code == 404


def test_staff_figures_leave_out_other_centres(world, client_for):
    day = datetime.date.today()
    VisitCount.objects.create(centre=world.centre_a, date=day, hour=10, kind="staffed", visits=4)
    VisitCount.objects.create(centre=world.centre_b, date=day, hour=10, kind="staffed", visits=9)
    response = client_for(world.staff_a).get(DASHBOARD, {"period": "year"})
    visits = response.context["sections"][0].figures[0]
    assert visits.current == 4


def test_the_tables_show_census_dates_and_advice_counts(world, client_for):
    today = timezone.localdate()
    Census.objects.create(centre=world.centre_a, date=today, weekly=10, monthly=3, occasional=2)
    ContactFactory(centre=world.centre_a, date=today, channel=Channel.PHONE)
    html = client_for(world.leader).get(DASHBOARD).content.decode()
    row = '<tr><th scope="row" class="fw-normal">{}</th><td class="num">{}</td></tr>'
    assert row.format(today.strftime("%d.%m.%Y"), 15) in html
    assert row.format("Telefon", 1) in html


@pytest.mark.parametrize("persona", ["outreach", "association"])
def test_outreach_workers_and_the_association_are_refused(world, client_for, persona):
    client = client_for(world.persona(persona))
    for url in (DASHBOARD, PACK, PACK_XLSX):
        assert client.get(url).status_code == 403


def test_staff_may_not_take_the_report_pack(world, client_for):
    assert client_for(world.staff_a).get(PACK).status_code == 403


def test_another_organisations_centre_is_not_found(world, client_for):
    client = client_for(world.leader)
    assert client.get(DASHBOARD, {"centre": world.centre_z.pk}).status_code == 404
    assert client.get(PACK, {"year": 2025, "centres": world.centre_z.pk}).status_code == 404
    assert (
        client_for(world.other_leader).get(DASHBOARD, {"centre": world.centre_a.pk}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "fortnight"}, "Marker en gyldig valgmulighed"),
        (
            {"period": "custom", "start": "2025-05-01", "end": "2025-04-01"},
            "Sidste dag ligger før første dag",
        ),
        ({"period": "custom", "start": "2025-05-01"}, "første og en sidste dag"),
        ({"period": "month", "date": "2025-02-30"}, "gyldig dato"),
        ({"period": "month", "date": "not a date"}, "gyldig dato"),
        ({"period": "year", "date": "0001-01-01"}, "Skriv en dato fra 01.01.2000 til"),
        ({"period": "custom", "start": "2001-01-01", "end": "2010-01-01"}, "højst fem år"),
        ({"centre": "abc"}, "Marker en gyldig valgmulighed"),
    ],
)
def test_bad_query_parameters_get_a_danish_message(world, client_for, params, message):
    response = client_for(world.leader).get(DASHBOARD, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("params", [{"year": "x"}, {"year": "1066"}, {"centres": "abc"}])
def test_bad_pack_parameters_get_a_danish_message(world, client_for, params):
    client = client_for(world.leader)
    for url in (PACK, PACK_XLSX):
        response = client.get(url, params)
        assert response.status_code == 400
        assert 'class="invalid-feedback' in response.content.decode()


def fill(world, n):
    """`n` of everything at both centres in 2025, and further centres."""
    for _i in range(n):
        CentreFactory(organisation=world.org_a)
    for centre in (world.centre_a, world.centre_b):
        OpeningHoursFactory(centre=centre, weekday=1)
        ShiftFactory(
            centre=centre, worker=world.staff_a if centre == world.centre_a else world.staff_b
        )
        activity = ActivityFactory(organisation=world.org_a, centres=[centre])
        MeetingFactory(organisation=world.org_a, centre=centre, published_at=None)
        for day in range(n):
            date = datetime.date(2025, 1, 1) + datetime.timedelta(days=day * 7)
            VisitCount.objects.create(centre=centre, date=date, hour=10, kind="staffed", visits=5)
            Census.objects.create(centre=centre, date=date, weekly=10, monthly=3, occasional=2)
            ContactFactory(centre=centre, date=date)
            incident = IncidentFactory(centre=centre)
            FollowUpItemFactory(incident=incident, owner=world.leader)
        assert activity.occurrences.exists()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (DASHBOARD, {"period": "year", "date": "2025-06-01"}),
        (DASHBOARD, {"period": "month", "date": "2025-02-01", "centre": "A"}),
        (PACK, {"year": "2025"}),
        (PACK_XLSX, {"year": "2025"}),
    ],
)
def test_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_num_queries, url, params
):
    client = client_for(world.leader)
    if params.get("centre") == "A":
        params = {**params, "centre": world.centre_a.pk}
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url, params).status_code == 200
    fill(world, 12)
    with django_assert_num_queries(len(empty.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_pack_hides_small_cells_when_shared(world, client_for):
    for _ in range(2):
        IncidentFactory(
            centre=world.centre_a,
            occurred_at=datetime.datetime(2025, 3, 3, 12, tzinfo=datetime.UTC),
        )
    VisitCount.objects.create(
        centre=world.centre_a, date=datetime.date(2025, 3, 3), hour=10, kind="staffed", visits=40
    )
    client = client_for(world.leader)
    inside = client.get(PACK, {"year": 2025, "centres": world.centre_a.pk})
    row = inside.context["pack"].rows[0]
    assert row.incidents == 2 and row.visits == 40
    shared = client.get(PACK, {"year": 2025, "centres": world.centre_a.pk, "shared": "on"})
    row = shared.context["pack"].rows[0]
    assert row.incidents is None and row.visits == 40
    content = shared.content.decode()
    assert "skjult" in content
    assert "Tal under 5 vises som “skjult”, ligesom tal, de kan regnes ud fra" in content
    # A cell that says only "skjult" (the cover explains the rule in both cases).
    hidden_cell = "<t>skjult</t>"
    assert hidden_cell not in strings_of(client.get(PACK_XLSX, {"year": 2025}).content)
    assert hidden_cell in strings_of(client.get(PACK_XLSX, {"year": 2025, "shared": "on"}).content)


def strings_of(xlsx):
    with zipfile.ZipFile(io.BytesIO(xlsx)) as workbook:
        return workbook.read("xl/sharedStrings.xml").decode()


def test_pack_workbook_has_a_sheet_per_subject(world, client_for):
    response = client_for(world.leader).get(PACK_XLSX, {"year": 2025})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        sheets = workbook.read("xl/workbook.xml").decode().count("<sheet ")
    assert sheets == 7
    strings = strings_of(response.content)
    assert world.centre_a.name in strings and world.centre_z.name not in strings


def test_dashboard_nav_entry_for_leaders_and_staff_only(world, client_for):
    assert DASHBOARD in client_for(world.leader).get(reverse("home")).content.decode()
    assert DASHBOARD in client_for(world.staff_a).get(reverse("home")).content.decode()
    assert DASHBOARD not in client_for(world.association).get(reverse("home")).content.decode()
