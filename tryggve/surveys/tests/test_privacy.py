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
