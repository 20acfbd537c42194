"""Exports for spreadsheets: cells that cannot run as formulas, and XLSX workbooks.

Shared by the case export (`reports.exports`) and the survey's results (`surveys.exports`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

MAX_CELL = 32_000  # Excel's limit is 32,767 characters


def safe_cell(value: str) -> str:
    """A text that a spreadsheet shows as text: one starting with = + - @ would run as a
    formula, so it gets a leading apostrophe; overlong texts are cut to Excel's limit."""
    if value and value[0] in "=+-@\t\r":
        value = "'" + value
    return value[:MAX_CELL]


def safe_row(row: Iterable) -> list:
    """A row for a CSV file: every text through `safe_cell`, whoever typed it (a resident's
    description, or a name staff typed or imported from a file), numbers as they are."""
    return [safe_cell(value) if isinstance(value, str) else value for value in row]


def xlsx_bytes(title: str, rows: Iterable[list], *, number_formats: dict[int, str] | None = None):
    """One sheet of rows (the first a header) as an XLSX file. Texts go through
    `safe_cell`; `number_formats` maps a column's index to a format for its numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet's name
    formats = number_formats or {}
    for index, row in enumerate(rows):
        cells = []
        for column, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=safe_cell(value) if isinstance(value, str) else value)
            if index == 0:
                cell.font = Font(bold=True)
            elif column in formats and isinstance(value, int | float):
                cell.number_format = formats[column]
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
