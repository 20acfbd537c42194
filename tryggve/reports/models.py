from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.lib.geo import bbox_around, distance_m
from tryggve.lib.tokens import hash_token, new_token


def owned_by(code: str, *, via: str = "municipality") -> Q:
    """A filter for rows of the municipality `code` by their own municipality (`via` names
    the foreign key), through a join on its code (no query for the municipality's row).
    Rows without one belong to the default municipality (as every row did before issue 14):
    a report described in words and filed before reports had a municipality, say."""
    match = Q(**{f"{via}__code": code})
    if code == settings.MUNICIPALITY_CODE:
        match |= Q(**{f"{via}__isnull": True})
    return match


class MunicipalityOwnedQuerySet(models.QuerySet):
    def for_municipality(self, municipality: Municipality | None):
        """The rows of one municipality; rows without one belong to the default (as every
        row did before issue 14). None (no municipality set up yet) leaves nothing out."""
        if municipality is None:
            return self
        match = Q(municipality=municipality)
        if municipality.code == settings.MUNICIPALITY_CODE:
            match |= Q(municipality__isnull=True)
        return self.filter(match)

    def for_code(self, code: str):
        """As `for_municipality`, by the municipality's code (no query for its row)."""
        return self.filter(owned_by(code))


def unique_per_municipality(model: str, field: str) -> list[models.UniqueConstraint]:
    """A name unique within each municipality, and among the rows without one (which are
    the default municipality's; NULLs never clash in a plain unique constraint)."""
    return [
        models.UniqueConstraint(
            fields=["municipality", field], name=f"{model}_unique_{field}_per_municipality"
        ),
        models.UniqueConstraint(
            fields=[field], condition=Q(municipality__isnull=True),
            name=f"{model}_unique_{field}_of_default",
        ),
    ]


class Category(models.Model):
    """What kind of problem a place has; staff keep the list in the admin."""

    # Each municipality keeps its own list (issue 14); rows without one are the default
    # municipality's, as every row was before (`reports.selectors`, scoped by the served one).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True,
        related_name="categories", verbose_name=_("kommun"),
    )
    slug = models.SlugField(_("kortnamn"), max_length=50)
    name_sv = models.CharField(_("namn (svenska)"), max_length=100)
    name_en = models.CharField(_("namn (engelska)"), max_length=100, blank=True)
    help_sv = models.CharField(_("förklaring (svenska)"), max_length=200, blank=True)
    help_en = models.CharField(_("förklaring (engelska)"), max_length=200, blank=True)
    target_days = models.PositiveIntegerField(_("måldagar för handläggning"), default=30)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)

    objects = MunicipalityOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["order", "name_sv"]
        constraints = unique_per_municipality("category", "slug")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_in_language(self.name_sv, self.name_en)

    @staticmethod
    def name_in_language(name_sv: str, name_en: str) -> str:
        """The name in the reader's language: English when the page is English and an
        English name is set, else Swedish. For rows read as values, not objects."""
        from django.utils.translation import get_language

        if (get_language() or "sv").startswith("en") and name_en:
            return name_en
        return name_sv

    @property
    def help(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "sv").startswith("en") and self.help_en:
            return self.help_en
        return self.help_sv


