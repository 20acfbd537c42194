"""Free text that looks like it names or reaches a person is flagged (no database)."""

import pytest

from tryggve.surveys.privacy import looks_personal


@pytest.mark.parametrize(
    "text",
    [
        "Ring mig på 070-123 45 67",
        "+46 70 123 45 67",
        "skriv till anna.berg@example.se",
        "anna (at) example.se",
        "Det är grannen Kalle Ek som bråkar",
        "kalle säger att Anna brukar vara där",
    ],
)
def test_personal_looking_text_is_flagged(text):
    assert looks_personal(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mörkt vid skolan på kvällarna.",
        "Belysningen vid busshållplatsen är trasig sedan 2024.",
        "Mer polis ute på helgerna. Sly längs gångvägen.",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert not looks_personal(text)


# The lean towards flagging: names in lower case, first name and surname in any case ------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tryggve.surveys import privacy  # noqa: E402


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("jag bor bredvid anna berg", True),
        ("kalle på hörnet skräpar ner", True),
        ("bosse och lasse håller till vid kiosken", True),
        ("grannen mohammed parkerar på gångvägen", True),
        ("per lindqvist kör för fort", True),
        ("jan karlsson lånar ut sin stege", True),
        ("bo ek vet vem det är", True),
        ("stig forsberg sa det", True),
        ("Per kör alltid för fort", True),
        ("Hans bil står på gångvägen", True),
        ("familjen andersson har hund", True),
        ("ANNA BERG", True),
        ("anna-lena vid busshållplatsen", True),
        ("Bilarna kör 70 km per timme förbi skolan", False),
        ("en gång per person och år", False),
        ("hans hund skäller på natten", False),
        ("en stig genom skogen saknar belysning", False),
        ("stora sten vid vägkanten", False),
        ("vi vill bo kvar här", False),
        ("sedan 12 jan är lampan trasig", False),
        ("max 30 på skolgatan", False),
        ("ett liv i trygghet", False),
        ("det blev som en saga", False),
        ("vi kan klara oss själva", False),
        ("lina längs badplatsen är borta", False),
        ("björn sågs vid soptunnorna", False),
        ("Nedskräpning vid badplatsen efter helgerna.", False),
        ("Grannsamverkan fungerar bra här, fler borde vara med.", False),
    ],
)
def test_names_table(text, flagged):
    assert looks_personal(text) is flagged


COMMON = sorted(privacy.WOMEN | privacy.MEN | privacy.NICKNAMES)
WORDS = sorted(privacy.WORD_NAMES)
ORDINARY = st.sampled_from(
    [
        "det",
        "är",
        "mörkt",
        "vid",
        "skolan",
        "på",
        "kvällen",
        "timme",
        "buskar",
        "och",
        "polis",
        "lampan",
        "gångvägen",
        "trasig",
        "ofta",
        "här",
    ]
)


@given(
    before=st.lists(ORDINARY, max_size=4),
    name=st.sampled_from([n for n in COMMON if n not in privacy.WORD_NAMES]),
    after=st.lists(ORDINARY, max_size=4),
    upper=st.booleans(),
)
def test_a_common_first_name_in_any_case_is_flagged(before, name, after, upper):
    shown = name.upper() if upper else name
    assert looks_personal(" ".join([*before, shown, *after]))


@given(
    before=st.lists(ORDINARY, max_size=4),
    name=st.sampled_from(COMMON + WORDS),
    surname=st.sampled_from(
        [
            "lindqvist",
            "berg",
            "ek",
            "nyström",
            "sandgren",
            "holm",
            "lindahl",
            "hedlund",
            "karlsson",
            "nilsson",
            "forsberg",
            "sjöholm",
            "ekwall" + "son",
        ]
    ),
    after=st.lists(ORDINARY, max_size=3),
)
def test_a_first_name_and_a_surname_in_lower_case_are_flagged(before, name, surname, after):
    assert looks_personal(" ".join([*before, name, surname, *after]))


@given(
    before=st.lists(ORDINARY, max_size=4),
    word=st.sampled_from(WORDS),
    after=st.lists(ORDINARY, max_size=4),
)
def test_names_that_are_everyday_words_pass_in_lower_case(before, word, after):
    assert not looks_personal(" ".join([*before, word, *after]))
