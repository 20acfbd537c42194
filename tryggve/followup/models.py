"""The follow-up of the citizen promises (medborgarlöften): the promise, its commitments, the
activities under them with their progress and history, the evidence each progress update
points at, manual indicators and the record of staff and citizen dialogues.

Every model carries its municipality or reaches it through its parent; every queryset has
`for_municipality`, and the pages read nothing else.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.lib.themes import OTHER, THEMES
from tryggve.reports.models import Category, Report
from tryggve.surveys.models import Survey
from tryggve.watch.models import WatchArea

# The themes an activity can answer ("Övrigt" answers nothing in particular).
THEME_CHOICES = [(t.code, _(t.name)) for t in THEMES if t.code != OTHER]


class Party(models.TextChoices):
    """Who is responsible for an activity; `accounts.roles.FOLLOWUP_PARTY_EDITORS` says who
    may edit it by these values."""

    MUNICIPALITY = "municipality", _("Kommunen")
    POLICE = "police", _("Polisen")
    BOTH = "both", _("Kommunen och polisen")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Genomförd")
    POSTPONED = "postponed", _("Uppskjuten")
    CANCELLED = "cancelled", _("Inställd")


# Statuses that need a reason (why was it postponed or cancelled?).
REASON_STATUSES = (ActivityStatus.POSTPONED, ActivityStatus.CANCELLED)
# Each status's colour (Okabe-Ito, as the report statuses); the name is always shown beside
# it, so colour is never the only cue. The CSS classes are `status-<value>` in followup.css.
STATUS_COLOURS = {
    ActivityStatus.PLANNED: "#56B4E9",
    ActivityStatus.ONGOING: "#E69F00",
    ActivityStatus.DONE: "#009E73",
    ActivityStatus.POSTPONED: "#CC79A7",
    ActivityStatus.CANCELLED: "#8C8C8C",
}


class ScopedQuerySet(models.QuerySet):
    """A queryset that keeps to one municipality: each model names the way from its rows to
    their municipality (its own field, or through its parents)."""

    municipality_path = "municipality"

    def for_municipality(self, municipality: Municipality | None):
        return self.filter(**{self.municipality_path: municipality})


def status_legend() -> list[dict]:
    """The statuses in order, each with its name and colour (the overview's legend)."""
    return [
        {"status": value, "label": label, "colour": STATUS_COLOURS[value]}
        for value, label in ActivityStatus.choices
    ]


class PromiseQuerySet(ScopedQuerySet):
    municipality_path = "municipality"

    def published(self) -> PromiseQuerySet:
        return self.filter(published=True)

    def current(self, today: datetime.date) -> Promise | None:
        """The promise whose period covers `today` (the latest starting, if several do)."""
        return (
            self.filter(period_start__lte=today, period_end__gte=today)
            .order_by("-period_start")
            .first()
        )


def covering(promises: list[Promise], today: datetime.date) -> Promise | None:
    """Of promises already read (latest first), the one whose period covers `today`."""
    return next((p for p in promises if p.period_start <= today <= p.period_end), None)


class Promise(models.Model):
    """A promise (medborgarlöfte) for a period between a municipality and a police area."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="promises", verbose_name=_("kommun")
    )
    police_area = models.CharField(_("lokalpolisområde"), max_length=100)
    period_start = models.DateField(_("gäller från"))
    period_end = models.DateField(_("gäller till"))
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("undertecknad text"), max_length=20000)
    signed_on = models.DateField(_("undertecknat"), null=True, blank=True)
    # A draft (next year's promise) stays off the public page until staff publish it.
    published = models.BooleanField(_("publicerat"), default=False)
    is_demo = models.BooleanField(_("demodata"), default=False)
    created = models.DateTimeField(_("skapad"), default=timezone.now)
    # Next year's draft points at the promise it was drafted from; unique, so drafting twice
    # (a double submit, two staff at once) leaves one draft.
    drafted_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_draft",
        verbose_name=_("utkast från"),
    )

    objects = PromiseQuerySet.as_manager()

    class Meta:
        verbose_name = _("medborgarlöfte")
        verbose_name_plural = _("medborgarlöften")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="promise_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # In words next to the field; the database's check would name its constraint.
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("Perioden slutar innan den börjar.")}
            )

    @property
    def period_label(self) -> str:
        if self.period_start.year == self.period_end.year:
            return str(self.period_start.year)
        return f"{self.period_start.year}–{self.period_end.year}"


class SignatoryQuerySet(ScopedQuerySet):
    municipality_path = "promise__municipality"


class Signatory(models.Model):
    """Who signed the promise (name and title, e.g. the head of the police area)."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveSmallIntegerField(_("ordning"), default=1)
    name = models.CharField(_("namn"), max_length=100)
    title = models.CharField(_("titel"), max_length=150)

    objects = SignatoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("undertecknare")
        verbose_name_plural = _("undertecknare")
        ordering = ["promise", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class CommitmentQuerySet(ScopedQuerySet):
    municipality_path = "promise__municipality"


class Commitment(models.Model):
    """One of the promise's commitments (e.g. "Grannsamverkan")."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="commitments")
    position = models.PositiveSmallIntegerField(_("ordning"))
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtagande")
        verbose_name_plural = _("åtaganden")
        ordering = ["promise", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "position"], name="commitment_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(ScopedQuerySet):
    municipality_path = "commitment__promise__municipality"


class Activity(models.Model):
    """What is done to keep a commitment: who is responsible, when, and how it stands."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("åtagande"),
    )
    title = models.CharField(_("vad"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    responsible_party = models.CharField(_("ansvarig part"), max_length=20, choices=Party.choices)
    responsible_name = models.CharField(_("ansvarig person"), max_length=100, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig i personalen"),
    )
    planned_start = models.DateField(_("planerad start"), null=True, blank=True)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    status_reason = models.TextField(_("skäl"), max_length=2000, blank=True)
    # What residents asked for that this activity answers (a `lib.themes` code): pairs it
    # with the survey's themes in "Du sa, vi gjorde" on the public page.
    theme = models.CharField(_("tema"), max_length=30, choices=THEME_CHOICES, blank=True)
    # A double submit of the create form saves once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(_("skapad"), default=timezone.now)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["commitment", "planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="activity_period_ordered",
            ),
            # Postponed or cancelled always says why.
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in REASON_STATUSES]) | ~Q(status_reason=""),
                name="activity_reason_when_stopped",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[ActivityStatus(self.status)]

    @property
    def responsible_label(self) -> str:
        """ "Polisen (Per Polis)": the party and, when known, the person."""
        party = Party(self.responsible_party).label
        person = self.responsible_name or (
            self.responsible_user.get_full_name() if self.responsible_user else ""
        )
        return f"{party} ({person})" if person else str(party)


