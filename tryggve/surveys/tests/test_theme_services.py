"""Themes of free-text answers: stored when saved, corrected by staff, learned terms."""

from __future__ import annotations

from tryggve.surveys.models import AnswerTheme, LearnedTerm, ThemeCorrection
from tryggve.surveys.services import AnswerData, response_submit
from tryggve.surveys.theme_services import (
    answer_themes_recompute,
    learned_term_remove,
    lexicon_for,
    theme_correction_save,
)


def codes(answer) -> set[str]:
    return set(AnswerTheme.objects.filter(answer=answer).values_list("code", flat=True))


def test_free_text_gets_its_themes_when_saved_and_other_answers_none(survey, today):
    comment = survey.questions.get(code="comment")
    places = survey.questions.get(code="unsafe_places")
    unsafe = survey.questions.get(code="unsafe_evening")
    response = response_submit(
        survey=survey,
        answers=[
            AnswerData(question=comment, text="Mörkt och igenvuxet vid skolan"),
            AnswerData(question=places, lat=65.59, lon=19.18, text="Ungdomsgäng på kvällarna"),
            AnswerData(question=places, lat=65.591, lon=19.181, place_text="Vid torget"),
            AnswerData(question=unsafe, option=unsafe.options.first()),
        ],
        today=today,
    )
    by_answer = {a.pk: codes(a) for a in response.answers.all()}
    assert sorted(by_answer.values(), key=len) == [
        set(),
        set(),
        {"ungdomar"},
        {"belysning", "vegetation"},
    ]


def test_a_correction_sets_the_themes_and_keeps_who_and_when(
    survey, write_texts, django_user_model
):
    user = django_user_model.objects.create_user("handlaggare")
    (answer,) = write_texts(survey, "Mörkt vid skolan")
    correction = theme_correction_save(answer=answer, codes=["belysning", "ungdomar"], by=user)
    assert codes(answer) == {"belysning", "ungdomar"}
    assert correction.suggested == ["belysning"]
    assert correction.codes == ["belysning", "ungdomar"]
    assert correction.created is not None and correction.created_by == user
    # Nothing ticked: the answer is about something else.
    theme_correction_save(answer=answer, codes=[], by=user)
    assert codes(answer) == {"ovrigt"}
    assert ThemeCorrection.objects.filter(answer=answer).count() == 2


def test_saving_the_same_correction_twice_saves_once(survey, write_texts):
    (answer,) = write_texts(survey, "Mörkt vid skolan")
    first = theme_correction_save(answer=answer, codes=["vegetation"], by=None)
    again = theme_correction_save(answer=answer, codes=["vegetation"], by=None)
    assert first.pk == again.pk
    assert ThemeCorrection.objects.count() == 1


def test_a_correction_teaches_the_lexicon_and_a_second_text_gets_the_theme(
    survey, write_texts, django_user_model
):
    staff = django_user_model.objects.create_user("handlaggare")
    first, second, unrelated = write_texts(
        survey, "Pundare vid busshållplatsen", "pundarna är kvar i parken", "Bra att ni frågar"
    )
    assert codes(second) == {"ovrigt"}
    correction = theme_correction_save(answer=first, codes=["alkohol_droger"], by=staff)
    assert correction.learned == ["pund", "busshållplats"]
    term = LearnedTerm.objects.get(stem="pund")
    assert (term.theme, term.created_by, term.correction) == ("alkohol_droger", staff, correction)
    # The other answers were read again: the one with the learned word got the theme.
    assert codes(second) == {"alkohol_droger"}
    assert codes(unrelated) == {"ovrigt"}
    # And new answers get it when they are saved.
    (later,) = write_texts(survey, "Pundarbilen står där igen")
    assert codes(later) == {"alkohol_droger"}


def test_teaching_is_cautious(survey, write_texts):
    long_text, two_themes, removed = write_texts(
        survey,
        "Pundare, fotbollsplanen, återvinningsstationen och parkeringsdäcket",
        "Pundare vid busshållplatsen",
        "Pundare vid busshållplatsen",
    )
    # More than three unknown words: nobody can tell which one carried the theme.
    assert theme_correction_save(answer=long_text, codes=["alkohol_droger"], by=None).learned == []
    # Two themes added at once: which word meant which?
    correction = theme_correction_save(
        answer=two_themes, codes=["alkohol_droger", "trafik"], by=None
    )
    assert correction.learned == []
    # Taking a theme away teaches nothing either.
    (dark,) = write_texts(survey, "Mörkt vid fotbollsplanen")
    assert theme_correction_save(answer=dark, codes=[], by=None).learned == []
    assert not LearnedTerm.objects.exists()


def test_a_removed_term_is_not_learned_again_and_its_answers_are_read_again(survey, write_texts):
    first, second = write_texts(survey, "Pundare i parken", "pundarna igen")
    assert theme_correction_save(answer=first, codes=["alkohol_droger"], by=None).learned == [
        "pund",
        "park",
    ]
    assert codes(second) == {"alkohol_droger"}
    term = LearnedTerm.objects.get(stem="pund")
    learned_term_remove(term=term, by=None)
    learned_term_remove(term=term, by=None)  # twice is harmless
    term.refresh_from_db()
    assert term.removed is not None
    assert codes(second) == {"ovrigt"}
    assert codes(first) == {"alkohol_droger"}  # a corrected answer keeps what staff set
    # "pund" was refused, "park" is still known: nothing to learn.
    (third,) = write_texts(survey, "Pundare i parken")
    assert theme_correction_save(answer=third, codes=["alkohol_droger"], by=None).learned == []
    assert LearnedTerm.objects.filter(stem="pund").count() == 1


def test_learned_terms_belong_to_their_municipality(survey, other_survey, write_texts):
    (ours,) = write_texts(survey, "Pundare i parken")
    (theirs,) = write_texts(other_survey, "Pundare i parken")
    theme_correction_save(answer=ours, codes=["alkohol_droger"], by=None)
    assert codes(theirs) == {"ovrigt"}
    assert lexicon_for(municipality_id=other_survey.municipality_id).classify("pundare") == (
        "ovrigt",
    )


def test_recompute_reads_every_uncorrected_answer_again(survey, write_texts):
    (answer,) = write_texts(survey, "Mörkt vid skolan")
    AnswerTheme.objects.filter(answer=answer).update(code="trafik")
    assert answer_themes_recompute(municipality_id=survey.municipality_id) == 1
    assert codes(answer) == {"belysning"}
    assert answer_themes_recompute(municipality_id=survey.municipality_id) == 0
