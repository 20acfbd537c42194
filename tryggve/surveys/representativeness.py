"""Who answered against who lives here: answers by age band and residential area beside the
population (`areas.PopulationCount`), warnings for groups that are badly under-represented,
and results weighted by raking (`stats.rake`) beside the unweighted ones.

**The population** is the municipality's table for the latest year up to the survey's (or
the earliest later one when none is that old). The age margin is the whole municipality's
rows, or the areas' rows summed when the table has no municipality rows; the area margin
is the areas' rows summed over the bands, or, without any, the areas' `population` field
(all ages; the page says so).

**Who is compared.** Only single answers (imported counts of earlier years carry no
respondent). A respondent who answered "Vill inte svara" on age, or nothing, is counted
and shown on a row of its own but is in no age band; likewise "Annat område eller vet
inte" and no answer for the area. Shares of answers are shares among those who gave a
band (an area), and the population's are shares among the bands (areas) in the table, so
both sides of the comparison cover the same people. When weighting, such a respondent is
left out of that margin only: the other margin still sets their weight.

**Warnings** (plain Swedish): a group with inhabitants but no answers, fewer than five
answers, or a share of the answers under half its share of the population.

**Suppression** as everywhere: answer counts of 1-4 are hidden (their shares and ratio
too), and a lone hidden count among a margin's rows hides the next smallest one; every
hidden figure reads "dold". The weighted results hide exactly the cells the unweighted
ones hide.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from tryggve.areas.models import AgeBand, PopulationCount
from tryggve.surveys import bank, stats
from tryggve.surveys.forms import OTHER_AREA
from tryggve.surveys.models import Answer, QuestionKind, Response, Survey
from tryggve.surveys.results import (
    Cell,
    _names,
    _parts,
    indicator_codes,
    load_year,
    make_cell,
    protect_distribution,
    refresh_also,
    year_surveys,
)

MARGINS = {"age": bank.AGE_CODE, "area": bank.AREA_CODE}
# A group whose share of the answers is under this fraction of its share of the
# population is called badly under-represented.
UNDER_REPRESENTED = 0.5


def population_margins(survey: Survey) -> dict | None:
    """The population per age band and per area for the survey's year (one or two
    queries), or None when the municipality has no population table at all."""
    rows = list(
        PopulationCount.objects.filter(municipality_id=survey.municipality_id).values_list(
            "year", "area__slug", "age_band", "count", "is_demo", "source"
        )
    )
    if not rows:
        return None
    years = sorted({r[0] for r in rows})
    year = max((y for y in years if y <= survey.year), default=years[0])
    rows = [r for r in rows if r[0] == year]
    whole = Counter({band: n for _y, slug, band, n, *_rest in rows if slug is None})
    areas: Counter = Counter()
    summed: Counter = Counter()
    for _y, slug, band, n, *_rest in rows:
        if slug is not None:
            areas[slug] += n
            summed[band] += n
    all_ages = False
    if not areas:
        areas = Counter(
            dict(
                survey.municipality.areas.filter(population__gt=0).values_list("slug", "population")
            )
        )
        all_ages = True
    return {
        "year": year,
        "age": dict(whole or summed),
        "area": dict(areas),
        "area_all_ages": all_ages,
        "is_demo": any(r[4] for r in rows),
        "sources": sorted({r[5] for r in rows if r[5]}),
    }


def respondent_groups(data) -> list[dict[str, str | None]]:
    """Each single respondent's age band and area (None: not stated or no such group)."""
    bands = set(AgeBand.values)
    groups = []
    for response_id in sorted(data.answers):
        answers = data.answers[response_id]
        age = next(iter(answers.get(bank.AGE_CODE, ())), None)
        area = next(iter(answers.get(bank.AREA_CODE, ())), None)
        groups.append(
            {"age": age if age in bands else None, "area": None if area == OTHER_AREA else area}
        )
    return groups


def stated_groups(surveys: list[Survey]) -> list[dict[str, str | None]]:
    """respondent_groups() read with two small queries instead of every answer: each single
    respondent of the survey versions, also those who answered neither question."""
    ids = Response.objects.filter(survey__in=surveys).order_by("pk").values_list("pk", flat=True)
    groups: dict[int, dict[str, str | None]] = {pk: {"age": None, "area": None} for pk in ids}
    bands = set(AgeBand.values)
    rows = Answer.objects.filter(
        response__survey__in=surveys, question__code__in=MARGINS.values()
    ).values_list("response_id", "question__code", "option__code", "area__slug")
    for response_id, code, option, slug in rows:
        if code == bank.AGE_CODE and option in bands:
            groups[response_id]["age"] = option
        elif code == bank.AREA_CODE and slug:
            groups[response_id]["area"] = slug
    return list(groups.values())