class ActivityUpdateQuerySet(ScopedQuerySet):
    municipality_path = "activity__commitment__promise__municipality"

    def published(self) -> ActivityUpdateQuerySet:
        return self.filter(public=True)


class ActivityUpdate(models.Model):
    """Progress on an activity: what was done, how far it has come, and what shows it.

    Staff write the text; it reaches the public page only when staff publish it (`public`),
    since nothing written is public until someone has decided it may be."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("datum"))
    text = models.TextField(_("vad har hänt"), max_length=5000)
    percent = models.PositiveSmallIntegerField(
        _("andel klar (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    public = models.BooleanField(_("publicerad"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)

    objects = ActivityUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="activityupdate_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:40]}"


class ActivityEventQuerySet(ScopedQuerySet):
    municipality_path = "activity__commitment__promise__municipality"


class ActivityEvent(models.Model):
    """One row of an activity's history, as `reports.ReportEvent` is for a case."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Skapad")
        EDITED = "edited", _("Ändrad")
        STATUS = "status", _("Ändrad status")
        UPDATE = "update", _("Lägesrapport")
        PUBLISHED = "published", _("Lägesrapport publicerad")
        UNPUBLISHED = "unpublished", _("Lägesrapport avpublicerad")
        EVIDENCE = "evidence", _("Underlag kopplat")
        COUNCIL = "council", _("Rådets beslut eller kommentar")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=ActivityStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ActivityStatus.choices, blank=True)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)

    objects = ActivityEventQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["activity", "created"], name="activityevent_idx")]


