"""One person clearing cookies between answers: the guard's per-address counter marks every
answer after the first from one address `repeat_from_address`; staff count them all and see
how many, public figures leave them out, so one person cannot make a public cell appear."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import Client

from tryggve.lib import guard
from tryggve.surveys import figures, results
from tryggve.surveys.models import Answer, Channel, Response
from tryggve.surveys.services import AnswerData, response_submit
from tryggve.surveys.tests.test_places_views import layers

URL = "/trygghetsenkat/"


def public_cells_on(page: str) -> int:
    if 'id="map-layers"' not in page:
        return 0  # no square to draw: the page has no map data at all
    return len(layers(page)["cells"]["features"])


def post_as(address: str, answer: dict) -> int:
    """A fresh browser (no cookie) at `address`, through the real view and its guard."""
    return Client(REMOTE_ADDR=address).post(URL, answer).status_code


def close(survey, today):
    survey.opens_on = today - datetime.timedelta(days=30)
    survey.closes_on = today - datetime.timedelta(days=1)
    survey.save()


@pytest.mark.parametrize(
    ("addresses", "public_cells", "repeats"),
    [
        (["192.0.2.7"] * 5, 0, 4),  # one person clearing cookies five times
        ([f"192.0.2.{i}" for i in range(1, 6)], 1, 0),  # five people: the square appears
    ],
)
def test_one_address_cannot_make_a_public_cell_appear(
    citizen, case_handler, survey, valid_answer, today, addresses, public_cells, repeats
):
    for address in addresses:
        assert post_as(address, valid_answer) == 302
    assert Response.objects.count() == 5  # every answer is kept
    assert Response.objects.filter(repeat_from_address=True).count() == repeats
    close(survey, today)
    # The recount the answers queued (at most one per 30 s, so it ran after the first).
    results.results_refresh(survey=survey)

    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert public_cells_on(page) == public_cells
    public = results.question_tables(survey, public=True)
    assert public["respondents"] == 5 - repeats
    themes = results.theme_table(survey, public=True)
    # Two texts per answer (the comment and the place's words).
    assert themes["n"] == 2 * (5 - repeats) and themes["suppressed"] is bool(repeats)
    by_area = results.breakdown(survey, "area", public=True)
    (table,) = [t for t in by_area["tables"] if t["question"].code == "unsafe_evening"]
    assert sum(row["n"] for row in table["rows"]) == 5 - repeats

    # The figures other apps publish (the promises' pages) leave them out too.
    (share,) = figures.unsafe_share(municipality_code=survey.municipality.code)
    assert share.respondents == 5 - repeats
    (year,) = figures.theme_counts(municipality_code=survey.municipality.code)
    assert year.texts == 2 * (5 - repeats)

    # Staff count every answer and read how many came again from one address.
    staff = case_handler.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert results.question_tables(survey)["respondents"] == 5
    assert results.theme_table(survey)["n"] == 10
    assert f"{repeats} svar kom från en nätadress som redan hade svarat" in staff
    assert len(layers(staff)["cells"]["features"]) == 1


def test_two_answers_on_either_side_of_the_hour_are_still_one_address(
    survey, valid_answer, monkeypatch
):
    """The per-address count lives in fixed windows (whole hours): an answer at 10:59:59
    and another at 11:00:01 from one address, a fresh browser each, were both the first of
    their window, so both counted in the public figures."""
    hour = 3600 * 490_000  # some whole hour
    monkeypatch.setattr(guard.time, "time", lambda: hour - 1.0)
    assert post_as("192.0.2.20", valid_answer) == 302
    monkeypatch.setattr(guard.time, "time", lambda: hour + 1.0)
    assert post_as("192.0.2.20", valid_answer) == 302
    assert post_as("192.0.2.21", valid_answer) == 302  # another address: a first answer
    marked = Response.objects.order_by("pk").values_list("repeat_from_address", flat=True)
    assert list(marked) == [False, True, False]


def test_failed_posts_do_not_mark_the_next_answer(survey, valid_answer):
    incomplete = {k: v for k, v in valid_answer.items() if k != "q-unsafe_evening"}
    assert post_as("192.0.2.9", incomplete) == 200  # the form again, with errors
    assert post_as("192.0.2.9", valid_answer) == 302
    assert not Response.objects.get().repeat_from_address


def test_paper_answers_are_never_marked(survey):
    question = survey.questions.get(code="comment")
    response = response_submit(
        survey=survey,
        answers=[AnswerData(question=question, text="Mörkt")],
        channel=Channel.PAPER,
        repeat_from_address=True,
    )
    assert not response.repeat_from_address


def test_earlier_posts_is_zero_outside_a_guarded_post():
    assert guard.earlier_posts() == 0


def test_a_theme_correction_shows_at_once_on_the_served_page(survey, write_texts, case_handler):
    from django.contrib.auth import get_user_model

    from tryggve.surveys.theme_services import theme_correction_save

    texts = write_texts(survey, *["Mörkt vid skolan"] * 5)
    before = {r["code"]: r["cell"].count for r in results.theme_table(survey)["rows"]}
    assert before["belysning"] == 5 and before["trafik"] == 0
    user = get_user_model().objects.get(username="handlaggare")
    theme_correction_save(answer=texts[0], codes=["trafik"], by=user)
    with results.serving() as freshness:
        after = {r["code"]: r["cell"].count for r in results.theme_table(survey)["rows"]}
    # The correction (which may also teach the lexicon) is counted at once.
    assert after["belysning"] == 4 and after["trafik"] >= 1
    assert freshness.counted_at is None


def test_migration_flags_names_the_old_rule_missed(survey, write_texts):
    plain, named = write_texts(survey, "Mörkt vid skolan", "kalle på hörnet skräpar ner")
    Answer.objects.update(flagged=False)  # as the old rule left them
    Response.objects.update(has_flagged_text=False)
    migration = importlib.import_module("tryggve.surveys.migrations.0007_reflag_personal_texts")
    migration.reflag(apps, None)
    plain.refresh_from_db()
    named.refresh_from_db()
    assert named.flagged and not plain.flagged
    assert Response.objects.get(pk=named.response_id).has_flagged_text
    assert not Response.objects.get(pk=plain.response_id).has_flagged_text
