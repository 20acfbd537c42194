"""The demo's Hälsa- och trygghetsrådet: this year's meetings up to the last one on
10 December (the annual summary's due date), the past ones with their generated reports
and the council's decisions, and the report's recipients (addresses that cannot receive
mail). Called by `load_demo` after the follow-up; safe to repeat."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from tryggve.areas.models import Municipality
from tryggve.followup.council import (
    council_decision_record,
    council_meeting_create,
    council_report_generate,
    report_recipient_add,
)
from tryggve.followup.models import Activity, CouncilMeeting

# (month, day, place); the last is the council's last meeting of the year.
MEETINGS = [
    (2, 12, "Kommunhuset, Sammanträdesrum Storberget"),
    (4, 15, "Kommunhuset, Sammanträdesrum Storberget"),
    (6, 10, "Polisstationen i Arvidsjaur"),
    (9, 16, "Kommunhuset, Sammanträdesrum Storberget"),
    (12, 10, "Kommunhuset, Sammanträdesrum Storberget"),
]
RECIPIENTS = [
    ("Karin Öberg", "Kommunalråd", "karin.oberg@demo.invalid"),
    ("Johan Lundmark", "Lokalpolisområdeschef, LPO Piteå Älvdal", "johan.lundmark@demo.invalid"),
    ("Eva Lind", "Ledamot i Hälsa- och trygghetsrådet", "eva.lind@demo.invalid"),
    ("Nils Berg", "Ledamot i Hälsa- och trygghetsrådet", "nils.berg@demo.invalid"),
]
DECISIONS = [
    ("decision", "Rådet ställer sig bakom planen. Återrapport vid nästa möte."),
    ("comment", "Rådet vill se effekten i enkäten innan arbetet utvidgas."),
]
ADMIN = {"administrator"}


def load_demo_council(*, municipality: Municipality, today: datetime.date) -> str:
    """Seed the council's meetings, reports, decisions and recipients (demo)."""
    if CouncilMeeting.objects.for_municipality(municipality).exists():
        return "council already loaded"
    actor = get_user_model().objects.filter(username="admin").first()
    for name, role, email in RECIPIENTS:
        report_recipient_add(municipality=municipality, name=name, role=role, email=email)
    activities = list(
        Activity.objects.for_municipality(municipality)
        .filter(commitment__promise__period_start__year=today.year)
        .order_by("commitment__position", "id")
    )
    past = 0
    for index, (month, day, place) in enumerate(MEETINGS):
        date = datetime.date(today.year, month, day)
        meeting = council_meeting_create(
            municipality=municipality,
            date=date,
            title="Hälsa- och trygghetsrådet (demo)",
            place=place,
            notes="Demodata." if date > today else "Demodata. Protokoll hos kommunens sekreterare.",
        )
        if date > today:
            continue
        past += 1
        council_report_generate(meeting=meeting, today=date)
        for offset, (kind, text) in enumerate(DECISIONS):
            activity = activities[(2 * index + offset) % len(activities)] if activities else None
            council_decision_record(
                meeting=meeting, kind=kind, text=text, activity=activity, actor=actor, roles=ADMIN
            )
    return f"{len(MEETINGS)} council meetings ({past} held)"
