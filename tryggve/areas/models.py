from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from tryggve.lib.sms import SMS_SENDER_RE
from tryggve.lib.validators import validate_one_line


def site_path_segments() -> set[str]:
    """The first path segments of the site's own pages (`personal`, `admin`, `karta`, …),
    which no municipality may take as its slug on the shared host."""
    from django.urls import URLResolver, get_resolver

    def first_segments(patterns, prefix=""):
        found = set()
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver) and not route:
                found |= first_segments(pattern.url_patterns)
            else:
                found.add(route.split("/")[0].lower())
        return found

    files = {
        url.strip("/").split("/")[0].lower() for url in (settings.STATIC_URL, settings.MEDIA_URL)
    }
    return (first_segments(get_resolver().url_patterns) | files) - {""}


class GeometryFields(models.Model):
    """A polygon stored as WGS84 GeoJSON with its bounding box for cheap prefiltering."""

    geometry = models.JSONField(_("geometri (GeoJSON, WGS84)"))
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)

    class Meta:
        abstract = True

    @cached_property
    def shape(self) -> BaseGeometry:
        return shape(self.geometry)

    def set_geometry(self, geom: BaseGeometry) -> None:
        from tryggve.lib.geo import to_geojson

        self.geometry = to_geojson(geom)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geom.bounds
        self.__dict__.pop("shape", None)

    def contains_point(self, lat: float, lon: float) -> bool:
        from shapely.geometry import Point

        if not (self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat):
            return False
        return self.shape.covers(Point(lon, lat))

    def inner_point(self) -> tuple[float, float]:
        """A point inside the polygon as (lat, lon): the centre of its bounding box when
        that lies inside, else one shapely guarantees is inside (a crooked outline)."""
        lat, lon = (self.min_lat + self.max_lat) / 2, (self.min_lon + self.max_lon) / 2
        if self.contains_point(lat, lon):
            return lat, lon
        point = self.shape.representative_point()
        return point.y, point.x


