"""A report's rows as CSV and as an Excel workbook (openpyxl), the columns headed as on its
page, the filters in force noted above the table of the workbook."""
import csv
import io

from flask_babel import gettext as _

from .services import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting with these as a formula: such text is exported quoted
# (OWASP's CSV injection advice), as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(report: Report) -> list[list]:
    """The heading row, then one row per report row."""
    keys = [key for key, _heading in report.columns]
    return [[heading for _key, heading in report.columns],
            *([_cell(row.get(key)) for key in keys] for row in report.rows)]


def filename(report: Report, extension: str) -> str:
    f = report.filters
    return f"reachback-{report.name}-{f.group_by}-{f.start.isoformat()}-{f.end.isoformat()}" \
           f".{extension}"


def to_csv(report: Report) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads it as UTF-8


def to_xlsx(report: Report) -> bytes:
    # Imported here: openpyxl takes ~11 MB in every web worker that would never export.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = report.name[:31]
    f = report.filters
    sheet.append([report.title])
    sheet.append([_("From"), f.start, _("To"), f.end, _("Grouped by"), f.group_by])
    extra = [(_("Theme"), f.theme.slug if f.theme else None), (_("Country"), f.country)]
    sheet.append([item for pair in extra if pair[1] for item in pair])
    for row in table(report):
        sheet.append(row)
    for i, (_key, heading) in enumerate(report.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(len(heading) + 2, 40))
    if summary := report.extra.get("summary"):
        _summary_sheet(book, summary)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(book, summary: dict) -> None:
    """The satisfaction report's totals of the period, one figure per row."""
    sheet = book.create_sheet(_("Summary"))
    sheet.append([_("Ratings"), summary["ratings"]])
    sheet.append([_("Average rating"), summary["average_score"]])
    for score, count in summary["distribution"].items():
        sheet.append([_("Rated %(score)s", score=score), count])
    sheet.append([_("Useful"), summary["useful"]])
    sheet.append([_("Not useful"), summary["not_useful"]])
    sheet.append([_("Flagged outdated"), summary["outdated"]])
    sheet.column_dimensions["A"].width = 24


HEADER_ROWS = 3  # the title, the period and the other filters, above the table
