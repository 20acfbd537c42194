"""Does a free-text answer look like it names or reaches a person? (No Django needed.)

A flag only hides the text from every public page and marks it for staff; a false alarm
costs nothing, a miss could publish a neighbour's name, so the checks lean towards flagging.

What is flagged:

- an e-mail address or a phone number (seven digits or more);
- two capitalised words in a row that do not start a sentence ("hos Kalle Ek");
- one of Sweden's common first names or nicknames (`FIRST_NAMES`, about the hundred most
  common for women and for men, and the usual short forms) as a whole word, in any case:
  "jag bor bredvid anna", "kalle på hörnet skräpar ner";
- a first name followed by a surname-like word, in any case ("per lindqvist", "bo ek"):
  a word ending as Swedish surnames do (`SURNAME_ENDINGS`: -son, -berg, -ström, -lund,
  -qvist/-kvist, -gren, -dahl, -holm, -ling, …) or a common short surname (`SURNAMES`);
- a surname ending in -sson on its own ("familjen andersson"): no ordinary word ends so.

**Names that are also ordinary words** (`WORD_NAMES`: "per" as in "per timme", "jan" as
in "12 jan", "bo" as in "att bo", "hans" (his), "stig" (path), "sten" (stone), "björn"
(bear), "liv" (life), "saga" (fairy tale), "klara" (manage), "lina" (rope), "max" (at
most), "axel", "iris", "urban", "maj" (May), "vide" (willow)) are flagged only when
written with a capital letter, anywhere in the text (so "Hans bil" at the start of a
sentence is flagged, which is the safe side), or when a surname-like word follows.
Otherwise "30 km per timme", "en stig genom skogen" or "hans bil" would hide half the
answers from the public theme counts and bury staff in false alarms.
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\.[\w-]+)+", re.IGNORECASE)
# Seven or more digits, allowing the spaces, dashes and brackets of written phone numbers.
PHONE_RE = re.compile(r"(?:\+|\b)\d(?:[\s\-()/]*\d){6,}")
# Two capitalised words in a row that do not start a sentence: "Anna Berg", "hos Kalle Ek".
NAME_PAIR_RE = re.compile(r"(?<![.!?]\s)\b[A-ZÅÄÖ][a-zåäöé]+\s+[A-ZÅÄÖ][a-zåäöé]+")
# A word: letters only (digits and underscores break words), with its position.
WORD_RE = re.compile(r"[^\W\d_]+")
# Between a first name and a surname: spaces, or a hyphen ("anna-lena berg").
GAP_RE = re.compile(r"[\s-]+")

# About the hundred most common first names of women and of men in Sweden (SCB's name
# statistics), and the nicknames people use for neighbours. Lower case, accents as written.
WOMEN = {
    "agneta", "agnes", "alice", "alma", "alva", "amanda", "ann", "anna", "anneli",
    "annelie", "anette", "anita", "annika", "astrid", "barbro", "berit", "birgitta", "britt",
    "camilla", "carina", "caroline", "cecilia", "charlotte", "ebba", "elin", "elisabeth",
    "ella", "ellen", "elsa", "elvira", "emelie", "emilia", "emma", "erika", "ester", "eva",
    "ewa", "felicia", "freja", "frida", "greta", "gun", "gunilla", "gunnel", "hanna",
    "helena", "ida", "inger", "ingela", "ingrid", "irene", "jennie", "jenny", "jessica",
    "johanna", "josefin", "julia", "karin", "katarina", "kerstin", "kristina", "lena",
    "linda", "linnea", "linnéa", "lisa", "louise", "lovisa", "madeleine", "maja", "malin",
    "margareta", "maria", "marianne", "marie", "matilda", "mia", "moa", "mona", "märta",
    "nathalie", "nora", "olivia", "pia", "ronja", "sandra", "sara", "selma", "signe",
    "siv", "sofia", "solveig", "stina", "susanne", "therese", "tilda", "tove", "tyra",
    "ulla", "vera", "viktoria", "wilma", "yvonne", "åsa",
}
MEN = {
    "adam", "ahmed", "albin", "alexander", "alfred", "ali", "anders", "andreas", "anton",
    "arne", "arvid", "bengt", "bo", "björn", "carl", "christer", "christian", "claes",
    "daniel", "david", "dennis", "ebbe", "elias", "elliot", "emil", "erik", "filip",
    "fredrik", "gunnar", "gustaf", "gustav", "göran", "hans", "hassan", "henrik", "hugo",
    "håkan", "ingvar", "isak", "jakob", "jan", "jesper", "jimmy", "joakim", "johan",
    "johnny", "jonas", "jonathan", "jörgen", "karl", "kent", "kevin", "kjell", "kurt",
    "lars", "lennart", "leif", "leo", "liam", "linus", "lucas", "ludvig", "magnus", "malte",
    "marcus", "martin", "mats", "mattias", "melvin", "mikael", "mohamed", "mohammad",
    "mohammed", "muhammad", "niklas", "nils", "noah", "olof", "oliver", "omar", "oskar",
    "ove", "patrik", "per", "peter", "rasmus", "robert", "robin", "roger", "rolf", "rune",
    "sebastian", "simon", "sixten", "stefan", "sten", "stig", "sven", "theo", "thomas",
    "tobias", "tomas", "tommy", "torbjörn", "ulf", "urban", "viktor", "vincent", "william",
    "åke",
}
NICKNAMES = {
    "affe", "anki", "bettan", "bosse", "danne", "fredde", "gurra", "hasse", "janne", "jocke",
    "jonte", "kalle", "kenta", "kicki", "lasse", "lotta", "ludde", "micke", "mange", "nicke",
    "nisse", "olle", "pelle", "putte", "robban", "sigge", "stickan", "sussie", "tobbe",
    "tompa", "totte",
}
# Names that are also everyday Swedish words: flagged only when capitalised or followed by
# a surname-like word (see the module's docstring).
WORD_NAMES = {
    "axel", "bo", "björn", "hans", "iris", "jan", "klara", "lina", "liv", "maj", "max",
    "per", "saga", "sten", "stig", "urban", "vide",
}
FIRST_NAMES = WOMEN | MEN | NICKNAMES | WORD_NAMES
# How Swedish surnames end, and common surnames too short or plain to end so.
SURNAME_ENDINGS = (
    "son", "berg", "ström", "strom", "lund", "qvist", "kvist", "quist", "gren", "dahl",
    "holm", "ling", "stedt", "blad", "borg", "fors",
)
# Everyday words that end like surnames ("en gång per person").
NOT_SURNAMES = {"person", "säsong", "reson", "förälskling", "älskling", "kvarling"}
SURNAMES = {
    "ek", "lind", "berg", "holm", "falk", "björk", "blom", "nord", "strand", "sund", "ström",
    "öberg", "åberg", "ahl", "alm", "ask", "dahl", "hall", "hedin", "lundin", "nyberg",
    "sandberg", "wallin", "engström", "lindgren", "jansson", "persson", "nilsson", "svensson",
}
# A word of at least this many letters ending in a surname ending counts as surname-like
# ("berg" itself is in SURNAMES; "in" or "by" alone are words).
SURNAME_MIN_LETTERS = 5


def _surname_like(word: str) -> bool:
    word = word.lower()
    if word in NOT_SURNAMES:
        return False
    if word in SURNAMES:
        return True
    return len(word) >= SURNAME_MIN_LETTERS and word.endswith(SURNAME_ENDINGS)


def _names_someone(text: str) -> bool:
    words = list(WORD_RE.finditer(text))
    for i, match in enumerate(words):
        word = match.group(0)
        lower = word.lower()
        if len(lower) >= 7 and lower.endswith("sson"):
            return True  # "andersson", "karlsson": no ordinary word ends so
        if lower not in FIRST_NAMES:
            continue
        if lower not in WORD_NAMES or word[0].isupper():
            return True
        if i + 1 < len(words):
            following = words[i + 1]
            gap = text[match.end() : following.start()]
            if GAP_RE.fullmatch(gap) and _surname_like(following.group(0)):
                return True
    return False


def looks_personal(text: str) -> bool:
    """True when the text has what looks like an e-mail address, phone number or name."""
    if not text:
        return False
    if EMAIL_RE.search(text) or PHONE_RE.search(text):
        return True
    if NAME_PAIR_RE.search(text.strip()):
        return True
    return _names_someone(text)
