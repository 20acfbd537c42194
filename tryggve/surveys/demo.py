"""The demo's surveys: this year's open, the two earlier years imported (50 and 188 answers).

Generated with a fixed seed, so every demo looks the same; all marked as demo data. The
earlier years go through the real importers (counts for the first, answer rows for the
second), so the demo also shows that both formats work.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from collections import Counter

from tryggve.areas.models import Municipality
from tryggve.surveys import bank, demo_texts
from tryggve.surveys.importers import (
    cell_answers,
    import_answer_rows,
    import_counts,
    survey_for_year,
)
from tryggve.surveys.models import Channel, Survey
from tryggve.surveys.services import (
    AnswerData,
    response_submit,
    survey_create_from_bank,
)

SEED = 2026
# Share feeling unsafe out in the evening, per year back from now (2 years ago, last year,
# this year), so the demo's trend reads like the municipality's own (18 % -> 24 %).
UNSAFE_SHARE = {2: 0.18, 1: 0.24, 0: 0.22}


def _respondent(rng: random.Random, unsafe_share: float, areas: list[str]) -> dict[str, str]:
    unsafe = rng.random() < unsafe_share
    answer = {
        bank.UNSAFE_CODE: rng.choice(["ganska_otrygg", "mycket_otrygg", "oro"])
        if unsafe
        else rng.choices(["mycket_trygg", "ganska_trygg", "andra_orsaker"], [4, 5, 1])[0],
        bank.BURGLARY_CODE: rng.choices(
            ["mycket_ofta", "ganska_ofta", "sallan", "nej", "vet_inte"], [1, 3, 5, 4, 1]
        )[0],
        "change": rng.choices(
            ["mycket_battre", "nagot_battre", "oforandrad", "nagot_samre", "mycket_samre"],
            [1, 2, 7, 3, 1],
        )[0],
        "watch_interest": rng.choices(["ja", "kanske", "nej", "redan"], [3, 4, 4, 1])[0],
        bank.AGE_CODE: rng.choices(
            ["16_24", "25_44", "45_64", "65_79", "80", "vill_inte"], [1, 3, 4, 4, 2, 1]
        )[0],
        bank.GENDER_CODE: rng.choices(["kvinna", "man", "annat", "vill_inte"], [11, 9, 0.3, 1])[0],
        bank.AREA_CODE: rng.choice(areas + ["annat"]),
        "years_lived": str(rng.randint(0, 70)),
    }
    for row, weights in {
        "lighting": [3, 4, 3, 2, 1],
        "vegetation": [3, 4, 3, 1, 1],
        "littering": [5, 4, 2, 1, 1],
        "vandalism": [5, 4, 2, 1, 1],
        "intoxicated": [5, 3, 2, 1, 2],
        "speeding": [3, 4, 3, 2, 1],
    }.items():
        answer[f"problems.{row}"] = rng.choices(
            ["inget", "litet", "ganska_stort", "mycket_stort", "vet_inte"], weights
        )[0]
    for row in ("police", "municipality"):
        answer[f"trust.{row}"] = rng.choices(
            ["mycket_stort", "ganska_stort", "ganska_litet", "mycket_litet", "vet_inte"],
            [2, 5, 3, 1, 1],
        )[0]
    # The promise's three wishes: visible police, neighbourhood watch, lighting/vegetation.
    wishes = [
        w
        for w, p in [("police", 0.55), ("watch", 0.4), ("lighting", 0.45), ("vegetation", 0.3)]
        if rng.random() < p
    ]
    answer[bank.SAFER_CODE] = "|".join(wishes)
    answer["victim"] = rng.choices(["nej", "stold", "inbrott", "skadegorelse"], [12, 2, 1, 1])[0]
    return answer


# Where the demo's respondents feel unsafe: (lat, lon, spread in metres, times of day, why,
# weight). Invented, like everything in the demo, but placed like a small town's usual
# complaints: the square in the evening, the school's paths, an unlit path, the station.
HOTSPOTS = [
    (
        65.5862,
        19.1790,
        60,
        ["evening", "night"],
        [
            "Folk samlas på kvällarna",
            "Berusade vid torget",
            "Aldrig någon polis här på kvällen",
            "",
        ],
        35,
    ),
    (
        65.5892,
        19.1878,
        50,
        ["day", "evening"],
        ["Mörka gångar vid skolan", "Äldre ungdomar hänger vid skolan", "Buskar skymmer", ""],
        25,
    ),
    (
        65.5925,
        19.1705,
        70,
        ["evening", "night", "always"],
        ["Gångvägen är helt obelyst", "Igenvuxet längs gångvägen", ""],
        20,
    ),
    (65.5870, 19.1535, 60, ["night"], ["Öde vid stationen på natten", ""], 10),
]
# Share of respondents who mark at least one place.
MARK_SHARE = 0.45
METRES_PER_DEGREE = 111_320


def _places(rng: random.Random) -> str:
    """Up to three places near the hot spots (or anywhere in town), as the importer reads
    them: `lat;lon;time;why` separated by `|`."""
    if rng.random() > MARK_SHARE:
        return ""
    places = []
    for _i in range(rng.choices([1, 2, 3], [6, 3, 1])[0]):
        if rng.random() < 0.1:  # a place nobody else marks
            lat, lon, spread, times, reasons = 65.5900, 19.1800, 900, ["evening"], [""]
        else:
            (spot,) = rng.choices(HOTSPOTS, [h[-1] for h in HOTSPOTS])
            lat, lon, spread, times, reasons, _weight = spot
        north = rng.gauss(0, spread) / METRES_PER_DEGREE
        east = rng.gauss(0, spread) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
        why = rng.choice(reasons)
        places.append(f"{lat + north:.5f};{lon + east:.5f};{rng.choice(times)};{why}")
    return "|".join(places)


def _rows(rng, n, share, areas) -> list[dict[str, str]]:
    return [_respondent(rng, share, areas) for _ in range(n)]


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _counts_csv(rows: list[dict[str, str]]) -> str:
    counts: Counter = Counter()
    for row in rows:
        for column, value in row.items():
            code, _dot, matrix_row = column.partition(".")
            if code in {bank.AREA_CODE, bank.MAP_CODE, "years_lived"}:
                continue  # the aggregated file of that year had no areas, numbers or places
            for option in filter(None, value.split("|")):
                counts[(code, matrix_row, option)] += 1
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "row", "option", "count"])
    for (code, matrix_row, option), count in sorted(counts.items()):
        writer.writerow([code, matrix_row, option, count])
    return out.getvalue()


def load_demo_surveys(*, municipality: Municipality, today: datetime.date) -> str:
    """Seed the demo's surveys once; a second call adds nothing."""
    if Survey.objects.filter(municipality=municipality).exists():
        return "surveys already present"
    rng = random.Random(SEED)
    areas = list(municipality.areas.values_list("slug", flat=True))
    year = today.year
    first = survey_for_year(municipality=municipality, year=year - 2, is_demo=True)
    import_counts(
        survey=first, text=_counts_csv(_rows(rng, 50, UNSAFE_SHARE[2], areas)), respondents=50
    )
    # Free texts and places come from generators of their own, so the other answers stay
    # as they were.
    text_rng = random.Random(demo_texts.SEED)
    place_rng = random.Random(SEED + 1)
    second = survey_for_year(municipality=municipality, year=year - 1, is_demo=True)
    second_rows = _rows(rng, 188, UNSAFE_SHARE[1], areas)
    demo_texts.add_comments(second_rows, text_rng)
    for row in second_rows:
        row[bank.MAP_CODE] = _places(place_rng)
    import_answer_rows(survey=second, text=_csv(second_rows), is_demo=True)
    current = survey_create_from_bank(
        municipality=municipality,
        year=year,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=30),
        is_demo=True,
    )
    questions = {q.code: q for q in current.questions.prefetch_related("options", "rows")}
    area_objects = {a.slug: a for a in municipality.areas.all()}
    current_rows = _rows(rng, 41, UNSAFE_SHARE[0], areas)
    demo_texts.add_comments(current_rows, text_rng)
    for i, row in enumerate(current_rows):
        row[bank.MAP_CODE] = _places(place_rng)
        answers: list[AnswerData] = []
        for column, value in row.items():
            code, _dot, matrix_row = column.partition(".")
            if value:
                question = questions[code]
                answers.extend(cell_answers(question, matrix_row or None, value, area_objects))
        response_submit(
            survey=current,
            answers=answers,
            channel=Channel.PAPER if i % 5 == 0 else Channel.WEB,
            today=today,
            is_demo=True,
        )
    return f"surveys: {year - 2} (50 imported), {year - 1} (188 imported), {year} open (41)"
