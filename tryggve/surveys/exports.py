"""The results as CSV rows, with the same suppression as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tryggve.surveys import results
from tryggve.surveys.models import Survey


def _share(cell: results.Cell) -> list[str]:
    if cell.secondary:
        return [_("dold")] * 4
    if cell.suppressed:
        return [_("färre än 5")] * 4
    if cell.n == 0:
        return [str(cell.count), "", "", ""]
    return [
        str(cell.count),
        f"{cell.share:.3f}",
        f"{cell.low:.3f}",
        f"{cell.high:.3f}",
    ]


def results_csv_rows(survey: Survey) -> list[list[str]]:
    """One row per question (or matrix row), group and option; a figure resting on fewer
    than five answers is written as "färre än 5", never as its number."""
    header = [
        _("år"), _("fråga"), _("rad"), _("uppdelning"), _("grupp"), _("svarsalternativ"),
        _("antal"), _("andel"), _("95 % intervall, lägre"), _("95 % intervall, övre"),
    ]
    rows = [header]
    tables = results.question_tables(survey)
    for item in tables["questions"]:
        for part in item["parts"]:
            for option in part["options"]:
                rows.append(
                    [
                        str(survey.year), item["question"].code, part["label"], "", _("alla"),
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
                            str(survey.year), table["question"].code, table["row_label"], by,
                            row["label"], column, *_share(cell),
                        ]
                    )
    return rows