def _labels(survey: Survey) -> dict[str, dict[str, str]]:
    age = survey.questions.filter(code=bank.AGE_CODE).first()
    ages = {o.code: o.shown_label for o in age.options.all()} if age else {}
    return {
        "age": {code: ages.get(code, label) for code, label in AgeBand.choices},
        "area": dict(survey.municipality.areas.values_list("slug", "name")),
    }


def _margin_rows(counts: Counter, population: dict[str, int], labels: dict[str, str]):
    """Rows of one margin from its respondents per group (None: no group stated)."""
    known = sum(n for key, n in counts.items() if key is not None)
    whole = sum(population.values())
    rows = []
    for key, label in labels.items():
        people = population.get(key, 0)
        if not people and not counts.get(key):
            continue
        count = counts.get(key, 0)
        share = count / known if known else 0.0
        population_share = people / whole if whole else 0.0
        rows.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "suppressed": stats.suppressed(count),
                "secondary": False,
                "answer_share": share,
                "answer_percent": round(100 * share),
                "population": people,
                "population_share": population_share,
                "population_percent": round(100 * population_share),
                "ratio": share / population_share if population_share else None,
            }
        )
    unknown = {
        "key": None,
        "count": counts.get(None, 0),
        "suppressed": stats.suppressed(counts.get(None, 0)),
        "secondary": False,
    }
    hidden = stats.complementary([r["count"] for r in [*rows, unknown]])
    for i in hidden:
        row = [*rows, unknown][i]
        row["secondary"] = not row["suppressed"]
        row["suppressed"] = True
    if unknown["suppressed"]:
        # Shares of the stated groups would give away their total, and with it the hidden
        # counts (the respondents are shown): with a figure hidden, shares are of everyone.
        everyone = known + unknown["count"]
        for row in rows:
            share = row["count"] / everyone
            row["answer_share"], row["answer_percent"] = share, round(100 * share)
            population_share = row["population_share"]
            row["ratio"] = share / population_share if population_share else None
    return rows, unknown


def _warning(row: dict) -> str | None:
    if not row["population"]:
        return None
    names = {"group": row["label"], "population": stats.percent(row["population_share"])}
    if row["count"] == 0:
        return (
            _(
                "Ingen i gruppen %(group)s har svarat, fast gruppen är %(population)s av "
                "befolkningen. Resultaten säger inget om den gruppen och kan inte vägas för den."
            )
            % names
        )
    if stats.suppressed(row["count"]):
        return (
            _(
                "Färre än 5 svar från gruppen %(group)s (%(population)s av befolkningen): "
                "resultaten säger mycket lite om den gruppen."
            )
            % names
        )
    if row["answer_share"] < UNDER_REPRESENTED * row["population_share"]:
        if row["secondary"]:
            return _("Gruppen %(group)s är kraftigt underrepresenterad bland de svarande.") % names
        return _(
            "Gruppen %(group)s är kraftigt underrepresenterad: %(answers)s av svaren mot "
            "%(population)s av befolkningen."
        ) % {**names, "answers": stats.percent(row["answer_share"])}
    return None


