"""The free-text themes classifier: Swedish stemming, compounds, typos, several themes and
learned terms, without Django."""

from __future__ import annotations

import pytest

from tryggve.lib import themes
from tryggve.lib.themes import OTHER, Lexicon, classify, content_stems, stem, words


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # Snowball Swedish: main suffixes, the consonant pair, and -lig/-ig/-els.
        ("gatubelysningen", "gatubelysning"),
        ("buskarna", "busk"),
        ("poliserna", "polis"),
        ("inbrott", "inbrot"),
        ("ungdomarna", "ungdom"),
        ("synligare", "syn"),
        ("mörkret", "mörkret"),
    ],
)
def test_snowball_swedish_stems(word, expected):
    assert stem(word) == expected


def test_normalisation_keeps_swedish_letters_and_breaks_on_the_rest():
    assert words("MÖRKT vid Åkervägen!! (kl 22) gatu-belysning") == [
        "mörkt",
        "vid",
        "åkervägen",
        "kl",
        "gatu",
        "belysning",
    ]
    # A decomposed "ö" (NFD, as some phones send it) is the same letter.
    assert words("mo\u0308rkt") == ["mörkt"]


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Gatubelysningen är trasig", "belysning"),
        ("buskagen vid skolan", "vegetation"),
        ("inbrottsvåg i villaområdet", "inbrott"),
        ("Mer polisnärvaro!", "polisnarvaro"),
        ("lokalpolisen syns aldrig", "polisnarvaro"),
        ("fler grannsamverkansområden", "grannsamverkan"),
        ("ungdomsgäng vid macken", "ungdomar"),
        ("Slyröjning runt spåret", "vegetation"),
    ],
)
def test_compounds_are_read_by_their_parts(text, theme):
    assert theme in classify(text)


def test_a_text_can_have_several_themes_in_the_lexicons_order():
    text = "Det är mörkt, slyet växer och polisen syns aldrig. Inbrott i förråden."
    assert classify(text) == ("belysning", "vegetation", "polisnarvaro", "inbrott")


def test_a_whole_word_in_the_lexicon_settles_a_compound():
    # "busk" (bush) is a part of "buskörning" (joyriding), which is traffic only.
    assert classify("buskörning varje helg") == ("trafik",)
    # "röjning" is vegetation, but snow clearing is no theme.
    assert classify("snöröjningen är dålig") == (OTHER,)


def test_short_stems_are_never_found_inside_other_words():
    # "rån" (robbery) must not be read in "från", nor "bil" in "bildäck".
    assert classify("långt från skolan") == (OTHER,)
    assert "trafik" not in classify("bilderna")


def test_one_typo_in_a_long_word_is_forgiven_but_not_in_a_short_one():
    assert classify("belysnig saknas") == ("belysning",)
    assert classify("trafikk") == ("trafik",)
    assert classify("polsien syns inte") == (OTHER,)  # "polis" is too short to guess


def test_no_words_no_theme_and_words_without_a_theme_are_other():
    assert classify("") == ()
    assert classify(" 070 12 34 !! ") == ()
    assert classify("Bra att ni frågar") == (OTHER,)


def test_learned_terms_add_themes_without_typo_guessing():
    plain = Lexicon()
    taught = Lexicon([("alkohol_droger", "pund")])
    text = "pundare vid skolan"
    assert plain.classify(text) == (OTHER,)
    assert taught.classify(text) == ("alkohol_droger",)
    # As a compound part too ("pundarbilen"), but not one letter off ("pendare").
    assert taught.classify("pundarbilen står där") == ("alkohol_droger",)
    assert taught.classify("pendare") == (OTHER,)


def test_learned_terms_of_unknown_themes_or_empty_stems_are_ignored():
    lexicon = Lexicon([("finns_inte", "hund"), ("trafik", "")])
    assert lexicon.classify("hundar") == (OTHER,)


def test_content_stems_leave_out_stop_words_and_short_stems():
    assert content_stems("Jag känner mig otrygg när pundare röker hasch vid ån") == [
        "pund",
        "hasch",  # "rök" is too short to learn
    ]


def test_each_word_is_stemmed_once(monkeypatch):
    calls = []
    real = themes.stem.__wrapped__
    lexicon = Lexicon()  # the built-in lexicon is stemmed once, before counting starts

    def counting(word):
        calls.append(word)
        return real(word)

    monkeypatch.setattr(themes, "stem", counting)
    for _ in range(100):
        lexicon.classify("mörkt mörkt vid skolan")
    assert sorted(calls) == ["mörkt", "skolan"]  # "vid" is a stop word


def test_every_theme_has_a_stable_code_and_a_name():
    assert themes.THEME_CODES == (
        "belysning",
        "vegetation",
        "polisnarvaro",
        "grannsamverkan",
        "inbrott",
        "ungdomar",
        "trafik",
        "nedskrapning",
        "alkohol_droger",
        "ovrigt",
    )
    assert all(themes.THEME_NAMES[code] for code in themes.THEME_CODES)
