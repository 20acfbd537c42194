"""The standard question bank: wording and answer scales compatible with Brå's Nationella
trygghetsundersökningen (NTU) and the police's local safety surveys.

The Swedish wording is the survey's content, not interface text: it must stay word for word
the same across years for trends to compare, so it is not translated here. Each question has
a stable `code`; results over the years are joined on it.

Options are (code, label, indicator[, exclusive]); `indicator` marks what the question's
headline share counts (e.g. "otrygga").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

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

MAP_QUESTION_TEXT = "Markera upp till tre platser där du känner dig otrygg"

PROBLEM_SCALE = [
    ("inget", "Inget problem", False),
    ("litet", "Litet problem", False),
    ("ganska_stort", "Ganska stort problem", True),
    ("mycket_stort", "Mycket stort problem", True),
    ("vet_inte", "Vet inte", False),
]

TRUST_SCALE = [
    ("mycket_stort", "Mycket stort förtroende", True),
    ("ganska_stort", "Ganska stort förtroende", True),
    ("ganska_litet", "Ganska litet förtroende", False),
    ("mycket_litet", "Mycket litet förtroende", False),
    ("vet_inte", "Vet inte", False),
]

BANK: list[dict] = [
    {
        "code": UNSAFE_CODE,
        "kind": "single",
        "text": (
            "Hur trygg eller otrygg känner du dig om du går ut ensam sent en kväll "
            "i ditt eget bostadsområde?"
        ),
        "required": True,
        "indicator_label": "otrygga",
        "options": [
            ("mycket_trygg", "Mycket trygg", False),
            ("ganska_trygg", "Ganska trygg", False),
            ("ganska_otrygg", "Ganska otrygg", True),
            ("mycket_otrygg", "Mycket otrygg", True),
            ("oro", "Går inte ut på kvällen av oro för att utsättas för brott", True),
            ("andra_orsaker", "Går inte ut på kvällen av andra orsaker", False),
        ],
    },
    {
        "code": BURGLARY_CODE,
        "kind": "single",
        "text": (
            "Har det under de senaste 12 månaderna hänt att du känt dig orolig för "
            "att någon ska bryta sig in i din bostad?"
        ),
        "indicator_label": "oroliga för bostadsinbrott",
        "options": [
            ("mycket_ofta", "Ja, mycket ofta", True),
            ("ganska_ofta", "Ja, ganska ofta", True),
            ("sallan", "Ja, men bara sällan", False),
            ("nej", "Nej", False),
            ("vet_inte", "Vet inte", False),
        ],
    },
    {
        "code": "change",
        "kind": "scale5",
        "text": "Hur har tryggheten i ditt bostadsområde förändrats under det senaste året?",
        "indicator_label": "som tycker att det blivit otryggare",
        "options": [
            ("mycket_battre", "Mycket tryggare", False),
            ("nagot_battre", "Något tryggare", False),
            ("oforandrad", "Oförändrad", False),
            ("nagot_samre", "Något otryggare", True),
            ("mycket_samre", "Mycket otryggare", True),
        ],
    },
    {
        "code": "problems",
        "kind": "matrix",
        "text": "Hur stort problem är följande i området där du bor?",
        "indicator_label": "som ser ett ganska eller mycket stort problem",
        "options": PROBLEM_SCALE,
        "rows": [
            ("lighting", "Dålig belysning"),
            ("vegetation", "Buskar och sly som skymmer sikten"),
            ("littering", "Nedskräpning"),
            ("vandalism", "Skadegörelse, till exempel klotter"),
            ("intoxicated", "Personer som är påverkade av alkohol eller narkotika ute"),
            ("speeding", "Fortkörning"),
        ],
    },
    {
        "code": "victim",
        "kind": "multiple",
        "text": (
            "Har du själv under de senaste 12 månaderna utsatts för något av följande "
            "i kommunen?"
        ),
        "help_text": "Välj alla som stämmer.",
        "indicator_label": "som utsatts för något brott",
        "options": [
            ("inbrott", "Inbrott eller försök till inbrott i bostaden", True),
            ("stold", "Stöld av eller från bil, cykel eller annan egendom", True),
            ("skadegorelse", "Skadegörelse", True),
            ("hot", "Hot eller trakasserier", True),
            ("vald", "Våld", True),
            ("bedrageri", "Bedrägeri", True),
            ("nej", "Nej, inget av detta", False, True),
        ],
    },
    {
        "code": "trust",
        "kind": "matrix",
        "text": "Hur stort förtroende har du för arbetet med tryggheten där du bor?",
        "indicator_label": "med stort förtroende",
        "options": TRUST_SCALE,
        "rows": [
            ("police", "Polisens arbete"),
            ("municipality", "Kommunens arbete"),
        ],
    },
    {
        "code": SAFER_CODE,
        "kind": "multiple",
        "text": "Vad skulle få dig att känna dig tryggare där du bor?",
        "help_text": "Välj alla som stämmer.",
        "options": [
            ("police", "Synligare polis", False),
            ("watch", "Grannsamverkan", False),
            ("lighting", "Bättre belysning", False),
            ("vegetation", "Röjd sly och vegetation", False),
            ("other", "Annat", False),
        ],
    },
    {
        "code": "safer_other",
        "kind": "text",
        "text": "Vad annat skulle få dig att känna dig tryggare?",
        "help_text": "Skriv inte namn, telefonnummer eller annat om enskilda personer.",
        "show_if": (SAFER_CODE, ["other"]),
    },
    {
        "code": "watch_interest",
        "kind": "single",
        "text": "Skulle du vilja vara med i grannsamverkan där du bor?",
        "indicator_label": "som vill vara med i grannsamverkan",
        "options": [
            ("ja", "Ja", True),
            ("kanske", "Kanske, jag vill veta mer", True),
            ("nej", "Nej", False),
            ("redan", "Vi har redan grannsamverkan", False),
        ],
    },
    {
        "code": MAP_CODE,
        "kind": "map",
        "text": MAP_QUESTION_TEXT,
        "help_text": (
            "Välj platsen på kartan eller beskriv den med ord. Berätta gärna vad som gör "
            "platsen otrygg och när på dygnet."
        ),
    },
    {
        "code": "comment",
        "kind": "text",
        "text": "Är det något mer du vill berätta om tryggheten där du bor?",
        "help_text": "Skriv inte namn, telefonnummer eller annat om enskilda personer.",
    },
    {
        "code": "years_lived",
        "kind": "number",
        "text": "Hur många år har du bott i kommunen?",
        "min_value": 0,
        "max_value": 110,
    },
    {
        "code": AGE_CODE,
        "kind": "single",
        "text": "Hur gammal är du?",
        "options": [
            ("16_24", "16–24 år", False),
            ("25_44", "25–44 år", False),
            ("45_64", "45–64 år", False),
            ("65_79", "65–79 år", False),
            ("80", "80 år eller äldre", False),
            ("vill_inte", "Vill inte svara", False),
        ],
    },
    {
        "code": GENDER_CODE,
        "kind": "single",
        "text": "Vilket kön har du?",
        "options": [
            ("kvinna", "Kvinna", False),
            ("man", "Man", False),
            ("annat", "Annat", False),
            ("vill_inte", "Vill inte svara", False),
        ],
    },
    {
        "code": AREA_CODE,
        "kind": "area",
        "text": "I vilket bostadsområde bor du?",
    },
]
