"""Does a free-text answer look like it names or reaches a person? (No Django needed.)

A flag only hides the text from every public page and marks it for staff; a false alarm
costs nothing, a miss could publish a neighbour's name, so the checks lean towards flagging.
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\.[\w-]+)+", re.IGNORECASE)
# Seven or more digits, allowing the spaces, dashes and brackets of written phone numbers.
PHONE_RE = re.compile(r"(?:\+|\b)\d(?:[\s\-()/]*\d){6,}")
# Two capitalised words in a row that do not start a sentence: "Anna Berg", "hos Kalle Ek".
NAME_PAIR_RE = re.compile(r"(?<![.!?]\s)\b[A-ZÅÄÖ][a-zåäöé]+\s+[A-ZÅÄÖ][a-zåäöé]+")
# Common Swedish first names, checked on their own (a name alone can identify a neighbour).
FIRST_NAMES = {
    "anna", "eva", "maria", "karin", "kristina", "lena", "sara", "emma", "elin", "ida",
    "johanna", "sofia", "malin", "linda", "hanna", "ingrid", "marie", "birgitta", "margareta",
    "lars", "anders", "johan", "per", "erik", "karl", "peter", "jan", "thomas", "daniel",
    "fredrik", "hans", "mikael", "bengt", "nils", "magnus", "stefan", "mats", "oskar", "lasse",
    "kalle", "pelle", "olle", "nisse", "janne", "ahmed", "mohammed", "ali", "niklas", "jonas",
}
WORD_RE = re.compile(r"\b[A-ZÅÄÖ][a-zåäö]+\b")


def looks_personal(text: str) -> bool:
    """True when the text has what looks like an e-mail address, phone number or name."""
    if not text:
        return False
    if EMAIL_RE.search(text) or PHONE_RE.search(text):
        return True
    if NAME_PAIR_RE.search(text.strip()):
        return True
    return any(word.lower() in FIRST_NAMES for word in WORD_RE.findall(text))
