"""The report pack's test data (the reference case) and a reader for its XLSX workbook."""

import datetime
import io
import re
import zipfile
from xml.etree import ElementTree

from advice.models import Topic
from centres.models import OpeningHours, VisitCount
from centres.openings import local_datetime
from tests.advice.factories import ContactFactory
from tests.centres.factories import OpeningHoursFactory
from tests.factories import CentreFactory
from tests.incidents.factories import IncidentFactory

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
YEAR = 2025


def reference_case(world):
    """Organisation A as the reference case's three services, with a year of figures in
    2025: hours that change in June, visits (76F: 1,234 in all), advice by topic and a few
    incidents. Returns the centres, ordered by name as the pack lists them."""
    krydsfeltet = CentreFactory(organisation=world.org_a, name="Krydsfeltet")
    centres = [world.centre_a, world.centre_b, krydsfeltet]
    first = datetime.date(YEAR, 1, 1)
    for centre, weekday in ((world.centre_a, 1), (world.centre_b, 0), (krydsfeltet, 3)):
        OpeningHoursFactory(
            centre=centre,
            weekday=weekday,
            starts=datetime.time(8),
            ends=datetime.time(16),
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(YEAR, 6, 30),
        )
        OpeningHoursFactory(
            centre=centre,
            weekday=weekday,
            starts=datetime.time(8),
            ends=datetime.time(15, 30),
            valid_from=datetime.date(YEAR, 7, 1),
        )
    visits = []
    for week in range(52):
        monday = first + datetime.timedelta(days=7 * week - first.weekday() + 7)
        if monday.year != YEAR:
            continue
        visits.append(VisitCount(centre=world.centre_a, date=monday, kind="staffed", visits=23))
        visits.append(VisitCount(centre=world.centre_b, date=monday, kind="staffed", visits=9))
        visits.append(VisitCount(centre=krydsfeltet, date=monday, kind="staffed", visits=2))
    visits.append(VisitCount(centre=world.centre_a, date=first, kind="user_run", visits=38))
    VisitCount.objects.bulk_create(visits)
    topics = list(Topic.objects.ensure_defaults(world.org_a))
    for i in range(40):
        ContactFactory(
            centre=centres[i % 3],
            date=first + datetime.timedelta(days=5 * i),
            topics=topics[i % 4 : i % 4 + 2],
        )
    for i in range(4):
        IncidentFactory(
            centre=world.centre_a,
            occurred_at=local_datetime(first + datetime.timedelta(days=60 * i), datetime.time(11)),
        )
    assert OpeningHours.objects.filter(centre__organisation=world.org_a).count() == 6
    return sorted(centres, key=lambda c: c.name)


class Workbook:
    """The sheets of an XLSX file as {name: {cell reference: shown value}} and their XML."""

    def __init__(self, data):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        strings = ElementTree.fromstring(self.zip.read("xl/sharedStrings.xml"))
        self.strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in strings.findall("m:si", NS)
        ]
        book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
        self.names = [s.get("name") for s in book.find("m:sheets", NS)]
        self.defined = {
            (d.get("name"), d.get("localSheetId")): d.text
            for d in book.iter(f"{{{NS['m']}}}definedName")
        }
        self.styles = self.zip.read("xl/styles.xml").decode()

    def xml(self, index):
        return self.zip.read(f"xl/worksheets/sheet{index + 1}.xml").decode()

    def cells(self, index):
        sheet = ElementTree.fromstring(self.xml(index))
        cells = {}
        for c in sheet.iter(f"{{{NS['m']}}}c"):
            value = c.find("m:v", NS)
            if value is None:
                continue
            cells[c.get("r")] = (
                self.strings[int(value.text)] if c.get("t") == "s" else float(value.text)
            )
        return cells

    def rows(self, index):
        """The sheet's rows as lists of values, empty cells left out."""
        rows = {}
        for ref, value in self.cells(index).items():
            column, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
            rows.setdefault(int(row), []).append((column_number(column), value))
        return {row: [v for _c, v in sorted(values)] for row, values in sorted(rows.items())}

    def widths(self, index):
        """{column number (0-based): width} of the columns set."""
        sheet = ElementTree.fromstring(self.xml(index))
        widths = {}
        for col in sheet.iter(f"{{{NS['m']}}}col"):
            for n in range(int(col.get("min")) - 1, int(col.get("max"))):
                widths[n] = float(col.get("width"))
        return widths


def column_number(letters):
    n = 0
    for letter in letters:
        n = n * 26 + ord(letter) - ord("A") + 1
    return n - 1