class Unit(models.Model):
    """Who must act on a place: street lighting, parks, the housing company, the police."""

    # Each municipality keeps its own list (issue 14); rows without one are the default
    # municipality's, as every row was before (`reports.selectors`, scoped by the served one).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True,
        related_name="units", verbose_name=_("kommun"),
    )
    name = models.CharField(_("namn"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    # Staff accounts of the unit (the police as a unit: its officers; the municipality's
    # own departments): they open the unit's cases after logging in. Units without
    # accounts (contractors) use the per-case link mailed to `email`.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("personal")
    )

    objects = MunicipalityOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ansvarig enhet")
        verbose_name_plural = _("ansvariga enheter")
        ordering = ["name"]
        constraints = unique_per_municipality("unit", "name")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    RECEIVED = "received", _("Mottagen")
    UNDER_REVIEW = "under_review", _("Under utredning")
    FORWARDED = "forwarded", _("Skickad till ansvarig")
    PLANNED = "planned", _("Åtgärd planerad")
    RESOLVED = "resolved", _("Åtgärdad")
    NOT_ACTIONABLE = "not_actionable", _("Ingen åtgärd")
    DUPLICATE = "duplicate", _("Dubblett")


# How maps draw each status: colour AND shape, so that colour is never the only cue. The
# colours are the Okabe-Ito palette, told apart with the common colour-vision deficiencies;
# every shape has a dark outline for contrast against the map.
STATUS_MARKERS = {
    Status.RECEIVED: ("circle", "#E69F00"),
    Status.UNDER_REVIEW: ("square", "#56B4E9"),
    Status.FORWARDED: ("diamond", "#0072B2"),
    Status.PLANNED: ("triangle", "#CC79A7"),
    Status.RESOLVED: ("star", "#009E73"),
    Status.NOT_ACTIONABLE: ("cross", "#8C8C8C"),
    Status.DUPLICATE: ("triangle-down", "#D55E00"),
}


def status_legend() -> list[dict]:
    """The map legend, in the order of the status flow."""
    return [
        {"status": value, "label": label, "shape": STATUS_MARKERS[value][0],
         "colour": STATUS_MARKERS[value][1]}
        for value, label in Status.choices
    ]


# Decimals of a published report's position on the public map and page (~0.1 m).
PUBLIC_POSITION_DECIMALS = 6

OPEN_STATUSES = (Status.RECEIVED, Status.UNDER_REVIEW, Status.FORWARDED, Status.PLANNED)
CLOSED_STATUSES = (Status.RESOLVED, Status.NOT_ACTIONABLE, Status.DUPLICATE)


class TimeOfDay(models.TextChoices):
    DAY = "day", _("Dag")
    EVENING = "evening", _("Kväll")
    NIGHT = "night", _("Natt")
    ALWAYS = "always", _("Alltid")


class Severity(models.IntegerChoices):
    SLIGHTLY = 1, _("Lite otryggt")
    QUITE = 2, _("Ganska otryggt")
    VERY = 3, _("Mycket otryggt")
    AVOID = 4, _("Så otryggt att jag undviker platsen")


# The tracking link's token; kept under this name for the reports app's callers.
new_tracking_token = new_token


class ReportQuerySet(models.QuerySet):
    def published(self) -> ReportQuerySet:
        return self.filter(published=True)

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def agreeable(self, reference: str) -> Report | None:
        """The published open report a visitor may agree with ("me too"), or None."""
        # A NUL byte cannot even be sent to PostgreSQL as a query parameter; no reference has one.
        if not reference or "\x00" in reference:
            return None
        return self.published().open().filter(reference=reference).first()

    def overdue(self) -> ReportQuerySet:
        return self.open().filter(due__lt=timezone.now())

    def for_municipality(self, municipality: Municipality | None) -> ReportQuerySet:
        """The reports of one municipality (`home_municipality()`: the one served now).

        Rows from before reports had a municipality and were not placed belong to the
        default one. With no municipality set up at all (None) nothing is left out: such a
        deployment serves one municipality, whichever it is going to be."""
        if municipality is None:
            return self.all()
        match = Q(municipality=municipality)
        if municipality.code == settings.MUNICIPALITY_CODE:
            match |= Q(municipality__isnull=True)
        return self.filter(match)

    def for_code(self, code: str) -> ReportQuerySet:
        """As `for_municipality`, by the municipality's code: a join, no query for its row
        (`reports_here` while one municipality is served)."""
        return self.filter(owned_by(code))

    def in_area(self, area: ResidentialArea) -> ReportQuerySet:
        return self.filter(area=area)

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)

    def near(self, lat: float, lon: float, radius_m: float) -> list[Report]:
        """Reports within radius_m, nearest first (bbox in SQL, exact distance in Python)."""
        found = []
        for report in self.in_bbox(*bbox_around(lat, lon, radius_m)):
            distance = distance_m(lat, lon, report.lat, report.lon)
            if distance <= radius_m:
                report.distance_m = distance
                found.append(report)
        return sorted(found, key=lambda r: r.distance_m)

    def by_tracking_token(self, token: str) -> Report | None:
        return self.filter(tracking_token_hash=hash_token(token)).first()


def stored_submission_key(submission_key: uuid.UUID | str) -> uuid.UUID:
    """What a report keeps of its form's one-time key: a keyed hash of it, never the key.

    The key makes the report's tracking token (`services.tracking_token_for`), and posting
    the form again with the same key shows the receipt with the link (a retry after a lost
    answer). So a stored key would let whoever reads the database (a backup) open every
    resident's private page through the public form; the hash finds the report again only
    for the browser that holds the key."""
    digest = salted_hmac(
        "tryggve.reports.submission_key", str(submission_key), algorithm="sha256"
    ).digest()
    return uuid.UUID(bytes=digest[:16])