class Municipality(GeometryFields):
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    police_area = models.CharField(_("lokalpolisområde"), max_length=100, blank=True)
    # The municipality's web domain (arvidsjaur.se): Open311 clients name it as jurisdiction.
    domain = models.CharField(_("webbdomän"), max_length=100, blank=True)
    # The promise's own rule: neighbourhood watch starts when this share of households joins.
    watch_threshold_percent = models.PositiveSmallIntegerField(
        _("andel hushåll som krävs för grannsamverkan (%)"), default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # Serving several municipalities from one deployment (tryggve.areas.middleware): a
    # municipality is served at its own host names (`trygg.arjeplog.se`) or, on a shared
    # host, under `/<slug>/`. The default municipality (settings.MUNICIPALITY_CODE) needs
    # neither; a municipality with neither (a neighbour's data) is not served at all.
    slug = models.SlugField(
        _("sökväg på delad värd"), max_length=50, blank=True,
        help_text=_("Till exempel ”arjeplog” för /arjeplog/ på en värd som flera kommuner delar."),
    )
    hosts = models.CharField(
        _("värdnamn"), max_length=300, blank=True,
        help_text=_("Värdnamn som visar kommunens sidor, åtskilda med mellanslag."),
    )
    # Staff who may use the municipality's staff pages (tryggve.areas.access).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="municipalities",
        verbose_name=_("personal"),
    )
    # Its public identity (tryggve.areas.identity). Blank fields fall back to what a
    # deployment serving one municipality has always shown: the default municipality's own
    # texts and the stylesheet's colour, so an untouched deployment looks exactly as before.
    service_name = models.CharField(
        _("tjänstens namn"), max_length=100, blank=True, validators=[validate_one_line],
        help_text=_("Namnet i sidhuvudet, till exempel ”Trygg i Arjeplog”."),
    )
    organisation_name = models.CharField(
        _("organisationens namn"), max_length=100, blank=True, validators=[validate_one_line],
        help_text=_("Till exempel ”Arjeplogs kommun”: ansvarig på sidorna om personuppgifter "
                    "och tillgänglighet."),
    )
    brand_colour = models.CharField(
        _("profilfärg"), max_length=7, blank=True,
        help_text=_("Sidhuvudets bakgrund som #RRGGBB. Vit text på färgen måste nå "
                    "kontrastkravet 4,5:1 (WCAG AA)."),
    )
    logo = models.FileField(
        _("logotyp"), upload_to="municipality-logos/", blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text=_("JPEG, PNG eller WebP. Visas i sidhuvudet med kommunens namn som "
                    "alternativtext."),
    )
    contact_phone = models.CharField(
        _("telefon (växel)"), max_length=40, blank=True, validators=[validate_one_line]
    )
    contact_email = models.EmailField(_("e-post till kommunen"), blank=True)
    contact_address = models.CharField(
        _("postadress"), max_length=200, blank=True, validators=[validate_one_line]
    )
    privacy_officer_email = models.EmailField(_("e-post till dataskyddsombudet"), blank=True)
    # Blank: settings.SMS_SENDER, else the gateway's own name (tryggve.lib.sms).
    sms_sender = models.CharField(
        _("avsändare för sms"), max_length=11, blank=True,
        validators=[RegexValidator(SMS_SENDER_RE, _(
            "Högst elva tecken: bokstäverna A–Z (utan å, ä och ö) och siffror, minst en "
            "bokstav och inga mellanslag, till exempel ”Arjeplog”."
        ))],
        help_text=_("Namnet som står som avsändare på sms från tjänsten, till exempel "
                    "”Arjeplog”. Tomt: tjänstens gemensamma avsändare."),
    )
    # The series of its reports' references (OTR-2026-00001), each prefix counted on its own
    # (tryggve.reports.services.reference_next); blank: settings.REPORT_REFERENCE_PREFIX.
    reference_prefix = models.CharField(
        _("prefix för diarienummer"), max_length=10, blank=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{0,9}$", _(
            "Använd versaler A–Z och siffror, högst tio tecken, till exempel ”ARJ”."
        ))],
    )

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=~models.Q(slug=""), name="municipality_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["reference_prefix"], condition=~models.Q(reference_prefix=""),
                name="municipality_unique_reference_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def host_names(self) -> list[str]:
        return [h.strip().lower() for h in self.hosts.split() if h.strip()]

    def clean(self) -> None:
        """An administrator cannot make the header unreadable or a logo that is no image."""
        from tryggve.lib.colours import contrast_with_white, parse_hex

        super().clean()
        errors = {}
        if self.brand_colour:
            rgb = parse_hex(self.brand_colour)
            if rgb is None:
                errors["brand_colour"] = _("Ange färgen som #RRGGBB, till exempel #0b4f6c.")
            elif contrast_with_white(rgb) < 4.5:
                errors["brand_colour"] = _(
                    "Vit text på färgen har kontrasten %(ratio).1f:1; minst 4,5:1 krävs "
                    "(WCAG AA). Välj en mörkare färg."
                ) % {"ratio": contrast_with_white(rgb)}
            else:
                self.brand_colour = self.brand_colour.lower()
        if self.logo and not getattr(self.logo, "_committed", True):
            from tryggve.lib.images import ImageRejected, clean_image

            self.logo.seek(0)
            try:
                clean_image(self.logo.read(), self.logo.name)
            except ImageRejected as rejected:
                errors["logo"] = str(rejected)
            self.logo.seek(0)
        if self.code and not re.fullmatch(r"\d{4}", self.code):
            errors["code"] = _("Kommunkoden är fyra siffror, till exempel 2506.")
        # A slug is the first segment of a path on the shared host, so one that is also a
        # page of the site (`personal`, `admin`) would take that page from every other
        # municipality: their staff could no longer log in.
        if self.slug and self.slug.lower() in site_path_segments():
            errors["slug"] = _(
                "”%(slug)s” är redan en sida i tjänsten (/%(slug)s/). Välj ett annat namn, "
                "till exempel kommunens namn."
            ) % {"slug": self.slug}
        # A host name picks the municipality before anything else: one named by another
        # municipality would show this one's pages there instead.
        taken = {
            host
            for other in Municipality.objects.exclude(pk=self.pk).exclude(hosts="")
            for host in other.host_names
        } & set(self.host_names)
        if taken:
            errors["hosts"] = _("Värdnamnet används redan av en annan kommun: %(hosts)s.") % {
                "hosts": ", ".join(sorted(taken))
            }
        if self.reference_prefix and (
            self.reference_prefix == settings.REPORT_REFERENCE_PREFIX
            and self.code != settings.MUNICIPALITY_CODE
        ):
            errors["reference_prefix"] = _(
                "Prefixet är standardkommunens. Välj ett eget, så får kommunen en egen serie."
            )
        if errors:
            raise ValidationError(errors)


def of_own_municipality(code: str, *, area_path: str, prefix: str = "") -> models.Q:
    """A filter for rows of a model with its own nullable `municipality` column added after
    its first rows (police presence, watch areas), reached through `prefix` ("area__" from a
    household). A row without one is from before the column and belongs where the data
    migration would put it: to its residential area's municipality (`area_path`), else to
    the default one (settings.MUNICIPALITY_CODE), the only one served then."""
    own, area = f"{prefix}municipality", f"{prefix}{area_path}"
    before = models.Q(**{f"{area}__municipality__code": code})
    if code == settings.MUNICIPALITY_CODE:
        before |= models.Q(**{f"{area}__isnull": True})
    return models.Q(**{f"{own}__code": code}) | (models.Q(**{f"{own}__isnull": True}) & before)


class OwnMunicipalityQuerySet(models.QuerySet):
    """Rows of one municipality for a model with its own `municipality` column (see
    `of_own_municipality`); `area_path` names its foreign key to ResidentialArea."""

    area_path = "area"

    def for_code(self, code: str):
        return self.filter(of_own_municipality(code, area_path=self.area_path))

    def for_codes(self, codes: Iterable[str]):
        """Rows of any of the municipalities `codes` (none given: no rows)."""
        either = models.Q(pk__in=[])
        for code in codes:
            either |= of_own_municipality(code, area_path=self.area_path)
        return self.filter(either)

    def for_municipality(self, municipality: Municipality | None):
        """None (no municipality set up at all) leaves nothing out, as for reports."""
        return self.all() if municipality is None else self.for_code(municipality.code)


