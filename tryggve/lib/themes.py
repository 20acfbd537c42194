"""Free text grouped into themes by a Swedish lexicon with stemming. (No Django needed.)

Used for the survey's free-text answers and, later, the e-service reports' free text, so
both speak of the same themes. A text is normalised (Unicode NFC, lower case, å/ä/ö kept,
everything but letters is a word break), every word is stemmed with the Snowball Swedish
stemmer (`snowballstemmer`, generated from the official Snowball source, so it is the
algorithm itself rather than a copy of it), and each stem is matched against the lexicon:

1. **The whole stem.** An exact hit wins and ends the search, so the lexicon can settle a
   compound that would otherwise be read by its parts ("buskörning" is traffic, not bushes;
   "snöröjning" is no theme at all, not vegetation).
2. **Compound parts.** Swedish writes compounds as one word ("gatubelysningen",
   "inbrottsvåg", "polisnärvaro"). A lexicon stem of at least `PART_MIN` letters matches
   anywhere in a word's stem when what stands before and after it is either nothing or at
   least `REST_MIN` letters (a plausible other part, "gatu|belysning", "polis|närvaro"), so
   "rån" can never be found inside "från".
3. **One typo.** Stems of at least `TYPO_MIN` letters from the built-in lexicon also match a
   word one letter off (missing, extra, wrong or two swapped letters: "belysnig",
   "trafikk"), found with deletion variants (no distance computed per pair).

Learned terms (stems staff taught through corrections) take part in 1 and 2 but not 3, so
a learned stem always occurs letter for letter in every text it matches; the surveys app
relies on that to re-read only the texts that contain a changed stem.

A text with words but no theme gets `OTHER` ("övrigt"). Negation is not handled ("inte
mörkt" is still about lighting), which suits counting what people write about.

Speed: each distinct word is stemmed once per process (`stem`, cached) and classified once
per lexicon (`Lexicon.word_themes`, cached), so a hundred thousand short answers cost
little more than splitting them into words.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer


def gettext_noop(message: str) -> str:
    """Marks a Swedish name for translation without importing Django; callers translate."""
    return message


PART_MIN = 4
REST_MIN = 3
TYPO_MIN = 6
OTHER = "ovrigt"


@dataclass(frozen=True)
class Theme:
    code: str  # stable: stored with answers and corrections, never renamed
    name: str  # Swedish, marked for translation
    words: tuple[str, ...]  # written as people write them; stemmed when the lexicon loads


# The word lists are packed by hand, one theme a block.
# fmt: off
THEMES: tuple[Theme, ...] = (
    Theme(
        "belysning",
        gettext_noop("Belysning"),
        (
            "belysning", "belysningen", "belyst", "belysta", "gatubelysning", "lampa",
            "lampor", "lamporna", "gatlampa", "gatlykta", "gatlyktor", "lykta", "lyktstolpe",
            "ljus", "ljuset", "ljust", "ljusare", "upplyst", "upplysta", "mörk", "mörkt",
            "mörka", "mörker", "mörkret", "lyser", "lysa", "släckt", "släckta", "tänd",
            "tända", "strålkastare",
        ),
    ),
    Theme(
        "vegetation",
        gettext_noop("Vegetation och sly"),
        (
            "vegetation", "vegetationen", "växtlighet", "växtligheten", "sly", "slyet", "slyn",
            "buske", "buskar", "buskarna", "buskage", "buskagen", "snår", "snårig", "träd",
            "träden", "trädet", "häck", "häckar", "grenar", "grenarna", "röja", "röjas",
            "röjd", "röjt", "röjning", "igenvuxen", "igenvuxet", "igenvuxna", "gräs",
            "gräset", "klippa", "klippas", "klippt", "dunge", "skog", "skogen", "skogsdunge",
        ),
    ),
    Theme(
        "polisnarvaro",
        gettext_noop("Synlig polis"),
        (
            "polis", "polisen", "poliser", "poliserna", "polisbil", "närvaro", "närvarande",
            "patrull", "patrullera", "patrullerar", "ordningsvakt", "ordningsvakter",
            "väktare", "vakter",
        ),
    ),
    Theme(
        "grannsamverkan",
        gettext_noop("Grannsamverkan"),
        (
            "grannsamverkan", "granne", "grannar", "grannarna", "grannskap", "grannskapet",
            "kontaktombud", "grannstöd",
        ),
    ),
    Theme(
        "inbrott",
        gettext_noop("Inbrott och stölder"),
        (
            "inbrott", "inbrotten", "inbrottet", "tjuv", "tjuvar", "tjuvarna", "stöld",
            "stölder", "stjäl", "stjäla", "stulen", "stulet", "stulna", "stulits",
            "bostadsinbrott", "larm", "hemlarm", "lås", "låsa", "låst", "rånad", "rån",
        ),
    ),
    Theme(
        "ungdomar",
        gettext_noop("Ungdomar"),
        (
            "ungdom", "ungdomar", "ungdomarna", "ungdomsgäng", "unga", "ungar", "tonåring",
            "tonåringar", "gäng", "gänget", "fritidsgård", "fritidsgården", "nattvandring",
            "nattvandrare",
        ),
    ),
    Theme(
        "trafik",
        gettext_noop("Trafik"),
        (
            "trafik", "trafiken", "bil", "bilar", "bilarna", "bilist", "bilister", "fart",
            "farten", "fortkörning", "hastighet", "hastigheten", "rattfylla", "rattfylleri",
            "övergångsställe", "farthinder", "gupp", "cyklist", "cyklister", "moped",
            "mopeder", "epa", "epatraktor", "epatraktorer", "skoter", "skotrar", "buskörning",
            "buskörningen", "buskörare", "trottoar", "trottoaren", "korsning", "korsningen",
            "trafikljus", "lastbil", "lastbilar", "kör", "köra",
        ),
    ),
    Theme(
        "nedskrapning",
        gettext_noop("Nedskräpning och skadegörelse"),
        (
            "skräp", "skräpet", "skräpig", "nedskräpning", "nedskräpat", "sopor", "soporna",
            "klotter", "klottret", "klottrar", "klottrat", "skadegörelse", "vandalisering",
            "förstört", "förstörda", "sönder", "krossad", "krossat", "krossade", "glassplitter",
        ),
    ),
    Theme(
        "alkohol_droger",
        gettext_noop("Alkohol och droger"),
        (
            "alkohol", "sprit", "berusad", "berusade", "fylla", "fyllan", "fyllo", "fyllon",
            "drog", "droger", "drogerna", "knark", "narkotika", "hasch",
            "langning", "langare", "sprutor", "rattfylla", "rattfylleri",
        ),
    ),
    Theme(OTHER, gettext_noop("Övrigt"), ()),
)
# fmt: on
THEME_CODES: tuple[str, ...] = tuple(t.code for t in THEMES)
THEME_NAMES: dict[str, str] = {t.code: t.name for t in THEMES}

# Compounds that must not be read by their parts and carry no theme of their own.
NO_THEME_WORDS = ("snöröjning", "snöröjningen", "snöröja", "ljusår", "frånvaro", "gräslig")

# Snowball's Swedish stop words, and words that every answer about safety uses: none of
# them tells a theme, so corrections never teach them.
_STOP_TEXT = """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
    icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
    något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
    någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
    blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom
    mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra
    ert era vilkas
    trygg trygga tryggt tryggare trygghet tryggheten otrygg otrygga otryggt otryggare
    otrygghet känna känner känns kände tycker tror bo bor boende område området områden
    bostadsområde bostadsområdet kommun kommunen arvidsjaur bättre sämre mer mera fler flera
    mindre behövs behöver behov vill ville göra gör gjort bra dåligt dålig tack kväll
    kvällen kvällar kvällarna natt natten nätter dag dagen ute gå går gick hem hemma folk
    också lite väldigt jätte saker sak finns fanns ska får kunna sen även just bara ofta
    alltid aldrig ibland gärna nog dock redan igen annars snart kanske hela helt ganska
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

