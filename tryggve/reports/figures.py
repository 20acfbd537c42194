"""Figures of the e-service that other apps read (the follow-up calls these, never the models).

Every function takes the municipality's code and a period of dates, `start` included and `end`
excluded (`tryggve.lib.periods`), and counts the reports *received* in the period: a case
received on 31 December belongs to that year however late it is closed.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q
from django.utils import timezone

from tryggve.lib.periods import local_bounds, month_of, months
from tryggve.reports.models import (
    CLOSED_STATUSES,
    Category,
    Report,
    SafetyFeedback,
    Status,
    owned_by,
)

TOP = 5


def _of_municipality(code: str, *, via: str) -> Q:
    """Reports of the municipality `code` by their own municipality (`Report.municipality`,
    set when filed from the position), as `ReportQuerySet.for_municipality` reads it: a
    report placed in no area (described in words) counts for the municipality it was filed
    for, and rows from before reports had one for the default."""
    return owned_by(code, via=via)


@dataclass(frozen=True)
class Ranked:
    label: str
    count: int


@dataclass(frozen=True)
class ReportFigures:
    """What the e-service did with the reports received in a period.

    - `received`: every report received, duplicates included (each was a resident's report).
    - `within_target` of `decided`: cases (duplicates left out) closed no later than their
      due date (arrival plus the category's target days, the date `overdue` is measured
      against), of the cases whose outcome is known: closed, or still open past the due date.
      Open cases not yet due are neither on time nor late, and are left out.
    - `resolved` of `handled`: cases set to "Åtgärdad" of all cases but duplicates.
    - `median_days`: median days from arrival to closing of the resolved cases.
    - `per_month`: received per local calendar month, the period's months in order.
    """

    received: int
    decided: int
    within_target: int
    handled: int
    resolved: int
    median_days: float | None
    top_categories: list[Ranked]
    top_areas: list[Ranked]
    per_month: list[tuple[tuple[int, int], int]]

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.decided if self.decided else None

    @property
    def resolved_share(self) -> float | None:
        return self.resolved / self.handled if self.handled else None


@dataclass(frozen=True)
class FeedbackFigures:
    """Answers to "Känns platsen tryggare nu?" given in the period ("Delvis" is not a yes)."""

    answered: int
    yes: int
    partly: int

    @property
    def yes_share(self) -> float | None:
        return self.yes / self.answered if self.answered else None


def report_figures(
    *, municipality_code: str, start: date, end: date, today: date | None = None
) -> ReportFigures:
    """The reports received in [start, end) in the municipality; one query.

    An open case is late once its due date lies on a day before `today` (default: the
    local date now)."""
    begin, finish = local_bounds(start, end)
    today = today or timezone.localdate()
    now = local_bounds(today, today)[0]
    rows = list(
        Report.objects.filter(_of_municipality(municipality_code, via="municipality"))
        .filter(created__gte=begin, created__lt=finish)
        .values_list(
            "created",
            "closed",
            "due",
            "status",
            "category__name_sv",
            "category__name_en",
            "area__name",
        )
    )
    per_month: Counter[tuple[int, int]] = Counter()
    categories: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    decided = within = handled = resolved = 0
    days = []
    month_for = _month_finder(start, end)
    for created, closed, due, status, name_sv, name_en, area in rows:
        per_month[month_for(created)] += 1
        categories[Category.name_in_language(name_sv, name_en)] += 1
        if area:
            areas[area] += 1
        if status == Status.DUPLICATE:
            continue
        handled += 1
        is_closed = status in CLOSED_STATUSES and closed is not None
        if status == Status.RESOLVED and closed is not None:
            resolved += 1
            days.append((closed - created).total_seconds() / 86400)
        if due is None:
            continue
        if is_closed:
            decided += 1
            within += closed <= due
        elif due < now:
            decided += 1
    return ReportFigures(
        received=len(rows),
        decided=decided,
        within_target=within,
        handled=handled,
        resolved=resolved,
        median_days=round(statistics.median(days), 1) if days else None,
        top_categories=_top(categories),
        top_areas=_top(areas),
        per_month=[(m, per_month[m]) for m in months(start, end)],
    )


def _month_finder(start: date, end: date):
    """`periods.month_of` for instants within [start, end), without converting each to local
    time: the local months' first instants in UTC, searched (thousands of rows a year)."""
    spans = months(start, end)
    firsts = [local_bounds(date(y, m, 1), end)[0].astimezone(UTC) for y, m in spans]
    finish = local_bounds(start, end)[1]

    def find(moment: datetime) -> tuple[int, int]:
        index = bisect_right(firsts, moment) - 1
        if index < 0 or moment >= finish:
            return month_of(moment)  # outside the period: never for rows of the query
        return spans[index]

    return find


def _top(counter: Counter[str]) -> list[Ranked]:
    # Ties in name order, so the list is the same on every database.
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return [Ranked(label, count) for label, count in ordered[:TOP]]


def feedback_figures(*, municipality_code: str, start: date, end: date) -> FeedbackFigures:
    """Answers to the two-week question given in [start, end); one query."""
    begin, finish = local_bounds(start, end)
    answers = Counter(
        SafetyFeedback.objects.filter(
            _of_municipality(municipality_code, via="report__municipality"),
            answered__gte=begin,
            answered__lt=finish,
        )
        .exclude(answer="")
        .values_list("answer", flat=True)
    )
    return FeedbackFigures(
        answered=sum(answers.values()),
        yes=answers[SafetyFeedback.Answer.YES],
        partly=answers[SafetyFeedback.Answer.PARTLY],
    )