class Report(models.Model):
    """A resident's report of a place that feels unsafe; also the case staff handle."""

    reference = models.CharField(_("diarienummer"), max_length=32, unique=True)
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A keyed hash of the form's one-time key (`stored_submission_key`, never the key): a
    # second submit of the same form finds this report.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("kategori")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    place_description = models.CharField(_("platsbeskrivning"), max_length=300, blank=True)
    # The served municipality whose boundary holds the position (the one whose form was
    # used when the place is described in words): its staff handle the case, its public
    # pages show it (`ReportQuerySet.for_municipality`).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True,
        related_name="reports", verbose_name=_("kommun"),
    )
    area = models.ForeignKey(
        ResidentialArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("bostadsområde"),
    )
    time_of_day = models.CharField(
        _("när känns det otryggt"), max_length=10, choices=TimeOfDay.choices
    )
    severity = models.PositiveSmallIntegerField(_("hur otryggt"), choices=Severity.choices)
    description = models.TextField(_("beskrivning"), max_length=4000)

    # What the public sees; staff edit it when the resident's text holds personal data.
    published = models.BooleanField(_("publicerad"), default=False)
    public_text = models.TextField(_("publik text"), blank=True)

    contact_name = models.CharField(_("namn"), max_length=100, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)

    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
        verbose_name=_("ansvarig enhet"),
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates",
        verbose_name=_("dubblett av"),
    )

    # The system that filed the report for the resident (an Open311 client's name); blank
    # for the web form.
    client = models.CharField(_("inskickad via"), max_length=100, blank=True, editable=False)
    language = models.CharField(max_length=8, default="sv", editable=False)
    voice_count = models.PositiveIntegerField(_("håller med"), default=0, editable=False)
    created = models.DateTimeField(_("inkommen"), default=timezone.now, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    closed = models.DateTimeField(_("avslutad"), null=True, blank=True)
    # The category's target days from arrival; kept as a column so overdue is one filter.
    due = models.DateTimeField(_("ska vara klart"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["lon", "lat"], name="report_lonlat_idx"),
            models.Index(fields=["status", "-created"], name="report_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                # Both or neither: a CHECK passes on NULL, so a half position must fail the
                # first branch and be kept out of the second explicitly.
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | (
                    Q(lat__isnull=False, lon__isnull=False)
                    & Q(lat__gte=-90, lat__lte=90)
                    & Q(lon__gte=-180, lon__lte=180)
                ),
                name="report_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=False) | ~Q(place_description=""),
                name="report_has_place",
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="report_severity_range"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def public_lat(self) -> float | None:
        """The position at the precision the public map shows (one rule: geojson.py)."""
        return None if self.lat is None else round(self.lat, PUBLIC_POSITION_DECIMALS)

    @property
    def public_lon(self) -> float | None:
        return None if self.lon is None else round(self.lon, PUBLIC_POSITION_DECIMALS)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due is not None and self.due < timezone.now()


class Audience(models.TextChoices):
    """Who may read a history row. "The resident" and "everyone" are different audiences:
    what the resident writes, and what staff write to the resident, reaches the public only
    as a version that staff edit and publish (`ReportEvent.public_text`)."""

    INTERNAL = "internal", _("Bara personal")
    RESIDENT = "resident", _("Den som rapporterade")
    PUBLIC = "public", _("Alla")


class ReportEventQuerySet(models.QuerySet):
    def for_resident(self) -> ReportEventQuerySet:
        """What the tracking page shows: every row meant for the resident or for everyone."""
        return self.filter(audience__in=(Audience.RESIDENT, Audience.PUBLIC))

    def for_public(self) -> ReportEventQuerySet:
        """What the public case page shows: rows for everyone, rows whose edited version
        staff published, and status changes meant for the resident as bare status changes
        (the template shows only `public_display_text`, never `text`, of those)."""
        return self.filter(
            Q(audience=Audience.PUBLIC)
            | (Q(audience=Audience.RESIDENT) & ~Q(public_text=""))
            | Q(audience=Audience.RESIDENT, kind__in=ReportEvent.STATUS_KINDS)
        )


class ReportEvent(models.Model):
    """One row of a case's history: a status change, a message, a note, a unit's report."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Inkommen")
        STATUS = "status", _("Ändrad status")
        PUBLIC_UPDATE = "public_update", _("Meddelande till den som rapporterade")
        NOTE = "note", _("Intern anteckning")
        VOICE = "voice", _("Någon håller med")
        ASSIGNED = "assigned", _("Ansvarig enhet ändrad")
        CATEGORY = "category", _("Kategori ändrad")
        MODERATED = "moderated", _("Publicering ändrad")
        MERGED = "merged", _("Sammanslagen")
        RESIDENT_INFO = "resident_info", _("Komplettering från den som rapporterade")
        REOPENED = "reopened", _("Öppnad igen av den som rapporterade")
        UNIT_NOTE = "unit_note", _("Besked från ansvarig enhet")
        UNIT_DONE = "unit_done", _("Ansvarig enhet: arbetet är klart")
        UNIT_LINK = "unit_link", _("Länk till ansvarig enhet")

    # Rows that change the case's status; shown publicly as bare status changes.
    STATUS_KINDS = (Kind.STATUS, Kind.REOPENED)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(blank=True)
    audience = models.CharField(
        _("syns för"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    # The edited version of a resident-visible text that staff published; the original
    # `text` stays in the case and on the tracking page.
    public_text = models.TextField(_("publicerad version"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # The responsible unit that wrote a unit row (through a member's login or the unit link).
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["report", "created"], name="reportevent_report_idx")]
        constraints = [
            # Only a text meant for the resident has an edited public version; a public
            # row's text is public already, an internal one never is.
            models.CheckConstraint(
                condition=Q(public_text="") | Q(audience="resident"),
                name="reportevent_public_text_only_resident",
            ),
        ]

    @property
    def can_publish(self) -> bool:
        """Whether staff may publish an edited version of this row's text."""
        return self.audience == Audience.RESIDENT and bool(self.text)

    @property
    def public_display_text(self) -> str:
        """The text everyone may read: the published edit, or a public row's own text."""
        if self.audience == Audience.PUBLIC:
            return self.text
        if self.audience == Audience.RESIDENT:
            return self.public_text
        return ""

    @property
    def seen_by(self) -> str:
        """Who reads this row, for the staff history (internal / the resident / everyone)."""
        if self.audience == Audience.RESIDENT and self.public_text:
            return str(_("Den som rapporterade; alla ser den redigerade versionen"))
        if self.audience == Audience.RESIDENT and self.kind in self.STATUS_KINDS:
            return str(_("Den som rapporterade; alla ser bara statusen"))
        return str(Audience(self.audience).label)


class UnitLinkQuerySet(models.QuerySet):
    def valid(self) -> UnitLinkQuerySet:
        return self.filter(revoked__isnull=True, expires__gt=timezone.now())


class UnitLink(models.Model):
    """A link that opens one case for the unit it was sent to, without an account.

    Valid for that case only, until it expires or staff revoke it (a new unit, a closed
    case, or by hand); only the token's SHA-256 is stored. Every use is logged.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    objects = UnitLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    @property
    def is_valid(self) -> bool:
        """Unrevoked, unexpired, and the case still lies with this unit."""
        return (
            self.revoked is None
            and self.expires > timezone.now()
            and self.report.unit_id == self.unit_id
        )


def photo_path(instance: ReportPhoto, filename: str) -> str:
    # Random names: a file name must not reveal the report or what the resident called it.
    return f"photos/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.jpg"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    approved = models.BooleanField(_("godkänd för publicering"), default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class Voice(models.Model):
    """'Jag håller också med': one more resident who feels the same about a reported place."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="voices")
    # A hash of the browser session, only to count each visitor once; no personal data.
    voter_hash = models.CharField(max_length=64)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "voter_hash"], name="voice_once_per_voter"),
        ]


