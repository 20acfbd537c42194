"""Load the Arvidsjaur demo: geography, staff logins and example reports. Idempotent."""

import random
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tryggve.accounts.roles import Role
from tryggve.accounts.services import staff_user_ensure
from tryggve.analytics.models import Incident, PolicePresence, PresenceKind
from tryggve.analytics.services import incidents_import, presence_log
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.services import (
    areas_import,
    load_geojson_file,
    municipality_import,
    population_import,
    streets_import,
)
from tryggve.demo.incidents import synthetic_incidents
from tryggve.followup.council_demo import load_demo_council
from tryggve.followup.demo import load_demo_followup
from tryggve.lib import tenancy
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import (
    Category,
    Report,
    ReportEvent,
    ResponseTemplate,
    Status,
    Unit,
    hash_token,
    new_tracking_token,
)
from tryggve.reports.services import report_create
from tryggve.surveys.demo import load_demo_surveys
from tryggve.watch.models import Household, WatchArea, WatchState
from tryggve.watch.services import (
    contact_person_set,
    household_assign,
    meeting_record,
    meeting_schedule,
    normalise_address,
    watch_area_change_state,
    watch_area_evaluate,
    watch_area_offer,
    watch_area_review,
)

DEMO_DIR = Path(__file__).resolve().parents[3] / "areas" / "demo"

