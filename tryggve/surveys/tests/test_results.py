"""Results: counts and Wilson intervals per option, suppression below five, breakdowns,
trends over the years, and the figure the follow-up app reads."""

from __future__ import annotations

import pytest

from tryggve.surveys import results
from tryggve.surveys.figures import unsafe_share
from tryggve.surveys.importers import import_counts, survey_for_year
from tryggve.surveys.models import Channel
from tryggve.surveys.services import AnswerData, response_submit


def answer(survey, unsafe: str, *, area=None, age: str = "45_64"):
    qs = {q.code: q for q in survey.questions.all()}
    q = qs["unsafe_evening"]
    rows = [
        AnswerData(question=q, option=q.options.get(code=unsafe)),
        AnswerData(question=qs["age"], option=qs["age"].options.get(code=age)),
    ]
    if area is not None:
        rows.append(AnswerData(question=qs["area"], area=area))
    response_submit(survey=survey, answers=rows, channel=Channel.PAPER)


def close(survey) -> None:
    """Close the survey yesterday: other apps get only finished years' figures."""
    import datetime

    from django.utils import timezone

    from tryggve.surveys.models import Survey

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=yesterday - datetime.timedelta(days=30), closes_on=yesterday
    )


def part(tables, code):
    return next(i for i in tables["questions"] if i["question"].code == code)["parts"][0]


def test_counts_shares_and_suppression(survey):
    for _ in range(6):
        answer(survey, "mycket_trygg")
    for _ in range(3):
        answer(survey, "mycket_otrygg")
    answer(survey, "oro")
    tables = results.question_tables(survey)
    assert tables["respondents"] == 10
    unsafe = part(tables, "unsafe_evening")
    cells = {o["label"]: o["cell"] for o in unsafe["options"]}
    trygg = cells["Mycket trygg"]
    assert (trygg.count, trygg.n, trygg.suppressed) == (6, 10, False)
    assert trygg.share == pytest.approx(0.6)
    # Wilson for 6/10 by hand: centre .5821, half .2863 -> (.3127, .8318).
    assert (trygg.low, trygg.high) == pytest.approx((0.3127, 0.8318), abs=1e-4)
    assert cells["Mycket otrygg"].suppressed and cells["Mycket otrygg"].share == 0
    assert not cells["Ganska trygg"].suppressed and cells["Ganska trygg"].count == 0
    # Headline share: mycket otrygg (3) + oro (1) = 4 of 10 -> suppressed as well.
    assert unsafe["indicator"].suppressed


def test_breakdown_suppresses_small_groups(survey, municipality):
    big, small = municipality.areas.order_by("name")[:2]
    for i in range(7):
        answer(survey, "ganska_otrygg" if i < 5 else "ganska_trygg", area=big)
    for _ in range(2):
        answer(survey, "mycket_trygg", area=small)
    data = results.breakdown(survey, "area")
    table = next(t for t in data["tables"] if t["question"].code == "unsafe_evening")
    rows = {r["label"]: r for r in table["rows"]}
    assert rows[small.name]["suppressed"]
    assert all(c.suppressed or c.count == 0 for c in rows[small.name]["cells"])
    assert rows[big.name]["indicator"].count == 5 and rows[big.name]["indicator"].n == 7
    assert rows[big.name]["indicator"].share == pytest.approx(5 / 7)


def test_trend_joins_imported_years_and_says_it_in_swedish(survey, municipality):
    earlier = survey_for_year(municipality=municipality, year=survey.year - 1)
    import_counts(
        survey=earlier,
        text="question,row,option,count\nunsafe_evening,,ganska_otrygg,18\n"
        "unsafe_evening,,mycket_trygg,82\n",
        respondents=100,
    )
    for i in range(100):
        answer(survey, "ganska_otrygg" if i < 24 else "ganska_trygg")
    trend = next(t for t in results.trends(survey) if t["question"].code == "unsafe_evening")
    assert [(p.year, p.k, p.n) for p in trend["series"]] == [
        (survey.year - 1, 18, 100),
        (survey.year, 24, 100),
    ]
    assert trend["sentence"].endswith(
        "Andelen otrygga ökade från 18 % till 24 %; skillnaden kan bero på slumpen."
    )
    assert [s.year for s in unsafe_share(municipality_code="2505")] == [survey.year - 1]
    close(survey)
    shares = unsafe_share(municipality_code="2505")
    assert [s.year for s in shares] == [survey.year - 1, survey.year]
    assert shares[1].share == pytest.approx(0.24)
    assert shares[1].low == pytest.approx(0.1670, abs=1e-4)


def test_followup_figure_per_area_suppressed_below_five(survey, municipality):
    area = municipality.areas.first()
    for _ in range(3):
        answer(survey, "mycket_otrygg", area=area)
    close(survey)
    (share,) = unsafe_share(municipality_code="2505", area_slug=area.slug)
    assert share.suppressed and share.share is None and share.respondents == 3
    assert unsafe_share(municipality_code="0000") == []


def test_results_read_in_a_fixed_number_of_queries(survey, django_assert_max_num_queries):
    for _ in range(20):
        answer(survey, "mycket_trygg")
    with django_assert_max_num_queries(40):
        results.question_tables(survey)


def test_breakdown_never_leaves_a_lone_hidden_cell_in_a_row_or_column(survey, municipality):
    """A lone hidden cell is its row's (or column's) shown total minus the others. A column
    whose total the overall table hides is no such sum."""
    big = municipality.areas.order_by("name").first()
    for i in range(7):
        answer(survey, "ganska_otrygg" if i < 5 else "ganska_trygg", area=big)
    data = results.breakdown(survey, "area")
    table = next(t for t in data["tables"] if t["question"].code == "unsafe_evening")
    rows = {r["label"]: r for r in table["rows"]}
    big_cells = rows[big.name]["cells"]
    assert [c.count for c in big_cells if c.suppressed and not c.secondary] == [2]
    overall = [
        o["cell"] for o in part(results.question_tables(survey), "unsafe_evening")["options"]
    ]
    shown_columns = [i for i, cell in enumerate(overall) if not cell.suppressed]
    for line in [r["cells"] for r in table["rows"]] + [
        [r["cells"][i] for r in table["rows"]] for i in shown_columns
    ]:
        assert sum(c.suppressed for c in line) != 1
    # The group sizes add up to the respondents as well.
    assert sum(r["suppressed"] for r in table["rows"]) != 1
    tables = results.question_tables(survey)
    options = [o["cell"] for o in part(tables, "unsafe_evening")["options"]]
    assert sum(c.suppressed for c in options) == 2 and sum(c.secondary for c in options) == 1
