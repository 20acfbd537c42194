"""The standard question bank: wording and answer scales compatible with Brå's Nationella
trygghetsundersökningen (NTU) and the police's local safety surveys.

The Swedish wording is the survey's content: it is stored in Swedish and must stay word for
word the same across years for trends to compare. The texts are marked with `gettext_noop`
only so that the catalogue carries an English rendering: `shown()` translates a stored text
for English pages when it is still exactly the bank's Swedish wording, and leaves anything
staff wrote or changed as written. Each question has a stable `code`; results over the years
are joined on it.

Options are (code, label, indicator[, exclusive]); `indicator` marks what the question's
headline share counts (e.g. "otrygga").
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy, gettext_noop

# Codes the results use to break answers down by group.
AREA_CODE = "area"
AGE_CODE = "age"
GENDER_CODE = "gender"
UNSAFE_CODE = "unsafe_evening"
MAP_CODE = "unsafe_places"
BURGLARY_CODE = "burglary_worry"
SAFER_CODE = "safer"

# The headline shares' names are interface text, unlike the questions: on the results pages
# they go into whole sentences ("Andelen otrygga: 24 %"), which English mode translates.
# A name staff type for a question of their own is shown as typed.
INDICATOR_NAMES = {
    "otrygga": gettext_lazy("otrygga"),
    "oroliga för bostadsinbrott": gettext_lazy("oroliga för bostadsinbrott"),
    "som tycker att det blivit otryggare": gettext_lazy("som tycker att det blivit otryggare"),
    "som ser ett ganska eller mycket stort problem": gettext_lazy(
        "som ser ett ganska eller mycket stort problem"
    ),
    "som utsatts för något brott": gettext_lazy("som utsatts för något brott"),
    "med stort förtroende": gettext_lazy("med stort förtroende"),
    "som vill vara med i grannsamverkan": gettext_lazy("som vill vara med i grannsamverkan"),
}

MAP_QUESTION_TEXT = gettext_noop("Markera upp till tre platser där du känner dig otrygg")

PROBLEM_SCALE = [
    ("inget", gettext_noop("Inget problem"), False),
    ("litet", gettext_noop("Litet problem"), False),
    ("ganska_stort", gettext_noop("Ganska stort problem"), True),
    ("mycket_stort", gettext_noop("Mycket stort problem"), True),
    ("vet_inte", gettext_noop("Vet inte"), False),
]

TRUST_SCALE = [
    ("mycket_stort", gettext_noop("Mycket stort förtroende"), True),
    ("ganska_stort", gettext_noop("Ganska stort förtroende"), True),
    ("ganska_litet", gettext_noop("Ganska litet förtroende"), False),
    ("mycket_litet", gettext_noop("Mycket litet förtroende"), False),
    ("vet_inte", gettext_noop("Vet inte"), False),
]

BANK: list[dict] = [
    {
        "code": UNSAFE_CODE,
        "kind": "single",
        "text": gettext_noop(
            "Hur trygg eller otrygg känner du dig om du går ut ensam sent en kväll "
            "i ditt eget bostadsområde?"
        ),
        "required": True,
        "indicator_label": "otrygga",
        "options": [
            ("mycket_trygg", gettext_noop("Mycket trygg"), False),
            ("ganska_trygg", gettext_noop("Ganska trygg"), False),
            ("ganska_otrygg", gettext_noop("Ganska otrygg"), True),
            ("mycket_otrygg", gettext_noop("Mycket otrygg"), True),
            ("oro", gettext_noop("Går inte ut på kvällen av oro för att utsättas för brott"), True),
            ("andra_orsaker", gettext_noop("Går inte ut på kvällen av andra orsaker"), False),
        ],
    },
    {
        "code": BURGLARY_CODE,
        "kind": "single",
        "text": gettext_noop(
            "Har det under de senaste 12 månaderna hänt att du känt dig orolig för "
            "att någon ska bryta sig in i din bostad?"
        ),
        "indicator_label": "oroliga för bostadsinbrott",
        "options": [
            ("mycket_ofta", gettext_noop("Ja, mycket ofta"), True),
            ("ganska_ofta", gettext_noop("Ja, ganska ofta"), True),
            ("sallan", gettext_noop("Ja, men bara sällan"), False),
            ("nej", gettext_noop("Nej"), False),
            ("vet_inte", gettext_noop("Vet inte"), False),
        ],
    },
    {
        "code": "change",
        "kind": "scale5",
        "text": gettext_noop(
            "Hur har tryggheten i ditt bostadsområde förändrats under det senaste året?"
        ),
        "indicator_label": "som tycker att det blivit otryggare",
        "options": [
            ("mycket_battre", gettext_noop("Mycket tryggare"), False),
            ("nagot_battre", gettext_noop("Något tryggare"), False),
            ("oforandrad", gettext_noop("Oförändrad"), False),
            ("nagot_samre", gettext_noop("Något otryggare"), True),
            ("mycket_samre", gettext_noop("Mycket otryggare"), True),
        ],
    },
    {
        "code": "problems",
        "kind": "matrix",
        "text": gettext_noop("Hur stort problem är följande i området där du bor?"),
        "indicator_label": "som ser ett ganska eller mycket stort problem",
        "options": PROBLEM_SCALE,
        "rows": [
            ("lighting", gettext_noop("Dålig belysning")),
            ("vegetation", gettext_noop("Buskar och sly som skymmer sikten")),
            ("littering", gettext_noop("Nedskräpning")),
            ("vandalism", gettext_noop("Skadegörelse, till exempel klotter")),
            (
                "intoxicated",
                gettext_noop("Personer som är påverkade av alkohol eller narkotika ute"),
            ),
            ("speeding", gettext_noop("Fortkörning")),
        ],
    },
    {
        "code": "victim",
        "kind": "multiple",
        "text": gettext_noop(
            "Har du själv under de senaste 12 månaderna utsatts för något av följande i kommunen?"
        ),
        "help_text": gettext_noop("Välj alla som stämmer."),
        "indicator_label": "som utsatts för något brott",
        "options": [
            ("inbrott", gettext_noop("Inbrott eller försök till inbrott i bostaden"), True),
            ("stold", gettext_noop("Stöld av eller från bil, cykel eller annan egendom"), True),
            ("skadegorelse", gettext_noop("Skadegörelse"), True),
            ("hot", gettext_noop("Hot eller trakasserier"), True),
            ("vald", gettext_noop("Våld"), True),
            ("bedrageri", gettext_noop("Bedrägeri"), True),
            ("nej", gettext_noop("Nej, inget av detta"), False, True),
        ],
    },
    {
        "code": "trust",
        "kind": "matrix",
        "text": gettext_noop("Hur stort förtroende har du för arbetet med tryggheten där du bor?"),
        "indicator_label": "med stort förtroende",
        "options": TRUST_SCALE,
        "rows": [
            ("police", gettext_noop("Polisens arbete")),
            ("municipality", gettext_noop("Kommunens arbete")),
        ],
    },
    {
        "code": SAFER_CODE,
        "kind": "multiple",
        "text": gettext_noop("Vad skulle få dig att känna dig tryggare där du bor?"),
        "help_text": gettext_noop("Välj alla som stämmer."),
        "options": [
            ("police", gettext_noop("Synligare polis"), False),
            ("watch", gettext_noop("Grannsamverkan"), False),
            ("lighting", gettext_noop("Bättre belysning"), False),
            ("vegetation", gettext_noop("Röjd sly och vegetation"), False),
            ("other", gettext_noop("Annat"), False),
        ],
    },
    {
        "code": "safer_other",
        "kind": "text",
        "text": gettext_noop("Vad annat skulle få dig att känna dig tryggare?"),
        "help_text": gettext_noop(
            "Skriv inte namn, telefonnummer eller annat om enskilda personer."
        ),
        "show_if": (SAFER_CODE, ["other"]),
    },
    {
        "code": "watch_interest",
        "kind": "single",
        "text": gettext_noop("Skulle du vilja vara med i grannsamverkan där du bor?"),
        "indicator_label": "som vill vara med i grannsamverkan",
        "options": [
            ("ja", gettext_noop("Ja"), True),
            ("kanske", gettext_noop("Kanske, jag vill veta mer"), True),
            ("nej", gettext_noop("Nej"), False),
            ("redan", gettext_noop("Vi har redan grannsamverkan"), False),
        ],
    },
    {
        "code": MAP_CODE,
        "kind": "map",
        "text": MAP_QUESTION_TEXT,
        "help_text": gettext_noop(
            "Välj platsen på kartan eller beskriv den med ord. Berätta gärna vad som gör "
            "platsen otrygg och när på dygnet."
        ),
    },
    {
        "code": "comment",
        "kind": "text",
        "text": gettext_noop("Är det något mer du vill berätta om tryggheten där du bor?"),
        "help_text": gettext_noop(
            "Skriv inte namn, telefonnummer eller annat om enskilda personer."
        ),
    },
    {
        "code": "years_lived",
        "kind": "number",
        "text": gettext_noop("Hur många år har du bott i kommunen?"),
        "min_value": 0,
        "max_value": 110,
    },
    {
        "code": AGE_CODE,
        "kind": "single",
        "text": gettext_noop("Hur gammal är du?"),
        "options": [
            ("16_24", gettext_noop("16–24 år"), False),
            ("25_44", gettext_noop("25–44 år"), False),
            ("45_64", gettext_noop("45–64 år"), False),
            ("65_79", gettext_noop("65–79 år"), False),
            ("80", gettext_noop("80 år eller äldre"), False),
            ("vill_inte", gettext_noop("Vill inte svara"), False),
        ],
    },
    {
        "code": GENDER_CODE,
        "kind": "single",
        "text": gettext_noop("Vilket kön har du?"),
        "options": [
            ("kvinna", gettext_noop("Kvinna"), False),
            ("man", gettext_noop("Man"), False),
            ("annat", gettext_noop("Annat"), False),
            ("vill_inte", gettext_noop("Vill inte svara"), False),
        ],
    },
    {
        "code": AREA_CODE,
        "kind": "area",
        "text": gettext_noop("I vilket bostadsområde bor du?"),
    },
]


def _bank_strings() -> frozenset[str]:
    found = set()
    for item in BANK:
        found.update(filter(None, [item["text"], item.get("help_text")]))
        found.update(option[1] for option in item.get("options", []))
        found.update(label for _code, label in item.get("rows", []))
    return frozenset(found)


BANK_STRINGS = _bank_strings()


def shown(text: str) -> str:
    """A stored question, option or row text in the page's language: the bank's own Swedish
    wording through the catalogue, anything else as it was written."""
    return gettext(text) if text in BANK_STRINGS else text
