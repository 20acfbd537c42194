from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality, OwnMunicipalityQuerySet, ResidentialArea


class OffenceGroup(models.TextChoices):
    """The few groups the situation picture counts; every source's own types map onto them."""

    RESIDENTIAL_BURGLARY = "residential_burglary", _("Bostadsinbrott")
    OTHER_BURGLARY = "other_burglary", _("Övriga inbrott")
    VANDALISM = "vandalism", _("Skadegörelse")
    VIOLENCE = "violence", _("Våld")
    THEFT = "theft", _("Stöld")
    TRAFFIC = "traffic", _("Trafik")
    DISTURBANCE = "disturbance", _("Ordningsstörning")
    FIRE = "fire", _("Brand")
    OTHER = "other", _("Övrigt")


# The labels above head a select or a column ("Brand"). Inside a sentence a group needs a
# lower-case noun that reads after "risken för" ("risken för brand", "risken för
# ordningsstörningar"), and a count needs the noun in singular and plural ("3 bränder"):
# lower-casing the label gave "4 skadegörelse" and "Brand" mid-sentence.
GROUP_IN_SENTENCE = {
    OffenceGroup.RESIDENTIAL_BURGLARY: _("bostadsinbrott"),
    OffenceGroup.OTHER_BURGLARY: _("andra inbrott"),
    OffenceGroup.VANDALISM: _("skadegörelse"),
    OffenceGroup.VIOLENCE: _("våld"),
    OffenceGroup.THEFT: _("stöld"),
    OffenceGroup.TRAFFIC: _("trafikhändelser"),
    OffenceGroup.DISTURBANCE: _("ordningsstörningar"),
    OffenceGroup.FIRE: _("brand"),
    OffenceGroup.OTHER: _("övriga händelser"),
}
GROUP_COUNTED = {
    OffenceGroup.RESIDENTIAL_BURGLARY: ngettext_lazy(
        "%(n)s bostadsinbrott", "%(n)s bostadsinbrott", "n"
    ),
    OffenceGroup.OTHER_BURGLARY: ngettext_lazy("%(n)s annat inbrott", "%(n)s andra inbrott", "n"),
    OffenceGroup.VANDALISM: ngettext_lazy("%(n)s skadegörelse", "%(n)s skadegörelser", "n"),
    OffenceGroup.VIOLENCE: ngettext_lazy("%(n)s våldsbrott", "%(n)s våldsbrott", "n"),
    OffenceGroup.THEFT: ngettext_lazy("%(n)s stöld", "%(n)s stölder", "n"),
    OffenceGroup.TRAFFIC: ngettext_lazy("%(n)s trafikhändelse", "%(n)s trafikhändelser", "n"),
    OffenceGroup.DISTURBANCE: ngettext_lazy(
        "%(n)s ordningsstörning", "%(n)s ordningsstörningar", "n"
    ),
    OffenceGroup.FIRE: ngettext_lazy("%(n)s brand", "%(n)s bränder", "n"),
    OffenceGroup.OTHER: ngettext_lazy("%(n)s annan händelse", "%(n)s andra händelser", "n"),
}


class IncidentSource(models.TextChoices):
    POLICE_FEED = "police_feed", _("Polisens händelser")
    CSV = "csv", _("Importerad fil")
    STAFF = "staff", _("Observation från kommunen")