STAFF = [
    ("handlaggare", Role.CASE_HANDLER, "Hanna", "Handläggare"),
    ("polis", Role.POLICE_OFFICER, "Per", "Polis"),
    ("radet", Role.COUNCIL_READER, "Rut", "Rådsledamot"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Administratör"),
    # Arjeplog's own case handler: sees Arjeplog's cases only (at /arjeplog/personal/).
    ("arjeplog", Role.CASE_HANDLER, "Arja", "Handläggare i Arjeplog"),
]
# Which demo municipality each login belongs to (Municipality.members); the police officer
# belongs to Arvidsjaur and sees Arjeplog too, as both lie in LPO Piteå Älvdal.
STAFF_MUNICIPALITY = {"arjeplog": "2506"}
ARJEPLOG_SLUG = "arjeplog"
# (category, text, public text) of Arjeplog's few invented reports, in its centre.
ARJEPLOG_EXAMPLES = [
    ("belysning", "Gatlamporna längs Storgatan släcks för tidigt.", "Gatlampor släcks tidigt."),
    ("vegetation", "Buskarna vid busstationen skymmer sikten.", "Buskar skymmer vid bussen."),
    ("skadegorelse", "Krossat glas i vindskyddet vid sjön.", "Krossat glas i vindskyddet."),
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


# Invented addresses on the reserved example domain: demo mail never reaches anyone.
UNITS = [
    ("Gatubelysning", "gatubelysning@example.se"),
    ("Park och grönytor", "park@example.se"),
    ("Arvidsjaurshem (bostadsbolaget)", "forvaltning@example.se"),
    ("Gata och trafik", "gata@example.se"),
    ("Polisen, LPO Piteå Älvdal", "polis@example.se"),
]
TEMPLATES = [
    (
        "Tack, vi tittar på det",
        Status.UNDER_REVIEW,
        "Tack för din rapport. Vi har tagit emot den och tittar på platsen.",
    ),
    (
        "Skickat till ansvarig",
        Status.FORWARDED,
        "Vi har skickat ärendet till den som ansvarar för platsen.",
    ),
    ("Åtgärdat", Status.RESOLVED, "Nu är platsen åtgärdad. Tack för att du hörde av dig!"),
    (
        "Privat mark",
        Status.NOT_ACTIONABLE,
        "Platsen ligger på privat mark. Vi har informerat fastighetsägaren.",
    ),
]


class Command(BaseCommand):
    help = "Load the Arvidsjaur demo (safe to run again: adds nothing the second time)."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._geography()
            self._arjeplog()
            logins = self._staff()
            self._units()
            self._arjeplog_own()
            created = self._reports()
            created += self._arjeplog_reports()
            incidents = self._incidents()
            self._presence()
            self._watch()
            surveys = load_demo_surveys(
                municipality=Municipality.objects.get(code="2505"), today=timezone.localdate()
            )
            followup = load_demo_followup(
                municipality=Municipality.objects.get(code="2505"), today=timezone.localdate()
            )
            followup += ", " + load_demo_council(
                municipality=Municipality.objects.get(code="2505"), today=timezone.localdate()
            )
        self.stdout.write(
            f"Demo ready: {ResidentialArea.objects.count()} areas, "
            f"{Report.objects.count()} reports ({created} new), "
            f"{Incident.objects.count()} synthetic incidents ({incidents} new), {surveys}, "
            f"{followup}."
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
                domain="arvidsjaur.se",
            )
        municipality = Municipality.objects.get(code="2505")
        if not municipality.areas.exists():
            result = areas_import(
                data=load_geojson_file(DEMO_DIR / "arvidsjaur_omraden.geojson"),
                municipality=municipality,
            )
            if result.errors:
                raise RuntimeError("; ".join(result.errors))
        if not municipality.population_counts.exists():
            # Approximate inhabitants per area and age band (about 6,000 in all, as in
            # Arvidsjaur), for the survey's representativeness; marked as demo data.
            result = population_import(
                municipality=municipality,
                data=(DEMO_DIR / "arvidsjaur_befolkning.csv").read_bytes(),
                year=timezone.localdate().year - 1,
                source="Demo: ungefärliga tal",
                is_demo=True,
            )
            if result.errors:
                raise RuntimeError("; ".join(result.errors))
        if not municipality.streets.exists():
            # Real street names at approximate, hand-drawn positions (marked as such).
            result = streets_import(
                data=load_geojson_file(DEMO_DIR / "arvidsjaur_gator.geojson"),
                municipality=municipality,
            )
            if result.errors:
                raise RuntimeError("; ".join(result.errors))

    def _arjeplog(self):
        """Arjeplog (2506) beside Arvidsjaur: an approximate outline and three approximate
        residential areas, labelled as such, served at /arjeplog/ on the demo's host."""
        if not Municipality.objects.filter(code="2506").exists():
            municipality_import(
                data=load_geojson_file(DEMO_DIR / "arjeplog_kommun.geojson"),
                code="2506",
                name="Arjeplogs kommun",
                police_area="LPO Piteå Älvdal",
                domain="arjeplog.se",
            )
        arjeplog = Municipality.objects.get(code="2506")
        if not arjeplog.slug:
            arjeplog.slug = ARJEPLOG_SLUG
            arjeplog.save(update_fields=["slug"])
        if not arjeplog.areas.exists():
            result = areas_import(
                data=load_geojson_file(DEMO_DIR / "arjeplog_omraden.geojson"),
                municipality=arjeplog,
            )
            if result.errors:
                raise RuntimeError("; ".join(result.errors))

    def _staff(self):
        logins = []
        for username, role, first, last in STAFF:
            password = f"demo-{username}-2026"
            user, _created = staff_user_ensure(
                username=username, password=password, role=role, first_name=first, last_name=last
            )
            code = STAFF_MUNICIPALITY.get(username, "2505")
            Municipality.objects.get(code=code).members.add(user)
            logins.append((username, password, str(role.label)))
        return logins

    def _arjeplog_reports(self) -> int:
        arjeplog = Municipality.objects.get(code="2506")
        if Report.objects.filter(municipality=arjeplog).exists():
            return 0
        rng = random.Random(2506)
        categories = {c.slug: c for c in arjeplog.categories.all()}
        centre = arjeplog.areas.get(name="Arjeplog centrum")
        minx, miny, maxx, maxy = centre.shape.bounds
        now = timezone.now()
        with tenancy.serving(arjeplog.code):
            for slug, text, public in ARJEPLOG_EXAMPLES:
                report, _token = report_create(
                    category=categories[slug],
                    time_of_day="evening",
                    severity=rng.randint(2, 4),
                    description=text,
                    lat=rng.uniform(miny, maxy),
                    lon=rng.uniform(minx, maxx),
                    received_at=now - timedelta(days=rng.uniform(2, 60)),
                )
                Report.objects.filter(pk=report.pk).update(
                    status=Status.UNDER_REVIEW, published=True, public_text=public
                )
        return len(ARJEPLOG_EXAMPLES)

    def _incidents(self) -> int:
        if Incident.objects.filter(synthetic=True).exists():
            return 0
        areas = list(ResidentialArea.objects.filter(municipality__code="2505"))
        result = incidents_import(incidents=synthetic_incidents(areas), synthetic=True)
        return result.imported

    def _presence(self):
        if PolicePresence.objects.exists():
            return
        rng = random.Random(114)
        officer = get_user_model().objects.get(username="polis")
        areas = list(ResidentialArea.objects.filter(municipality__code="2505"))
        now = timezone.now()
        for _ in range(40):
            started = now - timedelta(days=rng.uniform(1, 120), hours=rng.uniform(0, 6))
            presence_log(
                officer=officer,
                started=started,
                minutes=rng.choice([20, 30, 45, 60]),
                kind=rng.choice(PresenceKind.values),
                area=rng.choice(areas),
                note="Demo",
            )

    def _watch(self):
        if WatchArea.objects.exists():
            return
        police = get_user_model().objects.get(username="polis")
        rng = random.Random(70)
        streets = {
            "Centrum": "Storgatan\nKyrkogatan\nTorggatan",
            "Norra Åbacken": "Åbackavägen\nNorrvägen",
            "Stationsområdet": "Stationsgatan\nRallarvägen",
        }
        first_names = ["Anna", "Lars", "Maria", "Nils", "Elsa", "Per", "Karin", "Jonas"]
        for name, fill, contacts in (
            ("Norra Åbacken", 0.8, 2),
            ("Centrum", 0.45, 1),
            ("Stationsområdet", 0.0, 0),
        ):
            residential = ResidentialArea.objects.get(municipality__code="2505", name=name)
            area = watch_area_offer(
                name=name,
                households=residential.households,
                streets=streets[name],
                actor=police,
                residential_area=residential,
            )
            street_list = area.street_list
            # Written directly: through the sign-up service every invented household would
            # get a confirmation mail in the outbox.
            for n in range(round(area.households * fill)):
                street = street_list[n % len(street_list)]
                # A household's size was drawn here before it stopped being asked; the draw
                # stays so that the rest of the demo comes out as before.
                rng.randint(1, 5)
                household = Household.objects.create(
                    area=area,
                    street=street,
                    number=str(n + 1),
                    address_key=normalise_address(street, str(n + 1)),
                    name=f"{rng.choice(first_names)} (demo)",
                    email=f"hushall{n + 1}.{area.slug}@example.se",
                    share_contact=rng.random() < 0.5,
                    # Spread over weeks, as real sign-ups come (a burst would be flagged).
                    created=timezone.now() - timedelta(days=40, hours=7 * n),
                    confirmed=timezone.now() - timedelta(days=40, hours=7 * n - 1),
                    confirm_token_hash=hash_token(new_tracking_token()),
                    manage_token_hash=hash_token(new_tracking_token()),
                )
                if n < contacts:
                    contact_person_set(household=household, role="approved", actor=police)
            area = WatchArea.objects.get(pk=area.pk)
            contact_people = list(area.households_set.contact_persons())
            contact_pks = [c.pk for c in contact_people]
            others = list(area.households_set.confirmed().exclude(pk__in=contact_pks))
            for i, contact in enumerate(contact_people):
                household_assign(
                    households=others[i * 11 : (i + 1) * 11], contact=contact, actor=police
                )
            if fill >= 0.7:
                watch_area_review(area=area, actor=police)
            area = WatchArea.objects.get(pk=area.pk)
            watch_area_evaluate(area=area, actor=police)
            if area.state == WatchState.READY:
                meeting = meeting_schedule(
                    area=area,
                    when=timezone.now() - timedelta(days=20),
                    place="Medborgarhuset",
                    police_staff="Per Polis",
                    municipal_staff="Hanna Handläggare",
                    actor=police,
                )
                meeting_record(
                    meeting=meeting,
                    attended=list(area.households_set.confirmed()[:12]),
                    actor=police,
                )
                watch_area_change_state(area=area, to_state=WatchState.ACTIVE, actor=police)
                # The start is announced by mail to every household; these are invented, and
                # 150 mails printed by the demo's worker buried the address and the logins.
                # Removed before commit, so their delivery tasks find nothing to send.
                OutgoingMail.objects.filter(to__endswith=f".{area.slug}@example.se").delete()

    def _units(self):
        arvidsjaur = Municipality.objects.get(code="2505")
        units = Unit.objects.for_municipality(arvidsjaur)
        templates = ResponseTemplate.objects.for_municipality(arvidsjaur)
        for name, email in UNITS:
            unit = units.filter(name=name).first() or Unit.objects.create(
                name=name, email=email, municipality=arvidsjaur
            )
            if name.startswith("Polisen"):
                # The police as a unit: the demo officer opens the cases sent to it.
                unit.members.add(get_user_model().objects.get(username="polis"))
        for title, status, text in TEMPLATES:
            if not templates.filter(title=title).exists():
                ResponseTemplate.objects.create(
                    title=title, status=status, text=text, municipality=arvidsjaur
                )

    def _arjeplog_own(self):
        """Arjeplog's own categories, units and response templates (copies of Arvidsjaur's
        set; its housing company under its own name), its reference series and look."""
        arjeplog = Municipality.objects.get(code="2506")
        arvidsjaur = Municipality.objects.get(code="2505")
        if not arjeplog.reference_prefix:
            arjeplog.service_name = "Trygg i Arjeplog"
            arjeplog.organisation_name = "Arjeplogs kommun"
            arjeplog.reference_prefix = "ARJ"
            # White on it: 10.3:1 (WCAG AA needs 4.5:1; Municipality.clean checks it).
            arjeplog.brand_colour = "#5a2d6e"
            arjeplog.full_clean()
            arjeplog.save()
        if not arjeplog.categories.exists():
            for category in Category.objects.for_municipality(arvidsjaur).order_by("pk"):
                category.pk = None
                category.municipality = arjeplog
                category.save()
        if not arjeplog.units.exists():
            police = get_user_model().objects.get(username="polis")
            for name, email in UNITS:
                name = name.replace("Arvidsjaurshem", "Arjeplogshem")
                unit = Unit.objects.create(name=name, email=email, municipality=arjeplog)
                if name.startswith("Polisen"):
                    unit.members.add(police)
        if not arjeplog.response_templates.exists():
            for title, status, text in TEMPLATES:
                ResponseTemplate.objects.create(
                    title=title, status=status, text=text, municipality=arjeplog
                )

    def _reports(self) -> int:
        if Report.objects.filter(municipality__code="2505").exists():
            return 0
        rng = random.Random(2505)
        arvidsjaur = Municipality.objects.get(code="2505")
        categories = {c.slug: c for c in Category.objects.for_municipality(arvidsjaur)}
        # Arvidsjaur's areas only: Arjeplog gets its own few reports (_arjeplog_reports).
        areas = list(ResidentialArea.objects.filter(municipality__code="2505"))
        units = list(Unit.objects.for_municipality(arvidsjaur).order_by("pk"))
        staff = get_user_model().objects.get(username="handlaggare")
        slug_unit = {
            "belysning": 0,
            "vegetation": 1,
            "skymd-sikt": 1,
            "skadegorelse": 2,
            "nedskrapning": 1,
            "trafikmiljo": 3,
            "annat": 4,
        }
        now = timezone.now()
        # Oldest first, so the numbering series follows the dates as a real one does.
        times = sorted(
            [now - timedelta(days=rng.uniform(14, 360)) for _ in range(40)]
            + [now - timedelta(days=rng.uniform(0.1, 13)) for _ in range(8)]
        )
        count = 0
        for i, created in enumerate(times):
            slug, text, public = EXAMPLES[i % len(EXAMPLES)]
            area = areas[rng.randrange(len(areas))]
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
                received_at=created,
            )
            age = (now - created).days
            flow = [Status.UNDER_REVIEW, Status.FORWARDED, Status.PLANNED, Status.RESOLVED]
            steps = 0 if age < 7 else min(len(flow), rng.randint(0, 3) + age // 60)
            actor = staff if steps else None
            for step, status in enumerate(flow[:steps], start=1):
                ReportEvent.objects.create(
                    report=report,
                    kind=ReportEvent.Kind.STATUS,
                    actor=actor,
                    from_status=report.status,
                    to_status=status,
                    # A bare status change is public; a note is written to the resident.
                    audience="resident" if status == Status.RESOLVED else "public",
                    created=created + timedelta(days=2 * step),
                    text="Tack, nu är platsen åtgärdad." if status == Status.RESOLVED else "",
                )
                report.status = status
            unit = units[slug_unit[slug]] if steps >= 2 else None
            published = steps >= 1
            Report.objects.filter(pk=report.pk).update(
                status=report.status,
                published=published,
                unit=unit,
                public_text=public if published else "",
                voice_count=rng.choice([0, 0, 1, 2, 5]),
                closed=created + timedelta(days=2 * steps)
                if report.status == Status.RESOLVED
                else None,
            )
            count += 1
        return count
