"""Formatted Excel workbooks shared by every export: styled header, frozen panes,
auto-filter, euro formats and totals as formulas (computed alike by Excel and LibreOffice).

No text from the data ever runs as a formula ("CSV/formula injection", OWASP): a workbook
from `new_workbook()` keeps as formulas only the cells written with `formule()`, and
`texte_sur()` quotes the cells of a CSV file."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

EURO = '#,##0.00\\ "€"'
PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1B3A6B")
TOTAL_FONT = Font(bold=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# How a cell starts when a spreadsheet may read it as a formula (or a DDE call).
DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def texte_sur(value):
    """A value for a CSV cell: a text starting like a formula gets a leading apostrophe
    (OWASP's advice), so that Excel and LibreOffice show it instead of computing it."""
    if isinstance(value, str) and value.startswith(DEBUTS_FORMULE):
        return f"'{value}"
    return value


class Classeur(Workbook):
    """A workbook whose data cells never compute: on saving, a text starting like a formula
    becomes a quoted text cell (shown unchanged, still text when edited), unless the code
    wrote it with `formule()`. Guarding at save time covers every writer, even those that
    forget to ask."""

    def __init__(self):
        super().__init__()
        # The cells holding the code's own formulas, by identity (kept alive with them).
        self.formules = {}

    def save(self, filename):
        for sheet in self.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if id(cell) in self.formules:
                        continue
                    if cell.data_type == "e" or (
                        isinstance(cell.value, str) and cell.value.startswith(DEBUTS_FORMULE)
                    ):
                        cell.data_type = "s"
                        cell.quotePrefix = True
        super().save(filename)


def formule(cell, texte):
    """Write in `cell` a formula of the code itself (a total, a ratio): in a workbook from
    `new_workbook()`, the only cells saved as formulas. Returns the cell."""
    cell.value = texte
    formules = getattr(cell.parent.parent, "formules", None)
    if formules is not None:
        formules[id(cell)] = cell
    return cell


def new_workbook():
    """An empty workbook (its default sheet removed) that only saves the code's formulas."""
    workbook = Classeur()
    workbook.remove(workbook.active)
    return workbook


def add_table(workbook, title, headers, rows, *, formats=None, totals=(), total_label="Total"):
    """A sheet holding one table.

    `headers`: column titles; `rows`: iterables of values; `formats`: {column index: number
    format}; `totals`: indexes of the columns summed by a formula in a last row.
    Returns the sheet; the table spans rows 1 (header) to 1 + len(rows).
    """
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
    formats = formats or {}
    for index, number_format in formats.items():
        letter = get_column_letter(index + 1)
        for (cell,) in sheet[f"{letter}2:{letter}{count + 2}"]:
            cell.number_format = number_format
    last = count + 1
    if totals:
        total_row = last + 1
        sheet.cell(row=total_row, column=1, value=total_label).font = TOTAL_FONT
        for index in totals:
            letter = get_column_letter(index + 1)
            cell = sheet.cell(row=total_row, column=index + 1)
            formule(cell, f"=SUM({letter}2:{letter}{last})" if count else 0)
            cell.font = TOTAL_FONT
            cell.number_format = formats.get(index, "General")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(header) + 4))
    return sheet


def workbook_response(workbook, filename):
    """The workbook as a download named `filename` (.xlsx)."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