class IncidentQuerySet(models.QuerySet):
    def in_municipality(self, code: str) -> IncidentQuerySet:
        return self.filter(municipality_code=code)

    def for_code(self, code: str) -> IncidentQuerySet:
        """The incidents of the municipality `code` while it is the only one served
        (`analytics.selectors.incidents_here`): its own, and for the default municipality
        also those without a code (a file's row without position or municipality, an event
        of the county), which were all its own before issue 14."""
        if code == settings.MUNICIPALITY_CODE:
            return self.filter(municipality_code__in=(code, ""))
        return self.in_municipality(code)

    def counted(self) -> IncidentQuerySet:
        """Leave out the police feed's events that are the same event as a file's row or a
        staff observation (`Incident.same_as`): every count reads one record per event."""
        return self.filter(same_as__isnull=True)

    def with_clock(self) -> IncidentQuerySet:
        """Annotated with `clock_at` and `clock_known`: the time by the hour, which for a
        record with its date alone is that of the police feed's event it is linked to
        (`Incident.same_as`), since that event is no longer counted itself; else
        `occurred_at` and `time_known`. For the time profiles and the busiest hours. A
        line of a police digest has no clock time of its own to lend (`time_known` false:
        the digest's time is the morning after)."""
        from_feed = Q(time_known=False, feed_copy__isnull=False, feed_copy__time_known=True)
        return self.annotate(
            clock_at=Case(
                When(from_feed, then=F("feed_copy__occurred_at")), default=F("occurred_at")
            ),
            clock_known=Case(
                When(from_feed, then=Value(True)),
                default=F("time_known"),
                output_field=models.BooleanField(),
            ),
        )

    def precise(self) -> IncidentQuerySet:
        """Only incidents with a real position: the ones that may count for an area or cell."""
        return self.filter(precise=True)

    def of_group(self, group: str | Iterable[str]) -> IncidentQuerySet:
        if isinstance(group, str):
            return self.filter(offence_group=group)
        return self.filter(offence_group__in=list(group))

    def between(self, start: datetime, end: datetime) -> IncidentQuerySet:
        """Half-open [start, end), so consecutive periods never count an incident twice."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)

    def in_area(self, area: ResidentialArea) -> IncidentQuerySet:
        return self.filter(area=area)


class Incident(models.Model):
    """Something that happened, from the police feed, an imported file or a staff member.

    Only `precise` incidents have the scene as their position. The police feed gives the
    centre of the municipality or county instead, so its incidents count for the
    municipality and never for a residential area or a map cell.
    """

    source = models.CharField(_("källa"), max_length=20, choices=IncidentSource.choices)
    # The source's own identifier (or a hash of the row); with `source` it makes re-imports
    # of the same feed or file add nothing. A file's id may be prefixed by the source system
    # its importer named ("securitas:17", `importers.namespaced_id`; a bare id holding ":"
    # is marked ":x:1"): 100 for the id itself and room for the system.
    external_id = models.CharField(_("id i källan"), max_length=200)
    occurred_at = models.DateTimeField(_("inträffade"), db_index=True)
    # A file may give the date alone (a "Datum" column without its "Tid"): such an incident
    # counts for its day, week and year, but is left out of everything by the hour (time
    # profiles, the suggestions' busiest hours) and is shown with its date only.
    # `occurred_at` is then local noon (`importers.UNKNOWN_CLOCK` says why).
    time_known = models.BooleanField(
        _("klockslag känt"),
        default=True,
        help_text=_(
            "Nej när källan bara angav datum (tiden sparas då som kl. 12) och för en rad ur "
            "någon av polisens sammanfattningar (tiden är sammanfattningens)."
        ),
    )
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    precise = models.BooleanField(
        _("exakt plats"),
        default=False,
        help_text=_("Nej när positionen bara är kommunens eller länets mittpunkt."),
    )
    municipality_code = models.CharField(_("kommunkod"), max_length=4, blank=True)
    municipality_name = models.CharField(_("kommun"), max_length=100, blank=True)
    area = models.ForeignKey(
        ResidentialArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("bostadsområde"),
    )
    offence_group = models.CharField(_("brottsgrupp"), max_length=30, choices=OffenceGroup.choices)
    type_label = models.CharField(_("typ i källan"), max_length=100, blank=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    source_url = models.URLField(_("länk till källan"), max_length=500, blank=True)
    synthetic = models.BooleanField(
        _("syntetisk"), default=False, help_text=_("Påhittade demodata, inte verkliga händelser.")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rapporterad av"),
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    # The uploaded file that added it, so a mistaken import can be undone
    # (`services.incident_import_undo`); empty for the feed, staff and earlier imports.
    incident_import = models.ForeignKey(
        "IncidentImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("filimport"),
    )

    # A police feed event that a file or a staff member recorded as well: the police publish
    # a selection of their events with the municipality's centre as the place, and the same
    # burglary may come again in the police's or the municipality's own file with its real
    # place. Such a feed event points at that record and is left out of every count
    # (`IncidentQuerySet.counted`); one to one, set by `services.incidents_link_same`, and
    # undone by itself when that record is deleted (an import undone).
    same_as = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feed_copy",
        verbose_name=_("samma händelse som"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-occurred_at"]
        constraints = [
            # A file's ids are its municipality's own (the police feed's are unique anyway).
            models.UniqueConstraint(
                fields=["source", "municipality_code", "external_id"],
                name="incident_unique_source_id_per_municipality",
            ),
            # Both or neither, and spelt out: SQL lets a CHECK on a NULL column pass.
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(
                    lat__isnull=False,
                    lon__isnull=False,
                    lat__gte=-90,
                    lat__lte=90,
                    lon__gte=-180,
                    lon__lte=180,
                ),
                name="incident_position_in_world",
            ),
            # A municipality centre must never end up in a residential area or a map cell.
            models.CheckConstraint(
                condition=Q(precise=False) | Q(lat__isnull=False, lon__isnull=False),
                name="incident_precise_has_position",
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(precise=True),
                name="incident_area_needs_precise",
            ),
            # Only a feed event stands aside for another record, never the record itself.
            models.CheckConstraint(
                condition=Q(same_as__isnull=True) | Q(source=IncidentSource.POLICE_FEED),
                name="incident_same_as_only_feed",
            ),
        ]
        indexes = [
            models.Index(fields=["offence_group", "occurred_at"], name="incident_group_time"),
            models.Index(fields=["area", "occurred_at"], name="incident_area_time"),
            models.Index(
                fields=["municipality_code", "occurred_at"], name="incident_municipality_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_offence_group_display()} {self.when}"

    @property
    def when(self) -> str:
        """When it happened as text, in local time: the date alone when the clock time is
        not known, never a made-up "12:00"."""
        local = timezone.localtime(self.occurred_at)
        return f"{local:%Y-%m-%d %H:%M}" if self.time_known else f"{local:%Y-%m-%d}"


class PresenceKind(models.TextChoices):
    FOOT = "foot", _("Till fots")
    CAR = "car", _("I bil")
    EVENT = "event", _("Vid evenemang")
    MEETING = "meeting", _("Möte eller dialog")


class PolicePresence(models.Model):
    """Police seen in a place for a while: what the promise of visibility is followed up by."""

    # Its own column, not the area's: presence logged at a point outside every residential
    # area (a road, an event ground) still belongs to one municipality's follow-up.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("kommun"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("polis"),
    )
    started = models.DateTimeField(_("började"), db_index=True)
    minutes = models.PositiveIntegerField(_("minuter"))
    kind = models.CharField(_("slag"), max_length=10, choices=PresenceKind.choices)
    area = models.ForeignKey(
        ResidentialArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("bostadsområde"),
    )
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = OwnMunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("polisnärvaro")
        verbose_name_plural = _("polisnärvaro")
        ordering = ["-started"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=24 * 60), name="presence_minutes_day"
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="presence_position_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=False) | Q(lat__isnull=False),
                name="presence_has_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started:%Y-%m-%d %H:%M} {self.minutes} min"


class NearRepeatAlertQuerySet(models.QuerySet):
    def for_code(self, code: str) -> NearRepeatAlertQuerySet:
        """The alerts for residential areas of the municipality `code` (an alert always has
        one; a join, no query for the municipality's row)."""
        return self.filter(area__municipality__code=code)

    def for_codes(self, codes: Iterable[str]) -> NearRepeatAlertQuerySet:
        return self.filter(area__municipality__code__in=list(codes))


class NearRepeatAlert(models.Model):
    """A ready-to-send warning for an area after a residential burglary in or near it.

    Analytics prepares one per (burglary, nearby area); the neighbourhood-watch app decides
    which areas have contact persons to send it to.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="alerts")
    area = models.ForeignKey(ResidentialArea, on_delete=models.CASCADE, related_name="+")
    distance_m = models.FloatField(_("avstånd (m)"))
    created = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = NearRepeatAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("förberett larm om upprepat inbrott")
        verbose_name_plural = _("förberedda larm om upprepade inbrott")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "area"], name="alert_once_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.incident}"


def county_key(county: str) -> str:
    """`FeedFetch.counts`'s key for the events the police place in the county `county` (its
    code, "25") only, which concern every municipality of that county."""
    return f"county:{county}"


class FeedFetch(models.Model):
    """One call to the police's events feed (or one the rules made us skip), for the rules'
    limits across separate cron runs, for staff and for `/readyz`."""

    class Outcome(models.TextChoices):
        # A call reserved and under way (or one whose run died): it counts in the limits.
        STARTED = "started", _("Påbörjad")
        OK = "ok", _("Hämtad")
        # Plain words for staff; the HTTP status is kept in `http_status` and `error` for the
        # operator (the admin, the command's output).
        SKIPPED = "skipped", _("Hoppades över (flödets regler)")
        # 429: the police asked us to wait.
        RATE_LIMITED = "rate_limited", _("För många anrop – väntar")
        # 403: the police refused the call (under their rules, perhaps a block). Both are
        # refusals for our back-off, and either ends the run (`feed._attempt`).
        REFUSED = "refused", _("Nekad av polisen")
        GONE = "gone", _("Adressen finns inte längre")
        FAILED = "failed", _("Misslyckades")

    # How `error` begins for an answer larger than the feed's limit (`feed.MAX_ANSWER_BYTES`),
    # written by `feed._attempt`: the one fact the explanation reads from `error` (never
    # showing it), as no field holds it (the status is 200, as a broken answer's).
    TOO_LARGE = "AnswerTooLarge"

    started = models.DateTimeField(_("tid"), db_index=True)
    url = models.CharField(_("adress"), max_length=500)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP-status"), null=True, blank=True)
    # No call before this moment (the feed's Retry-After, or our own back-off).
    retry_after = models.DateTimeField(_("nästa anrop tidigast"), null=True, blank=True)
    events = models.PositiveIntegerField(_("händelser i svaret"), default=0)
    imported = models.PositiveIntegerField(_("importerade"), default=0)
    duplicates = models.PositiveIntegerField(_("dubbletter"), default=0)
    rejected = models.PositiveIntegerField(_("avvisade"), default=0)
    # Events of municipalities the deployment does not serve (a county digest's other
    # towns): read, not stored.
    outside = models.PositiveIntegerField(_("andra orter"), default=0)
    # The counts above mix every municipality served, as the one call serves them all; staff
    # see only their own: {share: {"imported": n, "duplicates": n, "rejected": n}}, a share
    # being a municipality's code, `county_key(county)` for the events placed in a county
    # only, or "" for events of no known place; every served municipality and county of a
    # successful call has its share (zeros too). Empty for a call that failed (nothing
    # imported) and for one logged before they were kept. Older calls have no county shares
    # and no "rejected"; their "" holds the events placed in the county only as well.
    counts = models.JSONField(_("per kommun"), default=dict, blank=True)
    # The technical account (an exception, a status line, the rejected events with their
    # ids, other municipalities' too): for the operator (the command, the admin). Staff see
    # `explanation` instead.
    error = models.TextField(_("fel"), blank=True)

    class Meta:
        verbose_name = _("hämtning av polisens händelser")
        verbose_name_plural = _("hämtningar av polisens händelser")
        ordering = ["-started", "-pk"]

    def __str__(self) -> str:
        return f"{self.started:%Y-%m-%d %H:%M:%S} {self.outcome}"

    def share(self, code: str) -> dict | None:
        """The counts of the municipality `code`; None for a call logged before they were
        kept, or before it was served."""
        return self.counts.get(code)

    def county_share(self, code: str) -> dict | None:
        """The counts of the events placed only in the county of the municipality `code`;
        None for a call logged before they were kept per county."""
        return self.counts.get(county_key(code[:2]))

    def rejected_for(self, code: str) -> int | None:
        """The events of the call that could not be read and concern the municipality
        `code`: its own and its county's (never another municipality's). None when not known:
        a call that rejected some, logged before they were counted per municipality."""
        own = self.share(code)
        if own is None or "rejected" not in own:
            return 0 if self.rejected == 0 else None
        return own["rejected"] + (self.county_share(code) or {}).get("rejected", 0)

    def explanation(self, code: str) -> str | None:
        """What happened, in words for the staff of the municipality `code`, from the stored
        facts (never showing `error`, which is technical and names other municipalities'
        events). "" for a call with nothing to say; None for one whose facts are not known.
        A sentence, with its full stop (added here, so that every outcome has one)."""
        said = self._explained(code)
        return f"{said}." if said else said

    def _explained(self, code: str) -> str | None:
        if self.outcome == self.Outcome.OK:
            return self._ok_explained(code)
        if self.outcome == self.Outcome.RATE_LIMITED:
            return self._wait_explained()
        if self.outcome == self.Outcome.REFUSED:
            return self._refusal_explained()
        if self.outcome == self.Outcome.FAILED:
            return self._failure_explained()
        if self.outcome == self.Outcome.GONE:
            return gettext(
                "Adressen finns inte längre hos polisen; inga fler försök görs – kontakta "
                "systemförvaltaren"
            )
        if self.outcome == self.Outcome.STARTED:
            return gettext("Hämtningen pågår, eller avbröts innan den blev klar")
        if self.outcome == self.Outcome.SKIPPED:
            return gettext("Inget anrop gjordes: polisens regler för hur ofta tjänsten får anropas")
        return None

    def _failure_explained(self) -> str:
        if self.http_status is None:
            return gettext("Polisens tjänst svarade inte (nätverksfel)")
        if self.error.startswith(self.TOO_LARGE):
            return gettext(
                "Polisens svar var för stort för att tas emot; nästa hämtning försöker "
                "igen – kontakta systemförvaltaren om det upprepas"
            )
        if self.http_status == 200:
            return gettext("Polisens svar gick inte att läsa")
        if 300 <= self.http_status < 400:  # never followed (`feed._get`)
            return gettext(
                "Polisens tjänst svarade med en omdirigering (HTTP %(status)s), som inte "
                "följs; systemförvaltaren behöver kontrollera adressen till polisens tjänst"
            ) % {"status": self.http_status}
        return gettext("Polisens tjänst svarade med ett fel (%(status)s)") % {
            "status": self.http_status
        }

    def _ok_explained(self, code: str) -> str | None:
        rejected = self.rejected_for(code)
        if rejected is None:
            return None
        parts = []
        own = self.share(code) or {}
        # Events fetched before that the police have since edited (`services._police_edits`).
        if updated := own.get("updated", 0):
            parts.append(
                ngettext(
                    "%(count)d händelse som hämtats förut hade ändrats av polisen och uppdaterades",
                    "%(count)d händelser som hämtats förut hade ändrats av polisen och "
                    "uppdaterades",
                    updated,
                )
                % {"count": updated}
            )
        if moved := own.get("moved", 0):
            parts.append(
                ngettext(
                    "%(count)d händelse har polisen flyttat till en annan kommun; den räknas "
                    "inte längre här",
                    "%(count)d händelser har polisen flyttat till en annan kommun; de räknas "
                    "inte längre här",
                    moved,
                )
                % {"count": moved}
            )
        if rejected:
            parts.append(
                ngettext(
                    "%(count)d händelse kunde inte läsas",
                    "%(count)d händelser kunde inte läsas",
                    rejected,
                )
                % {"count": rejected}
            )
        # Of no known place: they may be this municipality's as well as any other's.
        if unplaced := self.counts.get("", {}).get("rejected", 0):
            parts.append(
                ngettext(
                    "%(count)d händelse utan känd kommun kunde inte läsas",
                    "%(count)d händelser utan känd kommun kunde inte läsas",
                    unplaced,
                )
                % {"count": unplaced}
            )
        return "; ".join(parts)

    def _wait_explained(self) -> str:
        if self.retry_after is None:
            return gettext("Polisen bad oss vänta med nästa försök")
        return self._with_next_attempt(
            gettext("Polisen bad oss vänta; nästa försök tidigast kl. %(time)s"),
            gettext("Polisen bad oss vänta; nästa försök tidigast %(date)s kl. %(time)s"),
        )

    def _refusal_explained(self) -> str:
        if self.retry_after is None:
            return gettext("Polisen nekade anropet (HTTP 403)")
        return self._with_next_attempt(
            gettext("Polisen nekade anropet (HTTP 403); nästa försök tidigast kl. %(time)s"),
            gettext(
                "Polisen nekade anropet (HTTP 403); nästa försök tidigast %(date)s kl. %(time)s"
            ),
        )

    def _with_next_attempt(self, same_day: str, other_day: str) -> str:
        """`same_day` with the time of `retry_after`, or `other_day` with its date too, on
        the reader's clock: Swedish time, summer or winter (the stored moment is UTC)."""
        until = timezone.localtime(self.retry_after)
        if until.date() == timezone.localtime(self.started).date():
            return same_day % {"time": f"{until:%H:%M}"}
        return other_day % {"date": f"{until:%Y-%m-%d}", "time": f"{until:%H:%M}"}