class EvidenceKind(models.TextChoices):
    REPORT = "report", _("En rapport")
    REPORT_SET = "report_set", _("En grupp rapporter")
    WATCH_AREA = "watch_area", _("Ett grannsamverkansområde")
    PRESENCE = "presence", _("Polisnärvaro under en period")
    SURVEY = "survey", _("En trygghetsenkät")


class EvidenceLinkQuerySet(ScopedQuerySet):
    municipality_path = "update__activity__commitment__promise__municipality"


class EvidenceLink(models.Model):
    """What a progress update points at among what the system already holds, so that
    nothing is typed twice: a report, a group of reports (a category and/or an area in a
    period, or a list of references), a watch area, the police presence logged in a period
    (`analytics.PolicePresence`, optionally in one area), or a survey. The service checks
    that the target belongs to the promise's municipality."""

    update = models.ForeignKey(ActivityUpdate, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("slag"), max_length=20, choices=EvidenceKind.choices)
    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rapport"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kategori"),
    )
    area = models.ForeignKey(
        ResidentialArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bostadsområde"),
    )
    # A report set given as references, one per line (e.g. OTR-2026-00042).
    references = models.TextField(_("diarienummer"), max_length=2000, blank=True)
    watch_area = models.ForeignKey(
        WatchArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grannsamverkansområde"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enkät"),
    )
    date_from = models.DateField(_("från"), null=True, blank=True)
    date_to = models.DateField(_("till"), null=True, blank=True)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)

    objects = EvidenceLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")
        ordering = ["update", "id"]
        constraints = [
            # Each kind names its own target, and only it.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="report",
                        report__isnull=False,
                        watch_area__isnull=True,
                        survey__isnull=True,
                    )
                    | (
                        Q(
                            kind="report_set",
                            report__isnull=True,
                            watch_area__isnull=True,
                            survey__isnull=True,
                        )
                        & (Q(category__isnull=False) | Q(area__isnull=False) | ~Q(references=""))
                    )
                    | Q(
                        kind="watch_area",
                        watch_area__isnull=False,
                        report__isnull=True,
                        survey__isnull=True,
                    )
                    | Q(
                        kind="presence",
                        date_from__isnull=False,
                        date_to__isnull=False,
                        report__isnull=True,
                        watch_area__isnull=True,
                        survey__isnull=True,
                    )
                    | Q(
                        kind="survey",
                        survey__isnull=False,
                        report__isnull=True,
                        watch_area__isnull=True,
                    )
                ),
                name="evidence_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=models.F("date_from")),
                name="evidence_period_ordered",
            ),
        ]

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]

    @property
    def period_label(self) -> str:
        if self.date_from and self.date_to:
            return f"{self.date_from:%Y-%m-%d}–{self.date_to:%Y-%m-%d}"
        return ""

    @property
    def label(self) -> str:
        """What the link points at, in words, for the staff page."""
        kind = EvidenceKind(self.kind)
        parts: list[str] = []
        if kind == EvidenceKind.REPORT:
            parts.append(self.report.reference)
        elif kind == EvidenceKind.WATCH_AREA:
            parts.append(self.watch_area.name)
        elif kind == EvidenceKind.SURVEY:
            parts.append(self.survey.title)
        else:
            parts += [str(x) for x in (self.category, self.area) if x is not None]
            parts += self.reference_list()
        if self.period_label:
            parts.append(self.period_label)
        return f"{kind.label}: {', '.join(parts)}" if parts else str(kind.label)


class ManualIndicatorQuerySet(ScopedQuerySet):
    municipality_path = "municipality"


