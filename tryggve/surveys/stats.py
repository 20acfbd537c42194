"""Survey statistics on plain numbers: Wilson intervals, the two-proportion test, suppression.

Everything here works on plain numbers so that it can be checked by hand and reused; only
the trend sentence goes through gettext.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def complementary_table(
    table: list[list[int]],
    min_count: int = MIN_COUNT,
    hidden: set[tuple[int, int]] | None = None,
) -> set[tuple[int, int]]:
    """complementary() applied to every row and every column of a table until nothing more
    needs hiding, so no hidden cell can be derived from a row's or a column's total.
    `hidden` holds cells already hidden for another reason (a whole small group)."""
    hidden = set(hidden or ()) | {
        (r, c) for r, row in enumerate(table) for c, v in enumerate(row) if suppressed(v, min_count)
    }
    width = max((len(row) for row in table), default=0)
    changed = True
    while changed:
        changed = False
        lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(table)]
        lines += [[(r, c) for r in range(len(table)) if c < len(table[r])] for c in range(width)]
        for line in lines:
            if sum(pos in hidden for pos in line) != 1:
                continue
            others = [pos for pos in line if pos not in hidden]
            if others:
                hidden.add(min(others, key=lambda p: (table[p[0]][p[1]], p)))
                changed = True
    return hidden


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