# A worker polls the queue every few seconds (`db_worker --interval 2`) and an import runs
# alone on its queue, so one still queued after this has no worker to run it.
QUEUE_PATIENCE = timedelta(minutes=5)
# A running import notes its progress every few hundred rows (`services.PROGRESS_EVERY`, well
# under a second apart) and when its reading is done; only the saving, one transaction, goes
# unseen (about a minute for the largest file allowed, docs/benchmarks.md). One silent this
# long has lost its worker (killed mid-import: the task is never run again).
RUN_PATIENCE = timedelta(minutes=15)


# A value a rejection quotes (`importers.quoted`, shown with Python's repr): 'x' or "x's".
_QUOTED_VALUE_RE = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass
class RejectionCause:
    """Rows rejected for the same reason (`IncidentImport.rejection_causes`)."""

    reason: str
    wheres: list[str]

    @property
    def rows(self) -> int:
        return len(self.wheres)

    @property
    def examples(self) -> str:
        """The first rows' places ("rad 2, rad 5, rad 9 …")."""
        shown = ", ".join(self.wheres[:CAUSE_EXAMPLES])
        return shown + (" …" if len(self.wheres) > CAUSE_EXAMPLES else "")


CAUSE_EXAMPLES = 5


def _moving(now: datetime) -> Q:
    return Q(status=IncidentImport.Status.RUNNING, progressed__gte=now - RUN_PATIENCE)