class ReferenceCounter(models.Model):
    """The municipality's numbering series per prefix and year (e.g. OTR-2026-00042)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="refcounter_unique"),
        ]


class ResponseTemplate(models.Model):
    """A ready answer a case handler can start from, per status."""

    # Each municipality keeps its own list (issue 14); rows without one are the default
    # municipality's, as every row was before (`reports.selectors`, scoped by the served one).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True,
        related_name="response_templates", verbose_name=_("kommun"),
    )
    title = models.CharField(_("rubrik"), max_length=100)
    status = models.CharField(_("för status"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("ordning"), default=0)

    objects = MunicipalityOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("svarsmall")
        verbose_name_plural = _("svarsmallar")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class SafetyFeedback(models.Model):
    """'Känns platsen tryggare nu?', asked once, two weeks after a case is resolved."""

    class Answer(models.TextChoices):
        YES = "yes", _("Ja")
        PARTLY = "partly", _("Delvis")
        NO = "no", _("Nej")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="feedback")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    asked = models.DateTimeField(default=timezone.now)
    answer = models.CharField(_("svar"), max_length=10, choices=Answer.choices, blank=True)
    answered = models.DateTimeField(null=True, blank=True)


class UnitDigest(models.Model):
    """One row per unit and day the daily digest went out, so a second run sends nothing."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    open_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="digest_once_per_day"),
        ]
