"""The report pack as Socialtilsynet reads it: a cover sheet, every sheet titled with the
organisation and period, weeks and topics as rows, frozen and repeated heads, A4
landscape fitted to the width, Danish numbers and dates, and years written plain.
(tests/config/test_dashboard_pack_print.py prints it with LibreOffice.)"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from centres.models import VisitCount
from config.dashboard.pack import excel_date_format
from tests.config.pack_support import YEAR, Workbook, column_number, reference_case

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
PACK = reverse("dashboard:pack")
PACK_XLSX = reverse("dashboard:pack_xlsx")
SHEETS = [
    "Om rapporten",
    "Brugere og besøg",
    "Uge for uge",
    "Ændringer af åbningstider",
    "Aktiviteter og husmøder",
    "Rådgivning",
    "Hændelser",
]
# Monday 30 December 2024 (week 1 of 2025) to Monday 29 December 2025 (week 1 of 2026).
WEEKS_TOUCHING_2025 = 53


@pytest.fixture
def pack_2025(world, client_for):
    centres = reference_case(world)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 14, 5, tzinfo=CPH), tick=False):
        response = client_for(world.leader).get(PACK_XLSX, {"year": YEAR})
    assert response.status_code == 200
    return Workbook(response.content), centres


def test_the_cover_says_what_the_workbook_holds_and_for_whom(world, pack_2025):
    book, centres = pack_2025
    assert book.names == SHEETS
    cover = book.rows(0)
    facts = {row[0]: row[1:] for row in cover.values() if len(row) > 1}
    assert cover[1] == ["Rapport til Socialtilsynet 2025"]
    assert facts["Organisation"] == ["Banebryderne"]
    assert facts["Periode"] == ["2025: 01.01.2025\N{EN DASH}31.12.2025"]
    assert facts["Steder"] == [centres[0].name]
    assert [row[-1] for row in cover.values()][3:6] == [c.name for c in centres]
    assert facts["Udarbejdet"] == ["02.03.2026 14:05"]
    assert facts["Til deling uden for organisationen"] == ["Nej"]
    assert "ingen tal er skjult" in facts["Små tal"][0]
    # The contents: every other sheet by name and title.
    assert [row[0] for row in cover.values()][-6:] == SHEETS[1:]


def test_every_sheet_is_titled_with_organisation_period_and_sharing(pack_2025):
    book, _centres = pack_2025
    for index in range(1, len(SHEETS)):
        rows = book.rows(index)
        assert "Banebryderne \N{MIDDLE DOT} 2025: 01.01.2025\N{EN DASH}31.12.2025" in rows[2]
        assert rows[3][0].startswith("Kun til brug i organisationen")
        assert rows[3][0].endswith("Udarbejdet 02.03.2026 14:05.")
        header = re.search(r"<oddHeader>(.*?)</oddHeader>", book.xml(index)).group(1)
        assert "Banebryderne" in header and "01.01.2025\N{EN DASH}31.12.2025" in header


def test_every_sheet_is_set_up_for_a4_landscape_with_frozen_repeated_heads(pack_2025):
    book, _centres = pack_2025
    for index, name in enumerate(SHEETS):
        xml = book.xml(index)
        assert 'paperSize="9"' in xml and 'orientation="landscape"' in xml, name
        assert 'fitToHeight="0"' in xml and "<pageSetUpPr fitToPage" in xml, name
        assert "Side &amp;P af &amp;N" in xml, name
        if index == 0:
            continue
        assert 'state="frozen"' in xml, name
        titles = book.defined[("_xlnm.Print_Titles", str(index))]
        first, last = map(int, re.fullmatch(r".*!\$(\d+):\$(\d+)", titles).groups())
        # The heads repeated are the row(s) just above the frozen split.
        split = int(re.search(r'<pane [^>]*ySplit="(\d+)"', xml).group(1))
        assert last == split and first in (last, last - 1), name


def test_columns_are_wide_enough_for_their_heads_and_values(pack_2025):
    book, _centres = pack_2025
    for index in range(1, len(SHEETS)):
        widths = book.widths(index)
        heads = [
            (
                int(re.search(r"\d+", ref).group()),
                column_number(re.match(r"[A-Z]+", ref).group()),
                value,
            )
            for ref, value in book.cells(index).items()
            if int(re.search(r"\d+", ref).group()) in (5, 6) and isinstance(value, str) and value
        ]
        assert heads, SHEETS[index]
        for row, column, value in heads:
            # Week by week: a centre's name stands over its two columns.
            span = 2 if index == 2 and row == 5 and column >= 3 else 1
            width = sum(widths[c] for c in range(column, column + span))
            longest_word = max(len(word) for word in value.split())
            assert width >= longest_word, (SHEETS[index], value)
        # Each value fits its column too.
        for ref, value in book.cells(index).items():
            if int(re.search(r"\d+", ref).group()) > 6 and isinstance(value, str):
                column = column_number(re.match(r"[A-Z]+", ref).group())
                assert widths[column] >= len(value), (SHEETS[index], value)


def test_weeks_run_as_rows_under_a_column_pair_per_centre(pack_2025):
    book, centres = pack_2025
    rows = book.rows(2)
    assert rows[5] == ["Uge", "Fra", "Til og med", *[c.name for c in centres]]
    assert rows[6] == ["Besøg", "Bemandede timer"] * len(centres)
    weeks = [values for row, values in rows.items() if row > 6]
    assert len(weeks) == WEEKS_TOUCHING_2025
    # Week 1 of 2025 began on Monday 30 December 2024: its row starts on New Year's Day.
    assert weeks[0][:3] == [1, serial("2025-01-01"), serial("2025-01-05")]
    assert weeks[-1][:3] == [1, serial("2025-12-29"), serial("2025-12-31")]
    # 76F (second of the sorted centres) had 23 visits and 8 staffed hours in week 2.
    assert weeks[1][3 + 2] == 23 and weeks[1][3 + 3] == 8


def test_advice_and_incidents_run_as_rows_under_a_column_per_centre(pack_2025):
    book, centres = pack_2025
    advice = book.rows(5)
    assert advice[5] == ["Emne", *[c.name for c in centres]]
    assert advice[6][0] == "Alle rådgivningskontakter"
    assert sum(advice[6][1:]) == 40
    incidents = book.rows(6)
    assert incidents[5] == ["Tal", *[c.name for c in centres]]
    assert incidents[6] == ["Hændelser", 0, 4, 0]


def test_numbers_and_dates_are_danish(pack_2025):
    book, _centres = pack_2025
    assert 'formatCode="[$-406]#,##0"' in book.styles
    assert 'formatCode="[$-406]#,##0.0#"' in book.styles
    assert 'formatCode="[$-406]dd\\.mm\\.yyyy"' in book.styles


def test_excel_date_formats_follow_djangos():
    assert excel_date_format("d.m.Y") == "dd\\.mm\\.yyyy"
    assert excel_date_format("j/n y") == "d\\/m\\ yy"
    with translation.override("da"):
        from django.utils.formats import get_format

        assert excel_date_format(get_format("SHORT_DATE_FORMAT"))
    with pytest.raises(ValueError, match="F"):
        excel_date_format("j. F Y")


def test_the_shared_pack_says_so_and_hides_small_cells_as_before(world, client_for):
    reference_case(world)
    response = client_for(world.leader).get(PACK_XLSX, {"year": YEAR, "shared": "on"})
    book = Workbook(response.content)
    cover = {row[0]: row[1:] for row in book.rows(0).values() if len(row) > 1}
    assert cover["Til deling uden for organisationen"] == ["Ja"]
    assert cover["Små tal"] == [
        "Til deling uden for organisationen: antal personer og hændelser under 5 vises som "
        "\N{LEFT DOUBLE QUOTATION MARK}skjult\N{RIGHT DOUBLE QUOTATION MARK}, ligesom tal, de "
        "kan regnes ud fra, så ingen kan genkendes."
    ]
    # Krydsfeltet, 76F, Frederiksgade: Krydsfeltet's 2 visits a week are hidden; its
    # staffed hours are not. Beside the
    # week's visits on the page and each centre's in the first sheet, Frederiksgade's 9
    # are hidden too; 76F's 23 are shown, but for one week: the first week's two zeros
    # beside its total would be zeros for sure, so its 38 are hidden, and then one more
    # of 76F's weeks.
    weeks = book.rows(2)
    assert weeks[7][3:9:2] == ["skjult", "skjult", "skjult"]
    assert weeks[8][3:9] == ["skjult", 8, "skjult", 8, "skjult", 8]
    assert weeks[9][3:9] == ["skjult", 8, 23, 8, "skjult", 8]


def serial(text):
    """Excel's number for a day."""
    return float((datetime.date.fromisoformat(text) - datetime.date(1899, 12, 30)).days)


