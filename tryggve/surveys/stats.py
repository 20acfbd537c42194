"""Survey statistics on plain numbers: Wilson intervals, the two-proportion test, suppression.

Everything here works on plain numbers so that it can be checked by hand and reused; only
the trend sentence goes through gettext.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
# No figure resting on fewer answers than this is shown or exported (small groups could
# point at a person).
MIN_COUNT = 5


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials (0..1). (0, 0) when n is 0.

    Unlike the textbook p ± z·se, it stays inside 0..1 and behaves for small n and for
    shares near 0 or 1, which small municipalities' groups always have.
    """
    if n <= 0:
        return (0.0, 0.0)
    if not 0 <= k <= n:
        raise ValueError("k must lie between 0 and n")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class TwoProportionTest:
    p1: float
    p2: float
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> TwoProportionTest:
    """The two-sided z-test of equal proportions with the pooled standard error."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both groups need answers")
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return TwoProportionTest(p1, p2, 0.0, 1.0)
    z = (p2 - p1) / se
    p_value = math.erfc(abs(z) / math.sqrt(2))
    return TwoProportionTest(p1, p2, z, p_value)


def suppressed(count: int, min_count: int = MIN_COUNT) -> bool:
    """A count of 1..min_count-1 is hidden ("färre än 5"); zero says nothing about anyone."""
    return 0 < count < min_count


def complementary(counts: list[int], min_count: int = MIN_COUNT) -> set[int]:
    """The positions to hide in one distribution whose total is shown: every small count
    (1..min_count-1) and, when exactly one is small, also the next smallest other count
    (even a 0 or a large one). Otherwise the one hidden count is the total minus the others.
    """
    hidden = {i for i, c in enumerate(counts) if suppressed(c, min_count)}
    if len(hidden) == 1:
        others = [i for i in range(len(counts)) if i not in hidden]
        if others:
            hidden.add(min(others, key=lambda i: (counts[i], i)))
    return hidden


Position = tuple[int, int]


def derivable(lines: list[list[Position]], hidden: set[Position]) -> set[Position]:
    """The hidden cells whose exact value follows from the shown sums.

    Each line is a set of cells whose sum is shown (a row's total, a column's total, an
    indicator's count). A hidden cell is determined exactly when its unit vector lies in
    the row space of the lines restricted to the hidden cells: then some signed sum of
    shown totals and shown cells equals it. That is the case when the null space of that
    matrix is zero at the cell (checked with one singular value decomposition)."""
    unknown = sorted(hidden)
    if not unknown:
        return set()
    index = {pos: i for i, pos in enumerate(unknown)}
    rows = []
    for line in lines:
        members = [index[pos] for pos in line if pos in index]
        if members:
            row = np.zeros(len(unknown))
            row[members] = 1.0
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(unknown)
    free = np.abs(null).max(axis=0) > 1e-9
    return {pos for pos, is_free in zip(unknown, free, strict=True) if not is_free}


def pinned_by_bounds(
    lines: list[list[Position]],
    hidden: set[Position],
    value,
    *,
    caps: dict[Position, int] | None = None,
    at_least: list[tuple[list[Position], int]] | None = None,
) -> set[Position]:
    """The hidden cells whose value follows from the shown sums together with what anyone
    knows of the counts, found by narrowing each cell's range line by line until nothing
    changes: no count is negative (a + b = 2, c + d = 2, a + c = 4 gives a = c = 2, which
    arithmetic alone does not), none is above its cap (a multiple-choice option's count is
    at most the group's respondents), and some sums are at least a known number (those
    who did not tick "Nej, inget av detta" ticked at least one other option).

    `value(cell)` is the true count; a line's hidden sum is what anyone can work out (its
    shown total minus its shown cells)."""
    caps = caps or {}
    sums = []
    for line in lines:
        members = [pos for pos in line if pos in hidden]
        if members:
            sums.append((members, sum(value(pos) for pos in members)))
    floors = []
    for line, minimum in at_least or []:
        members = [pos for pos in line if pos in hidden]
        need = minimum - sum(value(pos) for pos in line if pos not in hidden)
        if members and need > 0:
            floors.append((members, need))
    low = dict.fromkeys(hidden, 0)
    high = {pos: caps.get(pos, math.inf) for pos in hidden}
    for _round in range(100):  # converges in a few rounds; bounded all the same
        changed = False
        for members, total in sums:
            lows = sum(low[pos] for pos in members)
            highs = sum(high[pos] for pos in members)
            for pos in members:
                top = total - (lows - low[pos])
                bottom = total - (highs - high[pos])
                if top < high[pos]:
                    high[pos], changed = top, True
                if bottom > low[pos]:
                    low[pos], changed = bottom, True
        for members, need in floors:
            highs = sum(high[pos] for pos in members)
            for pos in members:
                bottom = need - (highs - high[pos])
                if bottom > low[pos]:
                    low[pos], changed = bottom, True
        if not changed:
            break
    return {pos for pos in hidden if high[pos] - low[pos] < 0.5}


@dataclass(frozen=True)
class Group:
    """A group of respondents whose cells are in the table (a row of a breakdown): its
    size, whether that size is shown, and how its cells relate to it. Single choice: the
    cells add up to the size. Multiple choice: each respondent ticked at least one option
    and none more than once, and whoever ticked the exclusive option ("Nej, inget av
    detta") ticked nothing else."""

    cells: tuple[Position, ...]
    size: int
    size_shown: bool
    adds_up: bool
    exclusive: Position | None = None
    # Cells of answers that everybody gave (the overall table says 100 %): that a small
    # group gave it too says nothing about the group.
    everyone: tuple[Position, ...] = ()

    def gave_as_one(self, pos: Position, count: int) -> bool:
        """Whether `pos` (a cell of this group holding `count`) is the answer the whole of a
        small group gave: what must not come out about its members."""
        return suppressed(self.size) and count == self.size and pos not in self.everyone


def disclosed(
    table: list[list[int]],
    *,
    hidden: set[Position],
    lines: list[list[Position]],
    groups: list[Group],
    groups_total: int | None,
    targets: set[Position],
    settled: set[Position] | None = None,
) -> set[Position]:
    """The exact audit: which of `targets` (hidden cells) a reader can pin down from
    everything shown, by integer linear programming (scipy's HiGHS).

    What the reader knows: every count is a whole number of at least 0; the shown sums
    (`lines`); each group's rules (`Group`); the hidden groups' sizes add up to
    `groups_total` (the respondents minus the shown groups). A target is disclosed when
    its count can take one value only, or when it belongs to a hidden group of 1-4 whose
    members must all have given that answer (the group's size minus the count is pinned
    at 0): then everyone in a small group is known to have answered so.

    Reasoning one sum at a time misses what sums say together (every respondent of the
    groups ticked exactly one option when the at-least-one minimums add up to the option
    totals); the solver misses nothing that these facts imply.

    `settled` (in and out) holds the targets already shown to have another possible value:
    hiding more only adds possibilities, so the caller can keep it from round to round."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    unknown = sorted(hidden)
    index = {pos: i for i, pos in enumerate(unknown)}
    vague = [g for g in groups if not g.size_shown]
    size_at = {id(g): len(unknown) + i for i, g in enumerate(vague)}
    width = len(unknown) + len(vague)
    if not unknown:
        return set()

    def value(pos: Position) -> int:
        return table[pos[0]][pos[1]]

    rows: list[np.ndarray] = []
    low: list[float] = []
    high: list[float] = []

    def add(terms: dict[int, float], constant: float, lo: float, hi: float) -> None:
        # sum(terms) + constant within [lo, hi]
        row = np.zeros(width)
        for i, weight in terms.items():
            row[i] += weight
        if not row.any():
            return
        rows.append(row)
        low.append(lo - constant)
        high.append(hi - constant)

    def split(cells) -> tuple[dict[int, float], float]:
        terms: dict[int, float] = {}
        constant = 0.0
        for pos in cells:
            if pos in index:
                terms[index[pos]] = terms.get(index[pos], 0.0) + 1.0
            else:
                constant += value(pos)
        return terms, constant

    for line in lines:
        terms, constant = split(line)
        total = sum(value(pos) for pos in line)
        add(terms, constant, total, total)
    for g in groups:
        size_terms = {} if g.size_shown else {size_at[id(g)]: -1.0}
        size_constant = -g.size if g.size_shown else 0.0
        terms, constant = split(g.cells)
        if g.adds_up:  # the cells minus the size are 0
            add({**terms, **size_terms}, constant + size_constant, 0, 0)
            continue
        # At least one tick each: the cells minus the size are at least 0.
        add({**terms, **size_terms}, constant + size_constant, 0, math.inf)
        for pos in g.cells:
            if pos == g.exclusive:
                pair = [pos]
            elif g.exclusive is not None:
                pair = [pos, g.exclusive]
            else:
                pair = [pos]
            t, c = split(pair)
            # Nobody ticked an option twice, nor "Nej" and another: at most the size.
            for i, weight in size_terms.items():
                t[i] = t.get(i, 0.0) + weight
            add(t, c + size_constant, -math.inf, 0)
    if groups_total is not None and vague:
        add({size_at[id(g)]: 1.0 for g in vague}, 0.0, groups_total, groups_total)

    constraints = [LinearConstraint(np.array(rows), low, high)] if rows else []
    bounds = Bounds(np.zeros(width), np.full(width, np.inf))
    integrality = np.ones(width)

    def solve(goal: np.ndarray):
        found = milp(goal, constraints=constraints, bounds=bounds, integrality=integrality)
        return found if found.status == 0 else None

    truth = np.array([value(pos) for pos in unknown] + [g.size for g in vague], dtype=float)
    group_of = {pos: g for g in vague for pos in g.cells}
    # Each solution the solver finds is a table a reader cannot rule out: any target it
    # gives another value (or any group member another answer) is not disclosed, which
    # settles most targets without a solve of their own.
    free: set[Position] = settled if settled is not None else set()

    def witness(x: np.ndarray) -> None:
        for pos in targets:
            if pos in index and abs(x[index[pos]] - truth[index[pos]]) > 0.5:
                free.add(pos)

    out: set[Position] = set()
    for pos in sorted(targets):
        if pos not in index:
            continue
        i = index[pos]
        g = group_of.get(pos)
        whole = g is not None and g.gave_as_one(pos, value(pos))
        if pos not in free and suppressed(value(pos)):
            for sign in (-1.0, 1.0):  # the largest value, then the smallest
                goal = np.zeros(width)
                goal[i] = sign
                found = solve(goal)
                if found is None or abs(found.x[i] - truth[i]) > 0.5:
                    if found is not None:
                        witness(found.x)
                    free.add(pos)
                    break
            else:
                out.add(pos)
                continue
        if whole:
            # Could anyone in the group have answered otherwise: is count - size below 0?
            goal = np.zeros(width)
            goal[i] = 1.0
            goal[size_at[id(g)]] = -1.0
            found = solve(goal)
            if found is not None and found.fun > -0.5:
                out.add(pos)
            elif found is not None:
                witness(found.x)
    return out


def protect(
    table: list[list[int]],
    *,
    hidden: set[Position],
    lines: list[list[Position]],
    optional: dict[int, list[Position]] | None = None,
    choice_rows: list[tuple[list[Position], Position | None, int]] | None = None,
    hidden_groups: list[Group] | None = None,
    groups_total: int | None = None,
) -> tuple[set[Position], set[int]]:
    """Hide more cells (or drop optional sums) until no small hidden count (1-4) among
    the cells hidden to begin with (`hidden`: the small ones, whole small groups) can be
    derived, and no hidden group of 1-4 can be shown to have given one answer throughout.

    `lines` are the sums always shown (row and column totals); `optional` sums that may be
    withheld instead (key -> its cells: an indicator's count per group); `choice_rows` the
    multiple-choice groups whose size is shown, as (cells, the exclusive option's cell or
    None, respondents); `hidden_groups` the groups hidden whole, whose sizes add up to
    `groups_total`. Each round takes one disclosed cell and hides the smallest shown cell
    of a sum it is in, or, when every cell there is hidden, withholds an optional sum
    containing it. The quick checks (`derivable`, `pinned_by_bounds`) find most cases;
    the exact audit (`disclosed`) settles the rest. Returns the hidden cells and the keys
    of the optional sums to withhold."""
    # A small count (1-4) must not come out. A pinned 0 is left alone: that nobody in a
    # group ticked an option follows from every published total whose other groups add
    # up to it, and hiding all such zeros would hide nearly every table.
    sensitive = {pos for pos in hidden if suppressed(table[pos[0]][pos[1]])}
    hidden_groups = hidden_groups or []
    # A hidden small group's cell holding the whole group (all answered the same).
    sensitive |= {
        pos for g in hidden_groups for pos in g.cells if g.gave_as_one(pos, table[pos[0]][pos[1]])
    }
    hidden = set(hidden)
    optional = dict(optional or {})
    choice_rows = choice_rows or []
    withheld: set[int] = set()
    settled: set[Position] = set()

    def value(pos: Position) -> int:
        return table[pos[0]][pos[1]]

    while True:
        caps: dict[Position, int] = {}
        for cells, exclusive, respondents in choice_rows:
            others = respondents
            if exclusive is not None and exclusive not in hidden:
                others -= value(exclusive)
            for pos in cells:
                caps[pos] = respondents if pos == exclusive else others
        at_least = [(cells, respondents) for cells, _e, respondents in choice_rows]
        shown_lines = lines + [cells for key, cells in optional.items() if key not in withheld]
        # A sum of 0 (or a cap of 0) tells that every cell in it is 0: hiding such a cell
        # protects nothing.
        known = {pos for line in shown_lines if not sum(map(value, line)) for pos in line}
        known |= {pos for pos, cap in caps.items() if cap == 0}
        free = hidden - known
        found = derivable(shown_lines, free) | pinned_by_bounds(
            shown_lines, free, value, caps=caps, at_least=at_least
        )
        # A derivable cell hidden only to protect another is no problem in itself (its
        # value then counts as shown, and the sensitive ones are checked without it).
        # A cell of a sum shown as 0 is no disclosure either: the published 0 says it.
        found &= sensitive
        if not found:
            groups = [
                Group(tuple(cells), respondents, True, False, exclusive)
                for cells, exclusive, respondents in choice_rows
            ] + hidden_groups
            found = disclosed(
                table,
                hidden=free,
                lines=shown_lines,
                groups=groups,
                groups_total=groups_total,
                targets=sensitive & free,
                settled=settled,
            )
        if not found:
            return hidden, withheld
        target = min(found)
        candidates = {
            pos
            for line in shown_lines + [cells for cells, _e, _n in choice_rows]
            if target in line
            for pos in line
            if pos not in hidden and pos not in known
        }
        if candidates:
            hidden.add(min(candidates, key=lambda p: (value(p), p)))
            continue
        keys = [k for k, cells in optional.items() if k not in withheld and target in cells]
        if keys:
            withheld.add(keys[0])
            continue
        # Nothing left to hide in its sums: hide every cell of the table.
        return {(r, c) for r, row in enumerate(table) for c in range(len(row))}, set(optional)


def percent(share: float) -> str:
    """A share as a whole Swedish percentage: 0.183 -> '18 %'."""
    return f"{round(share * 100):d} %"


def trend_sentence(label: str, k1: int, n1: int, k2: int, n2: int) -> str:
    """The change between two years in plain words, with whether chance could explain it.

    Swedish is the source; English pages get the catalogue's translation (pass `label` in
    the page's language too, e.g. `Question.indicator_name`).
    """
    test = two_proportion_test(k1, n1, k2, n2)
    values = {"label": label, "before": percent(test.p1), "after": percent(test.p2)}
    if values["before"] == values["after"]:
        change = _("Andelen %(label)s var %(after)s båda åren") % values
    elif test.p2 > test.p1:
        change = _("Andelen %(label)s ökade från %(before)s till %(after)s") % values
    else:
        change = _("Andelen %(label)s minskade från %(before)s till %(after)s") % values
    if test.significant:
        return _("%(change)s; skillnaden är större än vad slumpen brukar ge.") % {"change": change}
    return _("%(change)s; skillnaden kan bero på slumpen.") % {"change": change}


# Raking keeps weights within these multiples of the mean weight: one respondent standing
# for more than five average ones makes the weighted figures rest on a handful of people,
# and a weight under a fifth throws most of an answer away. 0.2-5 is common practice
# (e.g. Battaglia et al. 2009, "Practical considerations in raking survey data").
TRIM = (0.2, 5.0)


@dataclass(frozen=True)
class RakeResult:
    """Weights (one per respondent, mean 1) and how the raking went.

    `unweightable` names, per margin, the groups with inhabitants but no respondent: no
    weight can make up for them, so they are left out of that margin (its other groups
    are matched to their shares among the rest) and the page says so. `converged` says
    whether every margin was met within the tolerance (trimming may prevent it)."""

    weights: list[float]
    converged: bool
    iterations: int
    unweightable: dict[str, list[str]]
    trimmed: int


def weighted_margins(
    respondents: list[dict[str, str | None]], weights: list[float], margin: str, groups
) -> dict[str, float]:
    """Each group's share of the weights of the respondents in any of the groups."""
    totals = dict.fromkeys(groups, 0.0)
    for answers, weight in zip(respondents, weights, strict=True):
        group = answers.get(margin)
        if group in totals:
            totals[group] += weight
    whole = sum(totals.values())
    return {g: (t / whole if whole else 0.0) for g, t in totals.items()}


def rake(
    respondents: list[dict[str, str | None]],
    margins: dict[str, dict[str, float]],
    *,
    tolerance: float = 1e-6,
    max_iterations: int = 100,
    trim: tuple[float, float] | None = TRIM,
) -> RakeResult:
    """Post-stratification weights by raking (iterative proportional fitting).

    `respondents` holds each respondent's group per margin (`{"age": "16_24", "area":
    "centrum"}`); a missing or unknown group (vill inte svara, another area) leaves the
    respondent out of that margin: their weight is then set by the other margins only.
    `margins` holds the population per group (`{"age": {"16_24": 518, ...}}`); only the
    shares matter. Each pass scales, margin by margin, the weights of each group so the
    group's share of the weights of the respondents in that margin equals its share of the
    population. It stops when every share is within `tolerance` of its target, or after
    `max_iterations` passes. Then weights beyond `trim` (multiples of the mean) are cut
    to the bound and raking and cutting alternate, at most five rounds; the result ends
    within the bounds, and `converged` says whether the margins still hold.
    """
    weights = [1.0] * len(respondents)
    unweightable: dict[str, list[str]] = {}
    targets: dict[str, dict[str, float]] = {}
    for margin, population in margins.items():
        present = {a.get(margin) for a in respondents}
        empty = [g for g, n in population.items() if n > 0 and g not in present]
        if empty:
            unweightable[margin] = empty
        kept = {g: n for g, n in population.items() if n > 0 and g in present}
        whole = sum(kept.values())
        if whole:
            targets[margin] = {g: n / whole for g, n in kept.items()}
    iterations, converged, clipped = 0, not targets, set()
    for _round in range(5):
        converged, passes = _rake_passes(respondents, weights, targets, tolerance, max_iterations)
        iterations += passes
        if trim is None or not respondents:
            break
        newly = _trim(weights, trim)
        if not newly:
            break
        clipped |= newly
        converged = _within(respondents, weights, targets, tolerance)
    if respondents:
        mean = sum(weights) / len(weights)
        weights = [w / mean for w in weights]
    return RakeResult(weights, converged, iterations, unweightable, len(clipped))


def _trim(weights: list[float], bounds: tuple[float, float]) -> set[int]:
    """Clip weights in place to bounds × the mean weight; since clipping moves the mean,
    repeat until every weight lies within the bounds of the final mean. The indices clipped."""
    clipped: set[int] = set()
    for _step in range(50):
        mean = sum(weights) / len(weights)
        low, high = bounds[0] * mean, bounds[1] * mean
        outside = [
            i for i, w in enumerate(weights) if w < low * (1 - 1e-9) or w > high * (1 + 1e-9)
        ]
        if not outside:
            break
        for i in outside:
            weights[i] = min(max(weights[i], low), high)
        clipped.update(outside)
    return clipped


def _within(respondents, weights, targets, tolerance) -> bool:
    for margin, shares in targets.items():
        got = weighted_margins(respondents, weights, margin, shares)
        if any(abs(got[g] - s) > tolerance for g, s in shares.items()):
            return False
    return True


def _rake_passes(respondents, weights, targets, tolerance, max_iterations):
    """Rake in place; (converged, passes)."""
    for passes in range(1, max_iterations + 1):
        for margin, shares in targets.items():
            totals = dict.fromkeys(shares, 0.0)
            for i, answers in enumerate(respondents):
                group = answers.get(margin)
                if group in totals:
                    totals[group] += weights[i]
            whole = sum(totals.values())
            factors = {g: shares[g] * whole / totals[g] for g in shares}
            for i, answers in enumerate(respondents):
                group = answers.get(margin)
                if group in factors:
                    weights[i] *= factors[group]
        if _within(respondents, weights, targets, tolerance):
            return True, passes
    return False, max_iterations


def effective_n(weights: list[float]) -> float:
    """Kish's effective sample size (Σw)² / Σw²: how many unweighted answers the weighted
    ones are worth. Weighted shares get their Wilson interval from it."""
    square = sum(w * w for w in weights)
    return sum(weights) ** 2 / square if square else 0.0
