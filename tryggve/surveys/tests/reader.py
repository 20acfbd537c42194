"""What a reader can work out from a published breakdown: an audit written apart from the
suppression it checks (`stats.protect`), from the figures as the pages and exports show
them, by integer linear programming.

The reader sees, per group (row), its size unless the group is hidden, each shown cell's
exact count (the export has it) and the shown indicator count; and the overall table of
the same question: each shown option's count, the shown indicator count and the number
who answered. The reader knows that counts are whole numbers of at least 0, that a
single-choice group's cells add up to its size, and that in multiple choice everybody
ticked at least one option, none twice, and "Nej, inget av detta" alone.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def leaks(
    rows: list[dict],
    overall: list,
    overall_indicator,
    answered: int,
    *,
    multiple: bool,
    indicator_columns: list[int],
    exclusive: int | None,
) -> list[tuple[str, int, int, int]]:
    """("pinned", row, column, count) for a hidden count of 1-4 with one possible value;
    ("all", row, column, count) for a hidden group of 1-4 that must all have answered so
    (unless the overall table says that everybody did)."""
    names: dict[tuple, int] = {}
    truth: list[float] = []

    def variable(name: tuple, value: int) -> int:
        if name not in names:
            names[name] = len(names)
            truth.append(value)
        return names[name]

    for r, row in enumerate(rows):
        for c, cell in enumerate(row["cells"]):
            if cell.suppressed:
                variable(("cell", r, c), cell.count)
        if row["suppressed"]:
            variable(("size", r), row["n"])

    def cell(r: int, c: int):
        name = ("cell", r, c)
        return ({names[name]: 1.0}, 0.0) if name in names else ({}, rows[r]["cells"][c].count)

    def size(r: int):
        name = ("size", r)
        return ({names[name]: 1.0}, 0.0) if name in names else ({}, rows[r]["n"])

    facts: list[tuple[dict, float, float, float]] = []

    def fact(parts, low: float, high: float) -> None:
        terms: dict[int, float] = {}
        constant = 0.0
        for (t, k), sign in parts:
            for i, w in t.items():
                terms[i] = terms.get(i, 0.0) + sign * w
            constant += sign * k
        facts.append((terms, constant, low, high))

    width = len(rows[0]["cells"]) if rows else 0
    for r in range(len(rows)):
        cells = [(cell(r, c), 1) for c in range(width)]
        if not multiple:
            fact([*cells, (size(r), -1)], 0, 0)
        else:
            fact([*cells, (size(r), -1)], 0, np.inf)
            for c in range(width):
                parts = [(cell(r, c), 1), (size(r), -1)]
                if exclusive is not None and c != exclusive:
                    parts.append((cell(r, exclusive), 1))
                fact(parts, -np.inf, 0)
        shown = rows[r]["indicator"]
        if shown is not None and not shown.suppressed and not rows[r]["suppressed"]:
            fact([(cell(r, c), 1) for c in indicator_columns], shown.count, shown.count)
    for c, total in enumerate(overall):
        if not total.suppressed:
            fact([(cell(r, c), 1) for r in range(len(rows))], total.count, total.count)
    if overall_indicator is not None and not overall_indicator.suppressed:
        parts = [(cell(r, c), 1) for r in range(len(rows)) for c in indicator_columns]
        fact(parts, overall_indicator.count, overall_indicator.count)
    fact([(size(r), 1) for r in range(len(rows))], answered, answered)
    if not names:
        return []

    matrix = np.zeros((len(facts), len(names)))
    low, high = [], []
    for i, (terms, constant, lo, hi) in enumerate(facts):
        for j, w in terms.items():
            matrix[i, j] = w
        low.append(lo - constant)
        high.append(hi - constant)
    keep = matrix.any(axis=1)
    matrix, low, high = matrix[keep], np.array(low)[keep], np.array(high)[keep]
    true = np.array(truth)
    assert np.all(matrix @ true >= low - 1e-6) and np.all(matrix @ true <= high + 1e-6)
    constraints = [LinearConstraint(matrix, low, high)] if len(matrix) else []
    bounds = Bounds(np.zeros(len(names)), np.full(len(names), np.inf))

    def solve(goal):
        found = milp(goal, constraints=constraints, bounds=bounds, integrality=np.ones(len(names)))
        return found if found.status == 0 else None

    # Any solution is a table the reader cannot rule out: each cell it gives another value
    # can take two values, so it needs no solve of its own.
    movable: set[int] = set()

    def note(found) -> None:
        if found is not None:
            movable.update(np.flatnonzero(np.abs(found.x - true) > 0.5).tolist())

    out = []
    for (kind, r, *rest), i in names.items():
        if kind != "cell":
            continue
        c = rest[0]
        value = int(true[i])
        goal = np.zeros(len(names))
        goal[i] = 1.0
        if 0 < value < 5 and i not in movable:
            largest, smallest = solve(-goal), solve(goal)
            note(largest)
            note(smallest)
            if i not in movable:
                out.append(("pinned", r, c, value))
        everyone = not overall[c].suppressed and overall[c].count == answered
        small = rows[r]["suppressed"] and 0 < rows[r]["n"] < 5
        if small and value == rows[r]["n"] and not everyone:
            goal[names[("size", r)]] = -1.0
            found = solve(goal)  # the count minus the group's size: below 0 if anyone differs
            if found is not None and found.fun > -0.5:
                out.append(("all", r, c, value))
    return out