# --- The year that holds today -------------------------------------------------------------


def test_the_running_year_is_counted_so_far(world, client_for):
    """In March, visits per week divide by the weeks of the year so far, not by 52."""
    VisitCount.objects.create(
        centre=world.centre_a, date=datetime.date(2027, 1, 4), kind="staffed", visits=70
    )
    with time_machine.travel(datetime.datetime(2027, 1, 14, 9, tzinfo=CPH), tick=False):
        client = client_for(world.leader)
        page = client.get(PACK, {"year": 2027, "centres": world.centre_a.pk})
        book = Workbook(client.get(PACK_XLSX, {"year": 2027}).content)
    row = page.context["pack"].rows[0]
    assert row.visits == 70 and row.visits_per_week == 35.0  # 14 days: two weeks
    html = page.content.decode()
    assert "Rapport til Socialtilsynet 2027" in html
    assert "til og med i dag, 14.01.2027" in html
    assert "01.01.2027\N{EN DASH}14.01.2027" in html
    cover = {row[0]: row[1:] for row in book.rows(0).values() if len(row) > 1}
    assert cover["Periode"] == [
        "2027 hidtil: 01.01.2027\N{EN DASH}14.01.2027, til og med den dag, rapporten blev lavet"
    ]
    # Week 53 of 2026 (1-3 January), weeks 1 and 2: none of the weeks still to come.
    weeks = [values[:3] for row, values in book.rows(2).items() if row > 6]
    assert weeks == [
        [53, serial("2027-01-01"), serial("2027-01-03")],
        [1, serial("2027-01-04"), serial("2027-01-10")],
        [2, serial("2027-01-11"), serial("2027-01-14")],
    ]


def test_a_past_year_is_whole_and_written_plain(world, client_for):
    with time_machine.travel(datetime.datetime(2027, 1, 14, 9, tzinfo=CPH), tick=False):
        html = client_for(world.leader).get(PACK, {"year": 2026}).content.decode()
    assert "Rapport til Socialtilsynet 2026</h1>" in html
    assert "2.026" not in html
    assert "01.01.2026\N{EN DASH}31.12.2026" in html and 'id="pack-so-far"' not in html
