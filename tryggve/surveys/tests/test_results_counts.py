"""The results' counts come from the database (GROUP BY) and a cache; they must equal a
count by hand over the answer rows, for every question kind, group and year."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tryggve.surveys import results
from tryggve.surveys.forms import OTHER_AREA
from tryggve.surveys.importers import import_counts, survey_for_year
from tryggve.surveys.models import Answer, Channel
from tryggve.surveys.services import AnswerData, response_submit


def respond(survey, rng: random.Random, areas) -> None:
    """One respondent answering (or skipping) every kind of question at random."""
    rows = []
    for q in survey.questions.prefetch_related("options", "rows"):
        options = list(q.options.all())
        if rng.random() < 0.15 and q.code != "unsafe_evening":
            continue  # skipped
        if q.kind in {"single", "scale4", "scale5"}:
            rows.append(AnswerData(question=q, option=rng.choice(options)))
        elif q.kind == "multiple":
            picked = rng.sample(options, rng.randint(1, 3))
            # A hostile client may send the same box twice: still one respondent.
            rows += [AnswerData(question=q, option=o) for o in picked + picked[:1]]
        elif q.kind == "matrix":
            rows += [
                AnswerData(question=q, row=r, option=rng.choice(options))
                for r in q.rows.all()
                if rng.random() < 0.8
            ]
        elif q.kind == "area":
            rows.append(AnswerData(question=q, area=rng.choice([*areas, None])))
        elif q.kind == "number":
            rows.append(AnswerData(question=q, number=rng.randint(0, 9)))
        elif q.kind == "text":
            rows.append(AnswerData(question=q, text="Mer ljus"))
        elif q.kind == "map":
            rows += [
                AnswerData(question=q, place_text=f"Plats {i}") for i in range(rng.randint(1, 3))
            ]
    response_submit(survey=survey, answers=rows, channel=Channel.PAPER)


def hand_count(survey):
    """{key: (respondents, Counter of values)} straight from the answer rows."""
    sets: dict[int, dict[str, set]] = {}
    for a in Answer.objects.filter(response__survey=survey).select_related(
        "question", "option", "row", "area"
    ):
        q = a.question
        key = f"{q.code}.{a.row.code}" if a.row else q.code
        if q.kind == "area":
            value = a.area.slug if a.area else OTHER_AREA
        else:
            value = a.option.code if a.option else "*"
        sets.setdefault(a.response_id, {}).setdefault(key, set()).add(value)
    counts: dict[str, tuple[int, Counter]] = {}
    for answers in sets.values():
        for key, values in answers.items():
            n, c = counts.get(key, (0, Counter()))
            counts[key] = (n + 1, c + Counter(values))
    return sets, counts


@pytest.fixture
def answered(survey, municipality):
    rng = random.Random(7)
    areas = list(municipality.areas.order_by("name")[:3])
    for _ in range(60):
        respond(survey, rng, areas)
    return survey


def test_question_tables_equal_a_hand_count(answered):
    _sets, expected = hand_count(answered)
    tables = results.question_tables(answered)
    assert tables["respondents"] == 60
    checked = 0
    for item in tables["questions"]:
        q = item["question"]
        if not item["parts"]:
            assert item["answered"] == expected.get(q.code, (0, Counter()))[0]
            continue
        for (key, _label), part in zip(results._parts(q), item["parts"], strict=True):
            n, counts = expected.get(key, (0, Counter()))
            assert part["n"] == n, key
            columns = results._columns(q, results._area_names(answered))
            got = [option["cell"].count for option in part["options"]]
            assert got == [counts.get(code, 0) for code, _t in columns], key
            checked += 1
    assert checked >= 10


def test_numbers_mean_and_median_equal_a_hand_count(answered):
    values = list(
        Answer.objects.filter(question__code="years_lived").values_list("number", flat=True)
    )
    item = next(
        i
        for i in results.question_tables(answered)["questions"]
        if i["question"].code == "years_lived"
    )
    assert item["answered"] == len(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert item["summary"] == {"mean": round(sum(values) / len(values), 1), "median": median}


@pytest.mark.parametrize("by", ["area", "age", "gender"])
def test_breakdown_equals_a_hand_count(answered, by):
    sets, _expected = hand_count(answered)
    group_code = results.GROUPINGS[by]
    data = results.breakdown(answered, by)
    for table in data["tables"]:
        q = table["question"]
        key = next(k for k, label in results._parts(q) if label == table["row_label"])
        codes = [c for c, _t in results._columns(q, results._area_names(answered))]
        for (value, _label), row in zip(data["groups"], table["rows"], strict=True):
            members = [
                a for a in sets.values() if value in (a.get(group_code) or {results.NO_ANSWER})
            ]
            answering = [a[key] for a in members if a.get(key)]
            assert row["n"] == len(answering), (key, value)
            for code, cell in zip(codes, row["cells"], strict=True):
                assert cell.count == sum(code in values for values in answering), (key, code)


def test_trend_equals_a_hand_count_and_follows_new_answers(answered, municipality):
    earlier = survey_for_year(municipality=municipality, year=answered.year - 1)
    import_counts(
        survey=earlier,
        text="question,row,option,count\nunsafe_evening,,ganska_otrygg,7\n"
        "unsafe_evening,,mycket_trygg,13\n",
        respondents=20,
    )

    def unsafe_now():
        sets, _e = hand_count(answered)
        chosen = [a["unsafe_evening"] for a in sets.values() if a.get("unsafe_evening")]
        unsafe = {"ganska_otrygg", "mycket_otrygg", "oro"}
        return len(chosen), sum(bool(values & unsafe) for values in chosen)

    def series():
        trend = next(t for t in results.trends(answered) if t["question"].code == "unsafe_evening")
        return [(p.year, p.n, p.k) for p in trend["series"]]

    assert series() == [(answered.year - 1, 20, 7), (answered.year, *unsafe_now())]
    # Counts are cached per state of the answers: one more answer shows at once.
    respond(answered, random.Random(8), [])
    assert series()[-1] == (answered.year, *unsafe_now())
    assert results.question_tables(answered)["respondents"] == 61