class ManualIndicator(models.Model):
    """A figure the system cannot count itself (lamps repaired, safety walks held)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="manual_indicators",
        verbose_name=_("kommun"),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="manual_indicators",
        verbose_name=_("åtagande"),
    )
    name = models.CharField(_("namn"), max_length=150)
    definition = models.TextField(_("definition"), max_length=2000)
    unit = models.CharField(_("enhet"), max_length=30, default="st")
    baseline = models.DecimalField(
        _("utgångsläge"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("mål"), max_digits=12, decimal_places=2, null=True, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False)

    objects = ManualIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("manuell indikator")
        verbose_name_plural = _("manuella indikatorer")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="manualindicator_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ManualIndicatorEntryQuerySet(ScopedQuerySet):
    municipality_path = "indicator__municipality"


class ManualIndicatorEntry(models.Model):
    """One value of a manual indicator, with the date it counts for and where it comes from."""

    indicator = models.ForeignKey(ManualIndicator, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField(_("datum"))
    value = models.DecimalField(
        _("värde"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("källa"), max_length=200)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)

    objects = ManualIndicatorEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        ordering = ["indicator", "-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="indicatorentry_value_sign"),
        ]


class DialogueKind(models.TextChoices):
    STAFF = "staff", _("Medarbetardialog")
    CITIZEN = "citizen", _("Medborgardialog")


class DialogueQuerySet(ScopedQuerySet):
    municipality_path = "municipality"


class Dialogue(models.Model):
    """A record of a staff or citizen dialogue: when, who took part (as groups and counts,
    never residents' names) and the concerns raised; read when next year's promise is drafted."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="dialogues",
        verbose_name=_("kommun"),
    )
    kind = models.CharField(_("slag"), max_length=10, choices=DialogueKind.choices)
    date = models.DateField(_("datum"))
    title = models.CharField(_("rubrik"), max_length=200)
    participant_count = models.PositiveIntegerField(_("antal deltagare"))
    participant_groups = models.CharField(
        _("vilka deltog"),
        max_length=300,
        help_text=_("Grupper, inte namn, till exempel ”polisen, socialtjänsten, fritidsgården”."),
    )
    concerns = models.TextField(_("det som togs upp"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    is_demo = models.BooleanField(_("demodata"), default=False)
    created = models.DateTimeField(default=timezone.now)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialog")
        verbose_name_plural = _("dialoger")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Hälsa- och trygghetsrådet: meetings, the follow-up report and its recipients ---------


class ReportRecipientQuerySet(ScopedQuerySet):
    municipality_path = "municipality"


class ReportRecipient(models.Model):
    """Who receives the council's follow-up report: the council's members, the head of the
    local police area and the municipal commissioner. Only staff who manage the council add
    them, so the report never goes to an address somebody outside typed."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    role = models.CharField(_("roll"), max_length=100)
    email = models.EmailField(_("e-post"))
    active = models.BooleanField(_("får rapporten"), default=True)
    created = models.DateTimeField(default=timezone.now)

    objects = ReportRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("mottagare av rådets rapport")
        verbose_name_plural = _("mottagare av rådets rapport")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"], name="reportrecipient_unique_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class CouncilMeetingQuerySet(ScopedQuerySet):
    municipality_path = "municipality"


class CouncilMeeting(models.Model):
    """A meeting of Hälsa- och trygghetsrådet; its follow-up report covers what changed
    since the meeting before it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("kommun")
    )
    date = models.DateField(_("datum"))
    title = models.CharField(_("rubrik"), max_length=200)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    notes = models.TextField(_("anteckningar"), max_length=5000, blank=True)
    # When the report was last generated (its snapshots taken) and sent.
    report_generated = models.DateTimeField(null=True, blank=True)
    report_sent = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)

    objects = CouncilMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rådsmöte")
        verbose_name_plural = _("rådsmöten")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date"], name="councilmeeting_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.date}"


class IndicatorSnapshotQuerySet(ScopedQuerySet):
    municipality_path = "meeting__municipality"


class IndicatorSnapshot(models.Model):
    """An indicator's value (or an exposed area's rank) as the report stood at a meeting:
    the live figures cannot all be computed as of a past date, so the next report compares
    with what was stored here."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indikator")
        EXPOSED_AREA = "exposed_area", _("Utsatt område")

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="snapshots")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=100)  # indicator code, or the area's id
    label = models.CharField(max_length=200)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = IndicatorSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "code"], name="indicatorsnapshot_unique"
            )
        ]


class CouncilDeliveryQuerySet(ScopedQuerySet):
    municipality_path = "meeting__municipality"


class CouncilDelivery(models.Model):
    """One recipient's copy of a meeting's report: the queued mail says how it went. A
    meeting's report goes to each address once."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        ReportRecipient, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(max_length=100)
    email = models.EmailField()
    mail = models.ForeignKey(
        "lib.OutgoingMail", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    objects = CouncilDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="councildelivery_once")
        ]