class IncidentImportQuerySet(models.QuerySet):
    def at_work(self, now: datetime) -> IncidentImportQuerySet:
        """Running and seen moving within RUN_PATIENCE: an import that may still write.
        One silent longer lost its worker (its one transaction rolled back) and keeps no
        other import or undo waiting."""
        return self.filter(_moving(now))

    def in_the_way(self, now: datetime) -> IncidentImportQuerySet:
        """Queued (it may start at any moment) or at work (`at_work`)."""
        return self.filter(Q(status=IncidentImport.Status.QUEUED) | _moving(now))


class IncidentImport(models.Model):
    """A file imported for a municipality and how its import went: a CSV file a staff member
    uploaded (kept for its column mapping until it has run), or a file imported on the
    server with `import_incidents`, recorded when it has run so the history holds both."""

    class Via(models.TextChoices):
        WEB = "web", _("Uppladdad på webbsidan")
        COMMAND = "command", _("Importerad på servern (import_incidents)")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Väntar på kolumnval")
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Importeras")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("kommun"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uppladdad av"),
    )
    via = models.CharField(_("hur"), max_length=10, choices=Via.choices, default=Via.WEB)
    file_name = models.CharField(_("filnamn"), max_length=255)
    # The system the file comes from, as its importer named it ("" for none): one
    # municipality's files from two systems may number their rows alike, and a file's ids
    # are then its system's (`importers.namespaced_id`).
    system = models.CharField(_("källsystem"), max_length=40, blank=True, default="")
    # The file itself, private in the database (never under a public media URL); emptied
    # when the import has run, since its free text may name people.
    data = models.BinaryField(_("fil"), default=bytes)
    mapping = models.JSONField(_("kolumnmappning"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rader (ungefär)"), default=0)
    rows_done = models.PositiveIntegerField(_("lästa rader"), default=0)
    imported = models.PositiveIntegerField(_("importerade"), default=0)
    duplicates = models.PositiveIntegerField(_("dubbletter"), default=0)
    rejected = models.PositiveIntegerField(_("avvisade"), default=0)
    outside = models.PositiveIntegerField(_("andra orter"), default=0)
    # The file's totals rows ("Summa;;3"): neither incidents nor mistakes (`importers.Skipped`).
    skipped = models.PositiveIntegerField(_("summarader"), default=0)
    rejections = models.JSONField(_("avvisade rader"), default=list, blank=True)
    error = models.TextField(_("fel"), blank=True)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    # When its columns were chosen and it was put on the task queue.
    queued = models.DateTimeField(_("köad"), null=True, blank=True)
    # When the running import last moved on (started, read more rows, began saving), so that
    # one whose worker died is told from one still at work (`stalled_since`).
    progressed = models.DateTimeField(_("senast framåt"), null=True, blank=True)
    finished = models.DateTimeField(_("klar"), null=True, blank=True)
    # The upload form's one-time key with the file's name and contents (`uploads._upload_key`):
    # a double submit keeps one file, the form sent back with another file makes another.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A mistaken import undone: when, by whom, and how many of its incidents went (those it
    # added and that were still there; its duplicates were others' and stay).
    undone = models.DateTimeField(_("ångrad"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ångrad av"),
    )
    removed = models.PositiveIntegerField(_("borttagna händelser"), default=0)
    # The stored incidents its rows were duplicates of. Undoing the import that added one
    # of them hands it on to the earliest later import that had it too (`handed_on` counts
    # them) instead of deleting a row that file still holds.
    confirmed = models.ManyToManyField(
        Incident, blank=True, related_name="confirmed_by", verbose_name=_("dubbletter av")
    )
    handed_on = models.PositiveIntegerField(_("lämnade till senare importer"), default=0)

    objects = IncidentImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("filimport")
        verbose_name_plural = _("filimporter")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def phase(self) -> str:
        """What the progress says: the status, or, once every row is read, that they are
        being saved (one transaction the page cannot see into, about half the time)."""
        reading_done = self.total_rows and self.rows_done >= self.total_rows
        if self.status == self.Status.RUNNING and reading_done:
            return _("Sparar i databasen")
        return self.get_status_display()

    def waiting_since(self, now: datetime) -> datetime | None:
        """When the import was queued, if it has waited longer than a worker takes to pick
        one up (QUEUE_PATIENCE): then the task worker has likely stopped and staff must be
        told, not shown "I kö" until the two-hour sweep fails it. None otherwise."""
        since = self.queued or self.created
        if self.status == self.Status.QUEUED and since and now - since > QUEUE_PATIENCE:
            return None if self.behind_another(now) else since
        return None

    def behind_another(self, now: datetime) -> bool:
        """Queued while another import of its municipality is at work: it starts after that
        one (`services._import_claim`), however long that takes; not a stopped worker."""
        if self.status != self.Status.QUEUED:
            return False
        others = IncidentImport.objects.at_work(now).filter(municipality_id=self.municipality_id)
        return others.exclude(pk=self.pk).exists()

    def stalled_since(self, now: datetime) -> datetime | None:
        """When the import was last seen moving, if it has stopped: queued too long
        (`waiting_since`), or running and silent for longer than RUN_PATIENCE (its worker
        was killed or the server stopped mid-import; the saving's one transaction rolled
        back). None while it waits or runs as it should."""
        if since := self.waiting_since(now):
            return since
        running = self.status == self.Status.RUNNING
        if running and self.progressed and now - self.progressed > RUN_PATIENCE:
            return self.progressed
        return None

    @property
    def stands_still(self) -> bool:
        """Stopped now (`stalled_since`): the history says so, not "Importeras" or "I kö"."""
        return self.stalled_since(timezone.now()) is not None

    @property
    def may_undo(self) -> bool:
        """A finished upload that added incidents and is not undone yet. Only uploads know
        their incidents (`Incident.incident_import`); a file imported on the server does
        not."""
        return (
            self.status == self.Status.DONE
            and self.via == self.Via.WEB
            and self.imported > 0
            and self.undone is None
        )

    def also_in_feed(self) -> int:
        """How many of the incidents this upload added are also a police feed event now
        (`Incident.same_as`): counted once, here. One query."""
        return self.incidents.filter(feed_copy__isnull=False).count()

    def rejection_causes(self) -> list[RejectionCause]:
        """The reasons shared by two or more of the rejected rows shown, the most common
        first: a file whose 900 rows fail alike reads as one line, not 900. Rows are alike
        when their reasons differ only in the value quoted ("tiden '5/3' …", "tiden '6/3'
        …"), which is shown as "…"."""
        causes: dict[str, RejectionCause] = {}
        for message in self.rejections:
            where, separator, reason = str(message).partition(": ")
            if not separator:
                continue
            pattern = _QUOTED_VALUE_RE.sub("'…'", reason)
            cause = causes.setdefault(pattern, RejectionCause(pattern, []))
            cause.wheres.append(where)
        alike = [cause for cause in causes.values() if len(cause.wheres) > 1]
        return sorted(alike, key=lambda cause: -len(cause.wheres))

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.rows_done / self.total_rows)) if self.total_rows else 0
