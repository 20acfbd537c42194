"""`count_survey_results` stores every year's counts, so the pages serve them at once."""

from __future__ import annotations

import random
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command

from tryggve.surveys import results
from tryggve.surveys.models import TallySnapshot
from tryggve.surveys.tests.test_results_counts import respond


def test_counts_every_year_and_pages_serve_them(survey, municipality):
    rng = random.Random(9)
    areas = list(municipality.areas.order_by("name")[:2])
    for _ in range(7):
        respond(survey, rng, areas)
    out = StringIO()
    call_command("count_survey_results", stdout=out)
    assert str(survey) in out.getvalue()
    stored = TallySnapshot.objects.count()
    assert stored >= 5
    cache.clear()
    with results.serving() as freshness:
        tables = results.question_tables(survey)
    assert tables["respondents"] == 7 and freshness.counted_at is None
    assert TallySnapshot.objects.count() == stored  # nothing counted during the "request"


def test_another_year_is_left_alone(survey):
    call_command("count_survey_results", "--year", str(survey.year + 5), stdout=StringIO())
    assert not TallySnapshot.objects.exists()
