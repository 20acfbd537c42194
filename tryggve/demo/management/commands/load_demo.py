"""Load the Arvidsjaur demo: geography, staff logins and example reports. Idempotent."""

import random
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tryggve.accounts.roles import Role
from tryggve.accounts.services import staff_user_ensure
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.services import areas_import, load_geojson_file, municipality_import
from tryggve.reports.models import Category, Report, ReportEvent, Status
from tryggve.reports.services import report_create

DEMO_DIR = Path(__file__).resolve().parents[3] / "areas" / "demo"

STAFF = [
    ("handlaggare", Role.CASE_HANDLER, "Hanna", "Handläggare"),
    ("polis", Role.POLICE_OFFICER, "Per", "Polis"),
    ("radet", Role.COUNCIL_READER, "Rut", "Rådsledamot"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Administratör"),
]

# (category, text, public text) — invented examples of what residents write.
EXAMPLES = [
    (
        "belysning",
        "Gatlampan vid gångtunneln är trasig sedan flera veckor. Helt mörkt på kvällen.",
        "Trasig gatlampa vid gångtunneln, mörkt på kvällen.",
    ),
    (
        "belysning",
        "Hela gångvägen mot skolan saknar belysning efter elljusspåret.",
        "Gångvägen mot skolan saknar belysning.",
    ),
    (
        "vegetation",
        "Buskarna längs cykelvägen har vuxit igen så man inte ser vem som står där.",
        "Igenvuxna buskar längs cykelvägen skymmer sikten.",
    ),
    (
        "vegetation",
        "Slyet bakom lekplatsen är högt, barnen försvinner ur sikte.",
        "Högt sly bakom lekplatsen.",
    ),
    (
        "skymd-sikt",
        "Mellan garagen finns en gång där man inte syns från gatan.",
        "Dold passage mellan garagen.",
    ),
    (
        "skadegorelse",
        "Busskuren är sönderslagen och det ligger glas överallt.",
        "Sönderslagen busskur med glas på marken.",
    ),
    (
        "skadegorelse",
        "Klotter på väggen vid stationen, en del är hotfullt.",
        "Klotter på väggen vid stationen.",
    ),
    (
        "nedskrapning",
        "Mycket skräp och flaskor vid badplatsen efter helgerna.",
        "Skräp och flaskor vid badplatsen efter helger.",
    ),
    (
        "trafikmiljo",
        "Övergångsstället vid affären är mörkt och bilarna kör fort.",
        "Mörkt övergångsställe där bilar kör fort.",
    ),
    (
        "annat",
        "Det samlas folk på parkeringen sent på kvällarna och det känns obehagligt.",
        "Obehaglig stämning på parkeringen sena kvällar.",
    ),
]


class Command(BaseCommand):
    help = "Load the Arvidsjaur demo (safe to run again: adds nothing the second time)."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._geography()
            logins = self._staff()
            created = self._reports()
        self.stdout.write(
            f"Demo ready: {ResidentialArea.objects.count()} areas, "
            f"{Report.objects.count()} reports ({created} new)."
        )
        self.stdout.write("Demo staff logins (only for the demo):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<28} {role}")

    def _geography(self):
        if not Municipality.objects.filter(code="2505").exists():
            municipality_import(
                data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
                code="2505",
                name="Arvidsjaurs kommun",
                police_area="LPO Piteå Älvdal",
            )
        municipality = Municipality.objects.get(code="2505")
        if not municipality.areas.exists():
            result = areas_import(
                data=load_geojson_file(DEMO_DIR / "arvidsjaur_omraden.geojson"),
                municipality=municipality,
            )
            if result.errors:
                raise RuntimeError("; ".join(result.errors))

    def _staff(self):
        logins = []
        for username, role, first, last in STAFF:
            password = f"demo-{username}-2026"
            staff_user_ensure(
                username=username, password=password, role=role, first_name=first, last_name=last
            )
            logins.append((username, password, str(role.label)))
        return logins

    def _reports(self) -> int:
        if Report.objects.exists():
            return 0
        rng = random.Random(2505)
        categories = {c.slug: c for c in Category.objects.all()}
        areas = list(ResidentialArea.objects.all())
        now = timezone.now()
        count = 0
        for i in range(48):
            slug, text, public = EXAMPLES[i % len(EXAMPLES)]
            area = areas[rng.randrange(len(areas))] if rng.random() < 0.9 else areas[i % 10]
            minx, miny, maxx, maxy = area.shape.bounds
            while True:
                lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if area.contains_point(lat, lon):
                    break
            report, _token = report_create(
                category=categories[slug],
                time_of_day=rng.choice(["evening", "night", "always"]),
                severity=rng.randint(1, 4),
                description=text,
                lat=lat,
                lon=lon,
            )
            created = now - timedelta(days=rng.uniform(0, 360), hours=rng.uniform(0, 12))
            status = rng.choice(
                [
                    Status.RECEIVED,
                    Status.UNDER_REVIEW,
                    Status.FORWARDED,
                    Status.PLANNED,
                    Status.RESOLVED,
                    Status.RESOLVED,
                ]
            )
            published = status != Status.RECEIVED
            Report.objects.filter(pk=report.pk).update(
                created=created,
                status=status,
                published=published,
                public_text=public if published else "",
                voice_count=rng.choice([0, 0, 1, 2, 5]),
                closed=created + timedelta(days=20) if status == Status.RESOLVED else None,
            )
            report.events.update(created=created)
            if status != Status.RECEIVED:
                ReportEvent.objects.create(
                    report=report,
                    kind=ReportEvent.Kind.STATUS,
                    from_status=Status.RECEIVED,
                    to_status=status,
                    public=True,
                    created=created + timedelta(days=3),
                    text="Tack, vi har tittat på platsen." if status == Status.RESOLVED else "",
                )
            count += 1
        return count