WORD_RE = re.compile(r"[^\W\d_]+")
_local = threading.local()


def normalise(text: str) -> str:
    """NFC and lower case (å/ä/ö kept as letters); the caller splits on non-letters."""
    return unicodedata.normalize("NFC", text or "").lower()


def words(text: str) -> list[str]:
    """The text's words, normalised; digits, punctuation and hyphens break words."""
    return WORD_RE.findall(normalise(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball Swedish stem of a normalised word (cached: words repeat a lot)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a stemmer keeps state while it works: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return stemmer.stemWord(word)


def _deletions(value: str) -> set[str]:
    return {value[:i] + value[i + 1 :] for i in range(len(value))}


@lru_cache(maxsize=1)
def builtin_stems() -> dict[str, frozenset[str]]:
    """Stem -> the built-in themes it signals (a stem may signal more than one)."""
    table: dict[str, set[str]] = {}
    for theme in THEMES:
        for phrase in theme.words:
            for word in words(phrase):
                if word not in STOP_WORDS:
                    table.setdefault(stem(word), set()).add(theme.code)
    for word in NO_THEME_WORDS:
        table.setdefault(stem(word), set())
    return {key: frozenset(value) for key, value in table.items()}


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    return frozenset(stem(word) for word in STOP_WORDS)


@lru_cache(maxsize=1)
def _typo_table() -> dict[str, frozenset[str]]:
    """Each built-in stem of TYPO_MIN letters or more, and its deletion variants, -> themes."""
    table: dict[str, set[str]] = {}
    for key, codes in builtin_stems().items():
        if len(key) >= TYPO_MIN and codes:
            for variant in {key} | _deletions(key):
                table.setdefault(variant, set()).update(codes)
    return {key: frozenset(value) for key, value in table.items()}


class Lexicon:
    """The built-in lexicon plus a municipality's learned terms, with a cache per word."""

    def __init__(self, learned: Iterable[tuple[str, str]] = ()):
        exact = {key: set(codes) for key, codes in builtin_stems().items()}
        for code, learned_stem in learned:
            if code in THEME_NAMES and code != OTHER and learned_stem:
                exact.setdefault(learned_stem, set()).add(code)
        self.exact = {key: frozenset(codes) for key, codes in exact.items()}
        self.parts = {k: v for k, v in self.exact.items() if len(k) >= PART_MIN and v}
        self._typos = _typo_table()
        self._cache: dict[str, frozenset[str]] = {}

    def stem_themes(self, word_stem: str) -> frozenset[str]:
        """The themes one stem signals: whole stem, else compound parts, else one typo."""
        if word_stem in self.exact:
            return self.exact[word_stem]
        found: set[str] = set()
        n = len(word_stem)
        for start in [0, *range(REST_MIN, n - PART_MIN + 1)]:
            for end in range(start + PART_MIN, n + 1):
                if end != n and n - end < REST_MIN:
                    continue
                codes = self.parts.get(word_stem[start:end])
                if codes:
                    found |= codes
        if not found and n >= TYPO_MIN - 1:
            for variant in {word_stem} | _deletions(word_stem):
                found |= self._typos.get(variant, frozenset())
        return frozenset(found)

    def word_themes(self, word: str) -> frozenset[str]:
        """The themes of one normalised word (cached per lexicon)."""
        codes = self._cache.get(word)
        if codes is None:
            codes = frozenset() if word in STOP_WORDS else self.stem_themes(stem(word))
            self._cache[word] = codes
        return codes

    def classify(self, text: str) -> tuple[str, ...]:
        """The text's themes in the lexicon's order; `OTHER` alone when none matched, and
        nothing for a text without words."""
        tokens = words(text)
        if not tokens:
            return ()
        found: set[str] = set()
        cache = self._cache  # the hot loop: a dictionary look-up per word, mostly
        for word in tokens:
            codes = cache.get(word)
            if codes is None:
                codes = self.word_themes(word)
            if codes:
                found |= codes
        if not found:
            return (OTHER,)
        return tuple(code for code in THEME_CODES if code in found)

    def known(self, word_stem: str) -> bool:
        """Does the lexicon already read this stem (as a whole, a part or a typo)?"""
        return bool(self.stem_themes(word_stem)) or word_stem in self.exact


def content_stems(text: str) -> list[str]:
    """The distinct stems of a text's content words, in order: no stop words, nothing
    shorter than PART_MIN letters (short stems are too ambiguous to learn)."""
    stops = stop_stems()
    result: dict[str, None] = {}
    for word in words(text):
        if word in STOP_WORDS:
            continue
        word_stem = stem(word)
        if len(word_stem) >= PART_MIN and word_stem not in stops:
            result[word_stem] = None
    return list(result)


def classify(text: str) -> tuple[str, ...]:
    """The themes of a text by the built-in lexicon alone."""
    return _builtin_lexicon().classify(text)


@lru_cache(maxsize=1)
def _builtin_lexicon() -> Lexicon:
    return Lexicon()
