"""The results as CSV rows and as an XLSX workbook, with the same suppression as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tryggve.lib.spreadsheets import safe_cell, xlsx_bytes
from tryggve.surveys import results
from tryggve.surveys.models import Survey

# The columns holding a share (0..1): three decimals in CSV, percentages in XLSX.
SHARE_COLUMNS = (8, 9, 10)


def _share(cell: results.Cell) -> list:
    # One word for every hidden figure: telling a small one from one hidden beside it
    # would let sums pin them (a hidden 0 or >= 5 next to a 1-4).
    if cell.suppressed:
        return [_("dold")] * 4
    if cell.n == 0:
        return [cell.count, "", "", ""]
    return [cell.count, cell.share, cell.low, cell.high]


def _text(value) -> str:
    if isinstance(value, str):
        # Question texts, options and group names (areas) were typed or imported by staff:
        # none may run as a formula in a spreadsheet.
        return safe_cell(value)
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def results_csv_rows(survey: Survey) -> list[list[str]]:
    """The rows of `results_rows` as texts, shares with three decimals."""
    return [[_text(value) for value in row] for row in results_rows(survey)]


def results_xlsx(survey: Survey) -> bytes:
    """The rows of `results_rows` as a workbook: counts as numbers, shares as percentages,
    and "dold" where the CSV has it."""
    title = _("Resultat %(year)s") % {"year": survey.year}
    formats = dict.fromkeys(SHARE_COLUMNS, "0.0%")
    return xlsx_bytes(title, results_rows(survey), number_formats=formats)


def results_rows(survey: Survey) -> list[list]:
    """One row per question (or matrix row), group and option: the question's code and its
    text; a figure resting on fewer than five answers (or hidden beside one) is written as
    "dold", never as its number."""
    header = [
        _("år"), _("fråga"), _("frågetext"), _("rad"), _("uppdelning"), _("grupp"),
        _("svarsalternativ"), _("antal"), _("andel"),
        _("95 % intervall, lägre"), _("95 % intervall, övre"),
    ]
    rows = [header]
    tables = results.question_tables(survey)
    for item in tables["questions"]:
        for part in item["parts"]:
            for option in part["options"]:
                rows.append(
                    [
                        survey.year, item["question"].code, item["question"].shown_text,
                        part["label"], "", _("alla"),
                        option["label"], *_share(option["cell"]),
                    ]
                )
    for by in results.GROUPINGS:
        data = results.breakdown(survey, by)
        for table in data["tables"]:
            for row in table["rows"]:
                for column, cell in zip(table["columns"], row["cells"], strict=True):
                    rows.append(
                        [
                            survey.year, table["question"].code,
                            table["question"].shown_text, table["row_label"], by,
                            row["label"], column, *_share(cell),
                        ]
                    )
    return rows
