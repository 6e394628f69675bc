"""The figures as files to pass on: CSV for Danish Excel and an XLSX workbook.

Exports always hide small cells with the organisation's threshold, whoever downloads
them: a file travels. Both are written through centres.exports, so a topic or centre
named like a formula stays text.
"""

from django.utils.translation import gettext as _

from centres.exports import CsvFile, Workbook
from centres.suppression import hidden_label


def hidden():
    return hidden_label()


def _count(value):
    return hidden() if value is None else value


def _percent(value):
    return None if value is None else round(value, 1)


def rows(figures):
    """Yield the export's rows: lists of strings and numbers."""
    yield [_("Advice figures"), figures.start.isoformat(), figures.end.isoformat()]
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
    yield []
    yield [
        _(
            "Numbers under %(threshold)s are hidden, and so are numbers they could be "
            "worked out from, so no one can be recognised."
        )
        % {"threshold": figures.threshold}
    ]


def filename(figures, extension):
    return f"raadgivning-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.{extension}"


def csv_response(figures):
    csv_file = CsvFile()
    for row in rows(figures):
        csv_file.row(row)
    return csv_file.response(filename(figures, "csv"))


def xlsx_response(figures):
    workbook = Workbook()
    sheet = workbook.add_worksheet(_("Advice"))
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
                sheet.cell(r, c, value, bold)
            elif isinstance(value, float):
                sheet.number(r, c, value, percent)
            else:
                sheet.cell(r, c, value)
        heading_next = False
    return workbook.response(filename(figures, "xlsx"))