def _margin_counts(surveys: list[Survey]) -> dict[bool, dict[str, Counter]]:
    """Single respondents per age band and per area (None: not stated or no such group), as
    `stated_groups` gives them, from the group columns of the responses in one query; per
    value of `repeat_from_address`."""
    bands = set(AgeBand.values)
    result = {flag: {"age": Counter(), "area": Counter()} for flag in (False, True)}
    rows = (
        Response.objects.filter(survey__in=surveys)
        .values_list("repeat_from_address", "group_age", "group_area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for repeat, age, area, n in rows:
        result[repeat]["age"][age if age in bands else None] += n
        result[repeat]["area"][None if area in {"", OTHER_AREA} else area] += n
    return result


def representativeness(survey: Survey, *, public: bool = False) -> dict:
    """Answers by age band and area against the population, with warnings (public:
    without the repeats from one address). The counts are stored like the results'."""
    population = population_margins(survey)
    if population is None:
        return {"available": False}
    versions = year_surveys(survey)
    per_flag = _names(versions).cached("margins", lambda: _margin_counts(versions))
    counts = {margin: Counter(per_flag[False][margin]) for margin in MARGINS}
    if not public:
        for margin in MARGINS:
            counts[margin].update(per_flag[True][margin])
    respondents = counts["age"].total()
    if not respondents:
        # A year kept only as imported counts has no respondent to place in a group.
        return {
            "available": True,
            "respondents": 0,
            "imported_respondents": sum(s.imported_respondents for s in versions),
            "warnings": [],
        }
    labels = _labels(survey)
    titles = {"age": _("Åldersgrupp"), "area": _("Bostadsområde")}
    unknown_labels = {
        "age": _("Vill inte svara eller inget svar"),
        "area": _("Annat område, vet inte eller inget svar"),
    }
    margins, warnings = [], []
    for margin in MARGINS:
        rows, unknown = _margin_rows(counts[margin], population[margin], labels[margin])
        unknown["label"] = unknown_labels[margin]
        warnings.extend(w for w in map(_warning, rows) if w)
        margins.append({"key": margin, "title": titles[margin], "rows": rows, "unknown": unknown})
    return {
        "available": True,
        "year": population["year"],
        "area_all_ages": population["area_all_ages"],
        "is_demo": population["is_demo"],
        "sources": population["sources"],
        "respondents": respondents,
        "margins": margins,
        "warnings": warnings,
    }


def _weighted_cell(cell: Cell, chosen: float, answered: float, n_eff: float) -> Cell:
    """The weighted share beside an unweighted cell, hidden wherever that one is."""
    if cell.suppressed or answered <= 0:
        return Cell(
            count=cell.count, n=cell.n, suppressed=cell.suppressed, secondary=cell.secondary
        )
    share = chosen / answered
    low, high = stats.wilson(share * n_eff, n_eff) if n_eff else (0.0, 0.0)
    return Cell(count=cell.count, n=cell.n, suppressed=False, share=share, low=low, high=high)


def weighted_results(survey: Survey) -> dict:
    """Each choice question's shares unweighted and weighted by raking to the population's
    age bands and areas, side by side (single answers only).

    The raking reads every single answer of the year, so its figures are stored like the
    other counts (`results._Names.cached`, under the population table's version) and
    computed again by the background recount (`results.results_refresh`), not by the page."""
    population = population_margins(survey)
    if population is None:
        return {"available": False, "reason": _("Det finns ingen befolkningstabell att väga mot.")}
    versions = year_surveys(survey)
    margins = {"age": population["age"], "area": population["area"]}
    version = (
        "population:"
        + hashlib.sha256(
            repr(sorted((m, sorted(v.items())) for m, v in margins.items())).encode()
        ).hexdigest()[:16]
    )
    figures = _names(versions).cached(
        "weighted", lambda: _weighted_figures(versions, margins), version=version
    )
    if figures["status"] == "imported_only":
        return {
            "available": False,
            "reason": _("Årets svar finns bara som sammanräknade antal och kan inte vägas."),
        }
    if figures["status"] == "too_few":
        return {"available": False, "reason": _("Färre än 5 svar: för få för att väga.")}
    labels = _labels(survey)
    questions = []
    for q in survey.questions.prefetch_related("options", "rows"):
        if not q.has_options or q.code in MARGINS.values():
            continue
        for key, row_label in _parts(q):
            item = _weighted_question(q, key, row_label, figures["keys"].get(key))
            if item["n"]:
                questions.append(item)
    unweightable = [
        labels[margin].get(group, group)
        for margin, missing in figures["unweightable"].items()
        for group in missing
    ]
    return {
        "available": True,
        "converged": figures["converged"],
        "trimmed": figures["trimmed"],
        "unweightable": unweightable,
        "respondents": figures["respondents"],
        "effective_n": figures["effective_n"],
        "max_weight": figures["max_weight"],
        "questions": questions,
    }


def _weighted_figures(versions: list[Survey], margins: dict) -> dict:
    """The raking's result as plain numbers (stored): per question key the respondents who
    answered, the count and the summed weight per answer value, the summed weight and the
    effective sample size of those who answered."""
    data = load_year(versions, individual_only=True)
    if not data.answers and any(s.imported_respondents for s in versions):
        return {"status": "imported_only"}
    if len(data.answers) < stats.MIN_COUNT:
        return {"status": "too_few"}
    ids = sorted(data.answers)
    raked = stats.rake(respondent_groups(data), margins)
    weight = dict(zip(ids, raked.weights, strict=True))
    keys: dict[str, dict] = {}
    answered_weights: dict[str, list[float]] = defaultdict(list)
    for response_id, answers in data.answers.items():
        w = weight[response_id]
        for key, values in answers.items():
            entry = keys.setdefault(key, {"counts": Counter(), "chosen": defaultdict(float)})
            answered_weights[key].append(w)
            for value in values:
                entry["counts"][value] += 1
                entry["chosen"][value] += w
    for key, entry in keys.items():
        weights = answered_weights[key]
        entry.update(
            n=len(weights),
            answered=sum(weights),
            n_eff=stats.effective_n(weights),
            chosen=dict(entry["chosen"]),
        )
    return {
        "status": "ok",
        "converged": raked.converged,
        "trimmed": raked.trimmed,
        "unweightable": {m: list(groups) for m, groups in raked.unweightable.items()},
        "respondents": len(ids),
        "effective_n": round(stats.effective_n(raked.weights)),
        "max_weight": round(max(raked.weights), 1),
        "keys": keys,
    }


def _weighted_question(q, key: str, row_label: str, entry: dict | None) -> dict:
    entry = entry or {"n": 0, "counts": Counter(), "chosen": {}, "answered": 0.0, "n_eff": 0.0}
    counts, chosen, n = entry["counts"], entry["chosen"], entry["n"]
    options = [
        {"label": o.shown_label, "cell": make_cell(counts.get(o.code, 0), n), "code": o.code}
        for o in q.options.all()
    ]
    # The same cells as the unweighted table hides (its indicator's count is shown there).
    codes = indicator_codes(q)
    indicator = None
    if codes and q.kind != QuestionKind.MULTIPLE:
        indicator = make_cell(sum(counts.get(code, 0) for code in codes), n)
    protect_distribution(
        [o["cell"] for o in options],
        adds_up=q.kind != QuestionKind.MULTIPLE,
        indicator=indicator,
        indicator_columns=[i for i, o in enumerate(options) if o["code"] in codes],
        exclusive_column=next((i for i, o in enumerate(q.options.all()) if o.exclusive), None),
    )
    for o in options:
        o["weighted"] = _weighted_cell(
            o["cell"], chosen.get(o["code"], 0.0), entry["answered"], entry["n_eff"]
        )
    return {"question": q, "row_label": row_label, "n": n, "options": options}


def population_progress(survey: Survey) -> dict:
    """This year's answers so far per area and age band against last year's and against
    the population (answers per 1,000 inhabitants), so staff see where to ask for more.
    Counts of respondents, not of what they answered, so they are shown as they are."""
    population = population_margins(survey) or {"age": {}, "area": {}, "year": None}
    if not population["area"]:
        population["area"] = dict(
            survey.municipality.areas.filter(population__gt=0).values_list("slug", "population")
        )
        population["area_all_ages"] = True
    labels = _labels(survey)
    this_year = _group_counts(year_surveys(survey))
    last = list(Survey.objects.filter(municipality_id=survey.municipality_id, year=survey.year - 1))
    last_year = _group_counts(last) if last else None
    margins = []
    for margin, title in (("area", _("Bostadsområde")), ("age", _("Åldersgrupp"))):
        rows = []
        for key, label in labels[margin].items():
            count, people = this_year[margin].get(key, 0), population[margin].get(key, 0)
            rows.append(
                {
                    "label": label,
                    "count": count,
                    "last_year": last_year[margin].get(key, 0) if last_year else None,
                    "population": people or None,
                    "per_thousand": round(1000 * count / people, 1) if people else None,
                }
            )
        rows.append(
            {
                "label": _("Vill inte svara, annat område eller inget svar"),
                "count": this_year["total"] - sum(this_year[margin][k] for k in labels[margin]),
                "last_year": (
                    last_year["total"] - sum(last_year[margin][k] for k in labels[margin])
                    if last_year
                    else None
                ),
                "population": None,
                "per_thousand": None,
            }
        )
        margins.append({"key": margin, "title": title, "rows": rows})
    return {
        "population_year": population["year"],
        "population_is_demo": population.get("is_demo", False),
        "area_all_ages": population.get("area_all_ages", False),
        "progress": margins,
    }


def _group_counts(surveys: list[Survey]) -> dict:
    """Single respondents per age band and per area of the given survey versions, and in
    all (`total`; two queries)."""
    rows = (
        Answer.objects.filter(response__survey__in=surveys, question__code__in=MARGINS.values())
        .values_list("question__code", "option__code", "area__slug")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {
        "age": Counter(),
        "area": Counter(),
        "total": Response.objects.filter(survey__in=surveys).count(),
    }
    for code, option, slug, n in rows:
        if code == bank.AGE_CODE and option:
            counts["age"][option] += n
        elif code == bank.AREA_CODE and slug:
            counts["area"][slug] += n
    return counts


@refresh_also
def representativeness_refresh(survey: Survey) -> None:
    """Store the comparison (staff and public) and the raking again, in the background
    recount (`results.results_refresh`), so the results pages only read them."""
    for public in (False, True):
        representativeness(survey, public=public)
    weighted_results(survey)
