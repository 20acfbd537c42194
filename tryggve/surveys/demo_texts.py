"""The demo's free-text answers: invented, in the Swedish residents write (compounds, typos,
no capitals, dialect words), so that the themes have something real-looking to group.

Drawn with their own seeded generator, so adding texts changes none of the demo's other
answers. The weights make the promise's three wishes come out on top, as they did in the
municipality's own survey: visible police, more neighbourhood watch, and lighting and
cleared vegetation; the worry about burglary follows them.
"""

from __future__ import annotations

import random

SEED = 2027

# Phrases per intended theme, with the theme's weight. Several phrases touch two themes,
# as real answers do.
PHRASES: dict[str, tuple[int, tuple[str, ...]]] = {
    "polisnarvaro": (
        30,
        (
            "Mer synlig polis, man ser aldrig en polisbil här.",
            "Fler poliser ute på kvällarna skulle göra stor skillnad",
            "Polisnärvaro i centrum på helgerna!",
            "polisen borde patrullera oftare, närmsta polisstation är långt bort",
            "Det vore tryggt med poliser som går runt och pratar med folk.",
            "mer polis. punkt.",
            "Synliga poliser vid busstationen på fredagskvällarna",
            "Önskar att lokalpolisen syntes mer, inte bara när något hänt",
            "Ordningsvakter eller polis vid torget när det är marknad",
            "poliserna kommer för sent när man ringer, det tar en timme",
            "Mer närvarande polis, även i byarna utanför tätorten.",
        ),
    ),
    "grannsamverkan": (
        24,
        (
            "Starta grannsamverkan på vår gata, vi är flera som vill vara med.",
            "Grannsamverkan! Vi håller redan koll på varandras hus när någon är bortrest.",
            "Fler grannsamverkansområden i kommunen",
            "att grannarna känner varandra och säger till om något konstigt",
            "Vi skulle behöva grannsamverkan i radhusområdet, kan ställa upp som kontaktombud",
            "grannsamverkan och skyltar vid infarten",
            "Bättre kontakt med grannarna, många nya som flyttat in",
            "Ring mig gärna på 070-123 45 67 om grannsamverkan startar här.",
        ),
    ),
    "belysning": (
        22,
        (
            "Gatubelysningen på cykelvägen till skolan är trasig sedan i höstas.",
            "Det är kolsvart vid gångtunneln, bättre belysning behövs",
            "mörkt på vägen hem från jobbet, flera lampor är släckta",
            "Fler gatlampor vid parkeringen bakom affären",
            "belysnig vid lekparken!!",
            "Lyktstolparna längs älven lyser inte på vintern",
            "Tänd belysningen i parken hela natten, det är mörkt redan kl 15 i december",
            "mörkret är det värsta, man ser inte vem som kommer",
            "Upplysta gångvägar och mindre mörka hörn",
        ),
    ),
    "vegetation": (
        21,
        (
            "Röj slyet längs gångvägen, man ser ingenting",
            "Buskagen vid busshållplatsen har vuxit igen, går inte att se om någon står där.",
            "klipp häckarna vid skolan, det är igenvuxet",
            "Slyröjning runt elljusspåret",
            "Träden vid stigen skymmer gatlyktorna så det blir mörkt",
            "Igenvuxna buskar bakom idrottshallen, där känns det obehagligt.",
            "röj skogsdungen mellan husen",
        ),
    ),
    "inbrott": (
        10,
        (
            "Orolig för inbrott i förrådet, det var flera inbrott i fjol",
            "Inbrottsvågen i villaområdet förra vintern gör att man låser allt",
            "Någon har stulit cyklar ur cykelförrådet två gånger",
            "tjuvar i sommarstugorna, ingen märker något",
            "bostadsinbrotten oroar mig mest",
        ),
    ),
    "ungdomar": (
        6,
        (
            "Ungdomsgäng som hänger vid macken på kvällarna",
            "Mer för ungdomarna att göra, fritidsgården har för kort öppettid",
            "tonåringar som kör runt och skriker sent på natten",
        ),
    ),
    "trafik": (
        7,
        (
            "Buskörning med epatraktorer på Storgatan varje fredag",
            "Bilarna kör alldeles för fort förbi skolan, farthinder behövs",
            "skotrar som kör över gångvägen på vintern",
            "Farligt övergångsställe vid korsningen mot centrum",
        ),
    ),
    "nedskrapning": (
        5,
        (
            "Klotter och krossat glas vid tunneln",
            "Nedskräpningen vid återvinningen är tråkig",
            "skadegörelse på busskuren igen",
        ),
    ),
    "alkohol_droger": (
        4,
        (
            "Berusade personer utanför pizzerian på helgerna",
            "det säljs knark öppet vid skolan sägs det",
        ),
    ),
    "ovrigt": (
        8,
        (
            "Bra att ni frågar!",
            "Inget särskilt, jag trivs här.",
            "Lösa hundar på promenadstråket",
            "polsien syns aldri här",
            "Snöröjningen av trottoarerna är dålig, man halkar",
            "Vet inte.",
        ),
    ),
}


def comment(rng: random.Random) -> str:
    """One resident's free text: one phrase, sometimes two of different themes."""
    themes = list(PHRASES)
    weights = [PHRASES[t][0] for t in themes]
    count = 2 if rng.random() < 0.3 else 1
    chosen = []
    while len(chosen) < count:
        theme = rng.choices(themes, weights)[0]
        if theme not in chosen:
            chosen.append(theme)
    return " ".join(rng.choice(PHRASES[t][1]) for t in chosen)


def add_comments(rows: list[dict[str, str]], rng: random.Random, share: float = 0.5) -> None:
    """Give about `share` of the respondents a free-text comment (in place)."""
    for row in rows:
        row["comment"] = comment(rng) if rng.random() < share else ""
