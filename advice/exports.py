"""The figures as files to pass on: CSV for Danish Excel and an XLSX workbook.

Exports always hide small cells ("< 3"), whoever downloads them: a file travels.
"""

import csv
import io

import xlsxwriter
from django.conf import settings
from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _


def hidden():
    return f"< {settings.SMALL_CELL_THRESHOLD}"


def _count(value):
    return hidden() if value is None else value


def _percent(value):
    return "" if value is None else round(value, 1)


def rows(figures):
    """Yield the export's rows: lists of strings and numbers."""
    yield [_("Advice figures"), f"{figures.start:%d-%m-%Y}", f"{figures.end:%d-%m-%Y}"]
    yield [_("Contacts"), _count(figures.total)]
    yield []
    for table in figures.tables:
        yield [str(table.title), _("Contacts"), _("Share of contacts (%)")]
        for row in table.rows:
            yield [str(row.label), _count(row.count), _percent(row.share)]
        if table.additive:
            yield [_("Total"), _count(table.total), ""]
        yield []
    # Exports are suppressed, so monthly new contacts are left out (see stats.compute).
    yield [
        _("Month"),
        _("Contacts"),
        _("Meetings held"),
        _("No-shows"),
        _("Cancelled"),
        _("No-show rate (%)"),
    ]
    for month in [*figures.months, figures.month_totals]:
        label = _("Total") if month.month is None else f"{month.month:%Y-%m}"
        yield [
            label,
            _count(month.contacts),
            _count(month.held),
            _count(month.no_show),
            _count(month.cancelled),
            _percent(month.no_show_rate),
        ]


def filename(figures, extension):
    return f"raadgivning-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.{extension}"


def csv_response(figures):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows(figures):
        # Danish Excel reads a decimal comma.
        writer.writerow(
            [
                formats.number_format(value, use_l10n=True) if isinstance(value, float) else value
                for value in row
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(figures, "csv")}"'
    return response


def xlsx_response(figures):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Advice")[:31])
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.0"})
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 6, 14)
    heading_next = True
    for r, row in enumerate(rows(figures)):
        if not row:
            heading_next = True
            continue
        for c, value in enumerate(row):
            if heading_next:
                sheet.write(r, c, value, bold)
            elif isinstance(value, float):
                sheet.write_number(r, c, value, percent)
            else:
                sheet.write(r, c, value)
        heading_next = False
    workbook.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(figures, "xlsx")}"'
    return response
