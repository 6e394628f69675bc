"""Quarterly figures: per month by kind, severity and centre; XLSX export."""

import datetime
import io
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.forms import quarter_bounds
from incidents.models import Incident, Kind, Severity, Status
from incidents.stats import quarter_figures
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.any_day


def at(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 12))


def make(world, month, kinds, severity=Severity.MINOR, centre=None):
    return IncidentFactory(
        centre=centre or world.centre_a,
        reported_by=world.staff_a,
        occurred_at=at(month, 10),
        kinds=kinds,
        severity=severity,
    )


def test_quarter_bounds():
    assert quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


def test_figures_count_per_month_kind_severity_and_centre(world):
    make(world, 1, [Kind.THREAT, Kind.VERBAL_ABUSE], Severity.MODERATE)
    make(world, 1, [Kind.THREAT])
    make(world, 3, [Kind.PHYSICAL_VIOLENCE], Severity.SERIOUS, centre=world.centre_b)
    make(world, 4, [Kind.THREAT])  # next quarter
    IncidentFactory(centre=world.centre_z, reported_by=world.other_leader, occurred_at=at(2, 1))
    closed = make(world, 2, [Kind.SELF_HARM])
    Incident.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, closed_at=closed.created_at + datetime.timedelta(days=3)
    )
    figures = quarter_figures(world.leader, *quarter_bounds(2026, 1))
    rows = {str(r["label"]): r for r in figures["kind_rows"]}
    assert figures["total_rows"][0]["counts"] == [2, 1, 1]
    assert rows["Trussel"]["counts"] == [2, 0, 0]
    assert rows["Verbale krænkelser"]["counts"] == [1, 0, 0]
    severity = [r["total"] for r in figures["severity_rows"]]
    assert severity == [2, 1, 1]
    assert [(r["label"], r["total"]) for r in figures["centre_rows"]] == [
        ("Værestedet 76F", 3),
        ("Værestedet Frederiksgade", 1),
    ]
    assert figures["closed_count"] == 1
    assert figures["average_days_to_closed"] == 3.0


def test_the_figures_page_costs_the_same_queries_as_incidents_grow(world, client_for):
    client = client_for(world.leader)
    url = reverse("incidents:figures") + "?year=2026&quarter=1"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(world, 1, [Kind.THREAT])
    few = count()
    for month in (1, 2, 3):
        for _ in range(5):
            make(world, month, [Kind.VERBAL_ABUSE], centre=world.centre_b)
    assert count() == few


def test_bad_quarter_falls_back_to_the_current_one(world, client_for):
    response = client_for(world.leader).get(reverse("incidents:figures") + "?year=x&quarter=9")
    assert response.status_code == 200


def test_xlsx_export_is_a_workbook_and_is_logged(world, client_for):
    make(world, 2, [Kind.THREAT])
    response = client_for(world.leader).get(
        reverse("incidents:figures_xlsx") + "?year=2026&quarter=1"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    workbook = zipfile.ZipFile(io.BytesIO(response.content))
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "Trussel" in strings
    from centres.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(action="export", what="figures").exists()


def tally(centre, date, visits, kind="staffed", hour=10):
    from centres.models import VisitCount

    return VisitCount.objects.create(centre=centre, date=date, hour=hour, kind=kind, visits=visits)


def incidents_with_visits(world):
    """Q1 2026: centre A has 3 incidents and 1,200 visits, centre B 1 incident and none."""
    for month in (1, 2, 3):
        make(world, month, [Kind.THREAT])
    make(world, 2, [Kind.THREAT], centre=world.centre_b)
    tally(world.centre_a, datetime.date(2026, 1, 5), 1000)
    tally(world.centre_a, datetime.date(2026, 3, 31), 200, kind="user_run", hour=None)
    tally(world.centre_a, datetime.date(2026, 4, 1), 500)  # next quarter
    tally(world.centre_z, datetime.date(2026, 2, 1), 900)  # another organisation


def test_incidents_per_thousand_visits_with_known_numbers(world):
    incidents_with_visits(world)
    figures = quarter_figures(world.leader, *quarter_bounds(2026, 1))
    rows = {r["label"]: r for r in figures["rate_rows"]}
    assert rows["Værestedet 76F"] == {
        "label": "Værestedet 76F",
        "incidents": 3,
        "visits": 1200,
        "rate": 2.5,
    }
    assert rows["Værestedet Frederiksgade"]["visits"] == 0
    assert rows["Værestedet Frederiksgade"]["rate"] is None
    assert figures["rate_total"] == {"incidents": 4, "visits": 1200, "rate": 3.3}


def test_the_rate_is_a_dash_when_nobody_was_counted(world):
    make(world, 1, [Kind.THREAT])
    figures = quarter_figures(world.leader, *quarter_bounds(2026, 1))
    assert figures["rate_total"] == {"incidents": 1, "visits": 0, "rate": None}


def test_the_figures_page_shows_the_rate_in_danish_format(world, client_for):
    incidents_with_visits(world)
    html = client_for(world.leader).get(reverse("incidents:figures") + "?year=2026&quarter=1")
    html = html.content.decode()
    assert "Hændelser pr. 1.000 besøg" in html
    assert "2,5" in html and "3,3" in html and "1.200" in html
    assert "—" in html


def test_the_year_is_written_plain_in_the_form_and_the_download_link(world, client_for):
    html = client_for(world.leader).get(reverse("incidents:figures") + "?year=2026&quarter=1")
    html = html.content.decode()
    assert 'name="year" id="id_year" value="2026"' in html
    assert "?year=2026&amp;quarter=1" in html
    assert "2.026" not in html


def test_the_figures_page_stays_constant_as_visit_tallies_grow(world, client_for):
    client = client_for(world.leader)
    url = reverse("incidents:figures") + "?year=2026&quarter=1"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(world, 1, [Kind.THREAT])
    few = count()
    for day in range(1, 29):
        tally(world.centre_a, datetime.date(2026, 2, day), 10)
        tally(world.centre_b, datetime.date(2026, 2, day), 5, hour=None)
    assert count() == few


def test_xlsx_export_has_the_rate_per_thousand_visits(world, client_for):
    incidents_with_visits(world)
    response = client_for(world.leader).get(
        reverse("incidents:figures_xlsx") + "?year=2026&quarter=1"
    )
    workbook = zipfile.ZipFile(io.BytesIO(response.content))
    strings = workbook.read("xl/sharedStrings.xml").decode()
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "Hændelser pr. 1.000 besøg" in strings
    assert "—" in strings
    assert "<v>2.5</v>" in sheet and "<v>3.3</v>" in sheet and "<v>1200</v>" in sheet


def test_every_header_cell_of_the_figures_has_text(world, client_for):
    html = client_for(world.leader).get(reverse("incidents:figures")).content.decode()
    assert html.count("<table") == 5
    assert re.findall(r"<th[^>]*>\s*</th>", html) == []
    assert '<th scope="col">Alvorlighed</th>' in html


def test_the_year_field_holds_a_plain_number(world, client_for):
    html = client_for(world.leader).get(
        reverse("incidents:figures"), {"year": "2026", "quarter": "1"}
    )
    assert 'name="year" id="id_year" value="2026"' in html.content.decode()