class CouncilDecisionQuerySet(ScopedQuerySet):
    municipality_path = "meeting__municipality"


class CouncilDecision(models.Model):
    """A decision or comment of the council at a meeting, about an activity or in general."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Beslut")
        COMMENT = "comment", _("Kommentar")

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="decisions")
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="council_decisions",
        verbose_name=_("aktivitet"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField(_("text"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)

    objects = CouncilDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rådets beslut eller kommentar")
        verbose_name_plural = _("rådets beslut och kommentarer")
        ordering = ["meeting__date", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# The annual written summary ----------------------------------------------------------------


class SummarySection(models.TextChoices):
    """The summary's sections staff write; everything else in it is regenerated each time."""

    INTRODUCTION = "introduction", _("Inledning")
    ASSESSMENT = "assessment", _("Bedömning")
    NEXT_YEAR = "next_year", _("Förslag till nästa års inriktning")


class SummaryTextQuerySet(ScopedQuerySet):
    municipality_path = "promise__municipality"


class SummaryText(models.Model):
    """One editable section of a promise's annual summary for a year. Each save adds a row;
    the newest row per (promise, year, section) is the text, the older ones its history."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="summary_texts")
    year = models.PositiveSmallIntegerField(_("år"))
    section = models.CharField(_("avsnitt"), max_length=20, choices=SummarySection.choices)
    text = models.TextField(_("text"), max_length=20000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skriven av"),
    )
    created = models.DateTimeField(_("sparad"), default=timezone.now)

    objects = SummaryTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("text i årssammanfattningen")
        verbose_name_plural = _("texter i årssammanfattningen")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["promise", "year", "section", "-created"])]


class PublishedSummaryQuerySet(ScopedQuerySet):
    municipality_path = "promise__municipality"


class PublishedSummary(models.Model):
    """A year's summary as published: the PDF kept (in private storage, served only through
    the archive view) so the public page shows what was decided, not a later regeneration."""

    promise = models.ForeignKey(
        Promise, on_delete=models.CASCADE, related_name="published_summaries"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    pdf = models.FileField(_("PDF"), upload_to="followup/summaries/")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )
    published = models.DateTimeField(_("publicerad"), default=timezone.now)
    # Withdrawn ("avpublicerad"): no longer public (its address is a 404 and the previous
    # version, if any, is served again); the file is kept for staff.
    withdrawn = models.DateTimeField(_("avpublicerad"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avpublicerad av"),
    )

    objects = PublishedSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicerad årssammanfattning")
        verbose_name_plural = _("publicerade årssammanfattningar")
        ordering = ["-year", "-published"]


class SummaryReminder(models.Model):
    """That the month-before reminder of a year's summary was mailed: once per promise and
    year, however often the daily command runs."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="summary_reminders")
    year = models.PositiveSmallIntegerField(_("år"))
    sent = models.DateTimeField(_("skickad"), default=timezone.now)

    class Meta:
        verbose_name = _("påminnelse om årssammanfattningen")
        verbose_name_plural = _("påminnelser om årssammanfattningen")
        constraints = [
            models.UniqueConstraint(fields=["promise", "year"], name="summary_reminder_once")
        ]


class IndicatorSettingQuerySet(ScopedQuerySet):
    municipality_path = "municipality"


class IndicatorSetting(models.Model):
    """A municipality's baseline year, target and note for one live indicator
    (`followup.indicators.INDICATORS`, by code), with who changed it last and when."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="indicator_settings",
        verbose_name=_("kommun"),
    )
    code = models.CharField(_("indikator"), max_length=40)
    baseline_year = models.PositiveSmallIntegerField(
        _("basår"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    target = models.DecimalField(_("mål"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed = models.DateTimeField(_("ändrad"), default=timezone.now)

    objects = IndicatorSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikatorinställning")
        verbose_name_plural = _("indikatorinställningar")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="indicator_setting_once"),
        ]

    def __str__(self) -> str:
        return self.code