class ResidentialAreaQuerySet(models.QuerySet):
    def containing_bbox(self, lat: float, lon: float) -> ResidentialAreaQuerySet:
        return self.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)


class AreaKind(models.TextChoices):
    RESIDENTIAL = "residential", _("bostadsområde")
    STATISTICAL = "statistical", _("statistiskt område (lager)")


class ResidentialAreaManager(models.Manager.from_queryset(ResidentialAreaQuerySet)):
    """The municipality's residential areas only: statistical areas kept as a layer beside
    them (`AreaKind.STATISTICAL`) take part in nothing that means "the residential areas"
    (point-in-area, rankings, forms, figures, `municipality.areas`). Reach them through
    `ResidentialArea.all_kinds`."""

    def get_queryset(self) -> ResidentialAreaQuerySet:
        return super().get_queryset().filter(kind=AreaKind.RESIDENTIAL)


class ResidentialArea(GeometryFields):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="areas", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    slug = models.SlugField(_("kortnamn"), max_length=100)
    households = models.PositiveIntegerField(_("hushåll"), default=0)
    population = models.PositiveIntegerField(_("invånare"), default=0)
    # Hand-drawn and imported residential areas alike are RESIDENTIAL; SCB's statistical
    # areas imported "as a layer" are STATISTICAL and hidden by the default manager.
    kind = models.CharField(
        _("slag"), max_length=12, choices=AreaKind.choices, default=AreaKind.RESIDENTIAL
    )
    # SCB's DeSO (2505A0010) or RegSO (2505R001) code when imported from SCB's areas.
    scb_code = models.CharField(_("SCB-kod (DeSO/RegSO)"), max_length=12, blank=True)

    # The first manager is the default one, also behind `municipality.areas`; a foreign key
    # to a statistical area still resolves (Django follows keys with its plain base manager).
    objects = ResidentialAreaManager()
    all_kinds = ResidentialAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("bostadsområde")
        verbose_name_plural = _("bostadsområden")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="area_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class StreetQuerySet(models.QuerySet):
    def near_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        """Streets whose bounding box meets the given one (a cheap prefilter)."""
        return self.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )


class Street(GeometryFields):
    """A named street (a line) or place (a point) the system knows without any network.

    Used to say which street a position lies on and to find places by name on the report
    form. `approximate` marks positions drawn by hand rather than surveyed (the demo's)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="streets", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    approximate = models.BooleanField(
        _("ungefärligt läge"), default=False,
        help_text=_("Läget är inritat ungefär, inte inmätt."),
    )

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("gata")
        verbose_name_plural = _("gator")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="street_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AgeBand(models.TextChoices):
    """The age bands the safety survey asks for (`surveys.bank`, question `age`); the
    population table uses the same codes so answers and inhabitants line up. The survey asks
    people from 16, so younger inhabitants are in no band."""

    AGE_16_24 = "16_24", _("16–24 år")
    AGE_25_44 = "25_44", _("25–44 år")
    AGE_45_64 = "45_64", _("45–64 år")
    AGE_65_79 = "65_79", _("65–79 år")
    AGE_80 = "80", _("80 år eller äldre")


class PopulationCount(models.Model):
    """Inhabitants of one age band in a residential area (or the whole municipality when
    `area` is empty) at the end of a year, as SCB counts them (`import_population`)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="population_counts",
        verbose_name=_("kommun"),
    )
    area = models.ForeignKey(
        ResidentialArea, on_delete=models.CASCADE, null=True, blank=True,
        related_name="population_counts", verbose_name=_("bostadsområde"),
        help_text=_("Tomt betyder hela kommunen."),
    )
    age_band = models.CharField(_("åldersgrupp"), max_length=8, choices=AgeBand.choices)
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    count = models.PositiveIntegerField(_("antal invånare"))
    source = models.CharField(_("källa"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False)

    class Meta:
        verbose_name = _("befolkningstal")
        verbose_name_plural = _("befolkningstal")
        ordering = ["municipality", "year", "area", "age_band"]
        constraints = [
            # Two constraints because NULL never equals NULL in a unique index.
            models.UniqueConstraint(
                fields=["municipality", "area", "age_band", "year"],
                condition=models.Q(area__isnull=False),
                name="population_unique_area_band_year",
            ),
            models.UniqueConstraint(
                fields=["municipality", "age_band", "year"],
                condition=models.Q(area__isnull=True),
                name="population_unique_municipality_band_year",
            ),
            models.CheckConstraint(
                condition=models.Q(age_band__in=AgeBand.values), name="population_known_band"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2100), name="population_sane_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area or self.municipality} {self.get_age_band_display()} {self.year}"
