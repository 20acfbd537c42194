"""The demo's follow-up: Arvidsjaur's promise (its real text and four commitments) with a
year of invented activities and progress, manual indicator values and two dialogues.

Everything is marked as demo data. Dates are laid out over the current calendar year; what
would lie after today is left out (an activity not yet due is planned or ongoing), so the
demo reads as the year so far whenever it is loaded. Called by `load_demo`; safe to repeat.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from tryggve.accounts.roles import Role
from tryggve.areas.models import Municipality
from tryggve.followup.models import (
    ActivityStatus,
    EvidenceKind,
    ManualIndicator,
    Party,
    Promise,
)
from tryggve.followup.services import (
    activity_create,
    activity_set_status,
    activity_update_create,
    dialogue_create,
    evidence_link_add,
    manual_indicator_create,
    manual_indicator_entry_add,
    promise_create,
)
from tryggve.reports.models import Category
from tryggve.surveys.models import Survey
from tryggve.watch.models import WatchArea

TITLE = "Medborgarlöften för Arvidsjaur"
POLICE_AREA = "LPO Piteå Älvdal"
INTRO = (
    "Lokalpolisområde Piteå Älvdal och Arvidsjaur kommun lovar att gemensamt arbeta för att "
    "öka tryggheten och minska brottsligheten genom följande aktiviteter:\n\n"
    "Lokala medborgarlöften är en del av samverkansavtalet som finns mellan kommunen och "
    "Polismyndigheten. I arbetet med att ta fram medborgarlöften ska medborgarna göras "
    "delaktiga och ges möjlighet att påverka inriktningen på det brottsförebyggande och "
    "trygghetsskapande arbetet i kommunen."
)
# The four commitments, in the promise's own words.
COMMITMENTS = [
    (
        "Polisens ökade synlighet och närvaro",
        "Eftersom polisen i dagsläget inte vet vilka ökande polisresurser som eventuellt kan "
        "komma till kommunen under de närmsta åren, så är tanken att arbeta mer synligt efter "
        "den lokala problembilden med de resurser vi har.",
    ),
    (
        "Grannsamverkan",
        "Kommunen och polisen kommer att erbjuda fler områden att starta upp grannsamverkan. "
        "Det bygger på att minst 70 % av de boende i området vill ansluta sig till "
        "grannsamverkan och att någon tar sig an rollen som kontaktombud. De områden som kommer "
        "att erbjudas är de som tas fram genom statistik över de mest utsatta områdena.",
    ),
    (
        "Trygga fysiska platser",
        "Kommunen ska skapa en ny e-tjänst där medborgarna kan lämna synpunkter på platser som "
        "på grund av sin fysiska miljö känns otrygga.",
    ),
    (
        "Uppföljning",
        "Sker kontinuerligt i Hälsa- och trygghetsrådet med rapportering till chef för "
        "lokalpolisområdet samt kommunalråd. En skriftlig sammanställning görs senast till "
        "Hälsa- och trygghetsrådets sista möte för året.",
    ),
]
# Invented names (the demo is labelled as such on every page).
SIGNATORIES = [
    ("Karin Öberg", "Kommunstyrelsens ordförande, Arvidsjaurs kommun"),
    ("Johan Lundmark", "Chef för lokalpolisområde Piteå Älvdal"),
]

# (commitment, title, party, person, start month, end month, final status, reason,
#  [(month, day, progress text, percent, published)], evidence kind or "")
ACTIVITIES = [
    (
        0,
        "Synlig närvaro i centrum fredag och lördag kväll",
        Party.POLICE,
        "Per Polis, kommunpolis",
        1,
        12,
        ActivityStatus.ONGOING,
        "",
        [
            (2, 10, "Patrull i centrum varannan fredag och lördag kväll sedan januari.", 15, True),
            (
                5,
                20,
                "Närvaron har följt veckans förslag i lägesbilden; flest timmar runt "
                "busstationen och Storgatan.",
                45,
                True,
            ),
            (
                9,
                15,
                "Sommarens evenemang bemannades; i snitt sex timmar per helg i centrum.",
                75,
                True,
            ),
        ],
        EvidenceKind.PRESENCE,
    ),
    (
        0,
        "Polisen på plats vid skolstart och vid Arvidsjaurs marknad",
        Party.POLICE,
        "Per Polis, kommunpolis",
        6,
        8,
        ActivityStatus.DONE,
        "",
        [(8, 25, "Polisen fanns på plats vid marknaden och första skolveckan.", 100, True)],
        "",
    ),
    (
        0,
        "Medborgardialog med polisen i Glommersträsk",
        Party.BOTH,
        "Per Polis och Hanna Handläggare",
        3,
        4,
        ActivityStatus.POSTPONED,
        "Flyttas till hösten när byaföreningen kan stå värd.",
        [],
        "",
    ),
    (
        1,
        "Erbjuda grannsamverkan i de mest utsatta områdena",
        Party.BOTH,
        "Hanna Handläggare, trygghetssamordnare",
        2,
        10,
        ActivityStatus.ONGOING,
        "",
        [
            (3, 5, "Tre områden valda ur rankningen av bostadsinbrott och erbjudna.", 30, True),
            (6, 12, "Startmöte hållet i det första området; kontaktombud utsedda.", 60, True),
        ],
        EvidenceKind.WATCH_AREA,
    ),
    (
        1,
        "Skyltar till nystartade områden",
        Party.MUNICIPALITY,
        "Gatuenheten",
        5,
        9,
        ActivityStatus.DONE,
        "",
        [(9, 3, "Skyltarna är uppsatta i de startade områdena.", 100, False)],
        "",
    ),
    (
        2,
        "Öppna e-tjänsten för otrygga platser",
        Party.MUNICIPALITY,
        "Hanna Handläggare, trygghetssamordnare",
        1,
        3,
        ActivityStatus.DONE,
        "",
        [(2, 1, "E-tjänsten är öppen och har marknadsförts på kommunens webbplats.", 100, True)],
        EvidenceKind.REPORT_SET,
    ),
    (
        2,
        "Laga belysning och röja sly där invånarna rapporterat",
        Party.MUNICIPALITY,
        "Gatuenheten och parkenheten",
        3,
        11,
        ActivityStatus.ONGOING,
        "",
        [
            (5, 30, "Elva trasiga gatlampor lagade efter rapporter i e-tjänsten.", 40, True),
            (9, 30, "Sly röjt längs gångvägen mot skolan och bakom lekplatsen.", 70, True),
        ],
        EvidenceKind.REPORT_SET,
    ),
    (
        2,
        "Trygghetsvandring i Centrum",
        Party.BOTH,
        "Hanna Handläggare",
        4,
        5,
        ActivityStatus.CANCELLED,
        "Ersatt av rapporterna i e-tjänsten och en vandring med fritidsgården i höst.",
        [],
        "",
    ),
    (
        3,
        "Lägesrapport till Hälsa- och trygghetsrådet",
        Party.BOTH,
        "Hanna Handläggare och Per Polis",
        1,
        12,
        ActivityStatus.ONGOING,
        "",
        [
            (3, 20, "Första lägesrapporten lämnad till rådet.", 25, True),
            (6, 15, "Andra lägesrapporten: grannsamverkan och e-tjänsten i fokus.", 50, True),
            (10, 10, "Tredje lägesrapporten, med årets trygghetsenkät.", 75, False),
        ],
        EvidenceKind.SURVEY,
    ),
    (
        3,
        "Skriftlig sammanställning till rådets sista möte",
        Party.MUNICIPALITY,
        "Hanna Handläggare",
        10,
        12,
        ActivityStatus.PLANNED,
        "",
        [],
        "",
    ),
]

INDICATORS = [
    (
        "Lagade gatlampor",
        "Gatlampor som gatuenheten lagat efter en rapport eller en "
        "trygghetsvandring, räknat per månad.",
        2,
        "Gatuenhetens arbetsorder",
        [3, 5, 2, 4, 6, 1, 2, 3, 4, 3, 2, 1],
    ),
    (
        "Genomförda trygghetsvandringar",
        "Trygghetsvandringar där invånare och personal gått ett område tillsammans.",
        3,
        "Trygghetssamordnarens anteckningar",
        [0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0],
    ),
]


# What residents asked for that each demo activity answers (`lib.themes` codes), so that
# "Du sa, vi gjorde" on the public page pairs the demo survey's themes with real activities.
ACTIVITY_THEMES = {
    "Synlig närvaro i centrum fredag och lördag kväll": "polisnarvaro",
    "Polisen på plats vid skolstart och vid Arvidsjaurs marknad": "polisnarvaro",
    "Erbjuda grannsamverkan i de mest utsatta områdena": "grannsamverkan",
    "Skyltar till nystartade områden": "inbrott",
    "Laga belysning och röja sly där invånarna rapporterat": "belysning",
    "Trygghetsvandring i Centrum": "vegetation",
}


def _day(year: int, month: int, day: int = 1) -> datetime.date:
    return datetime.date(year, month, min(day, 28))


def _month_end(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _status_now(final: str, start: datetime.date, end: datetime.date, today) -> str:
    """The status the activity has today: the final one once its period is over (or at once
    for postponed and cancelled), else ongoing or planned."""
    if final in (ActivityStatus.POSTPONED, ActivityStatus.CANCELLED) and start <= today:
        return final
    if end < today:
        return final
    return ActivityStatus.ONGOING if start <= today else ActivityStatus.PLANNED


def _evidence(kind: str, update, year: int, municipality, actor) -> None:
    roles = {Role.ADMINISTRATOR.value}
    args: dict = {}
    if kind == EvidenceKind.PRESENCE:
        args = {"date_from": _day(year, 1), "date_to": update.date}
    elif kind == EvidenceKind.WATCH_AREA:
        args = {"watch_area": WatchArea.objects.order_by("pk").first()}
    elif kind == EvidenceKind.REPORT_SET:
        categories = Category.objects.for_municipality(municipality)
        args = {"category": categories.filter(slug="belysning").first()}
    elif kind == EvidenceKind.SURVEY:
        args = {
            "survey": Survey.objects.filter(municipality=municipality).order_by("-year").first()
        }
    if any(value is None for value in args.values()) or not args:
        return
    evidence_link_add(update=update, kind=kind, actor=actor, roles=roles, **args)


def _activities(promise: Promise, today: datetime.date, actor) -> int:
    year = promise.period_start.year
    roles = {Role.ADMINISTRATOR.value}
    commitments = list(promise.commitments.order_by("position"))
    count = 0
    for index, title, party, person, m1, m2, final, reason, updates, evidence in ACTIVITIES:
        start, end = _day(year, m1), _month_end(year, m2)
        activity = activity_create(
            commitment=commitments[index],
            title=title,
            responsible_party=party,
            responsible_name=person,
            planned_start=start,
            planned_end=end,
            theme=ACTIVITY_THEMES.get(title, ""),
            actor=actor,
            roles=roles,
        )
        count += 1
        for month, day, text, percent, public in updates:
            date = _day(year, month, day)
            if date > today:
                continue
            update = activity_update_create(
                activity=activity,
                date=date,
                text=text,
                percent=percent,
                public=public,
                actor=actor,
                roles=roles,
            )
            if evidence:
                _evidence(evidence, update, year, promise.municipality, actor)
        status = _status_now(final, start, end, today)
        if status != activity.status:
            activity_set_status(
                activity=activity, status=status, reason=reason, actor=actor, roles=roles
            )
    return count


def _indicators(municipality: Municipality, year: int, today: datetime.date, actor) -> None:
    for name, definition, baseline, source, values in INDICATORS:
        indicator = manual_indicator_create(
            municipality=municipality,
            name=name,
            definition=definition,
            baseline=Decimal(baseline),
            is_demo=True,
        )
        for month, value in enumerate(values, start=1):
            date = _month_end(year, month)
            if date <= today:
                manual_indicator_entry_add(
                    indicator=indicator,
                    date=date,
                    value=Decimal(value),
                    source=source,
                    actor=actor,
                )


def _dialogues(municipality: Municipality, year: int, actor) -> None:
    dialogue_create(
        municipality=municipality,
        kind="staff",
        date=_day(year - 1, 9, 14),
        title="Medarbetardialog inom polisen och kommunen",
        participant_count=14,
        participant_groups="kommunpoliser, socialtjänsten, fritidsgården, gatuenheten",
        concerns="Oro för bostadsinbrott i villaområdena. Mörka gångvägar mot skolan. "
        "Önskemål om fler grannsamverkansområden.",
        actor=actor,
        is_demo=True,
    )
    dialogue_create(
        municipality=municipality,
        kind="citizen",
        date=_day(year - 1, 10, 5),
        title="Medborgardialog på biblioteket",
        participant_count=23,
        participant_groups="boende i Centrum och Östra, pensionärsföreningen, två skolklasser",
        concerns="Fler poliser och mer synlig polis på kvällar och helger. Belysningen och "
        "vegetationen i bostadsområdena. Intresse för grannsamverkan.",
        actor=actor,
        is_demo=True,
    )


def load_demo_followup(*, municipality: Municipality, today: datetime.date) -> str:
    """Seed the demo's promises (this year's with its activities, last year's in the
    archive), manual indicators and dialogues; nothing the second time."""
    if Promise.objects.for_municipality(municipality).filter(is_demo=True).exists():
        return "follow-up already loaded"
    actor = get_user_model().objects.filter(username="admin").first()
    year = today.year
    text = INTRO + "".join(f"\n\n{title}\n{body}" for title, body in COMMITMENTS)
    for offset in (1, 0):
        promise = promise_create(
            municipality=municipality,
            police_area=POLICE_AREA,
            title=TITLE,
            text=text,
            period_start=_day(year - offset, 1),
            period_end=_month_end(year - offset, 12),
            signed_on=_day(year - offset - 1, 12, 10),
            signatories=SIGNATORIES,
            commitments=COMMITMENTS,
            published=True,
            is_demo=True,
        )
    activities = _activities(promise, today, actor)
    if not ManualIndicator.objects.for_municipality(municipality).exists():
        _indicators(municipality, year, today, actor)
    _dialogues(municipality, year, actor)
    return f"{activities} follow-up activities"
