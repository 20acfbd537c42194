"""The yearly safety survey (trygghetsenkät): surveys, their questions, and anonymous answers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.lib.themes import THEMES


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Ett svarsalternativ")
    MULTIPLE = "multiple", _("Flera svarsalternativ")
    SCALE4 = "scale4", _("Skala i fyra steg")
    SCALE5 = "scale5", _("Skala i fem steg")
    MATRIX = "matrix", _("Matris med skalrader")
    NUMBER = "number", _("Tal")
    TEXT = "text", _("Fritext")
    AREA = "area", _("Bostadsområde")
    MAP = "map", _("Platser på kartan")


# Kinds whose answer is one of the question's options (counted per option in the results).
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.SCALE4, QuestionKind.SCALE5}
SCALE_STEPS = {QuestionKind.SCALE4: 4, QuestionKind.SCALE5: 5}
# A map question takes at most this many places.
MAP_PLACES = 3
# Kinds whose answers carry free text that is grouped into themes (a map answer's text says
# what makes the place unsafe; the place in words is not read for themes).
TEXT_KINDS = {QuestionKind.TEXT, QuestionKind.MAP}
# What a free-text answer says once its words were disposed of (`survey_texts_dispose`):
# not empty, so the answer still counts among those with free text and keeps its themes.
DISPOSED_TEXT = "[gallrad]"
# The value of an area question answered "another area or don't know" (no area row).
OTHER_AREA = "annat"
# Response columns holding the respondent's answer to a grouping question, by the bank's
# question code (see `Response.group_area`).
GROUP_FIELDS = {"area": "group_area", "age": "group_age", "gender": "group_gender"}
# The themes of `lib.themes` as choices (their Swedish names are marked there).
THEME_CHOICES = [(t.code, _(t.name)) for t in THEMES]


class Channel(models.TextChoices):
    WEB = "web", _("Webb")
    PAPER = "paper", _("Papper")
    IMPORT = "import", _("Importerad")


class TimeOfDay(models.TextChoices):
    DAY = "day", _("Dag")
    EVENING = "evening", _("Kväll")
    NIGHT = "night", _("Natt")
    ALWAYS = "always", _("Hela dygnet")


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Utkast (inga datum)")
    FUTURE = "future", _("Öppnar senare")
    OPEN = "open", _("Öppen")
    CLOSED = "closed", _("Stängd")


class SurveyQuerySet(models.QuerySet):
    def for_municipality(self, code: str) -> SurveyQuerySet:
        return self.filter(municipality__code=code)

    def current_versions(self) -> SurveyQuerySet:
        """Only each year's newest version (older versions keep their answers for results)."""
        return self.filter(replaced=False)

    def open_on(self, day: datetime.date) -> SurveyQuerySet:
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Survey(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("kommun")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("rubrik"), max_length=200)
    introduction = models.TextField(_("inledning"), blank=True)
    # Printed on the paper questionnaire: where to hand it in (blank: a general sentence).
    paper_return = models.CharField(_("lämna pappersenkäten"), max_length=300, blank=True)
    opens_on = models.DateField(_("öppnar"), null=True, blank=True)
    closes_on = models.DateField(_("stänger"), null=True, blank=True)
    # Set when a newer version of the same year's survey exists; its answers still count.
    replaced = models.BooleanField(_("ersatt av en nyare version"), default=False)
    is_demo = models.BooleanField(_("demodata"), default=False)
    # Respondents of a year imported as aggregated counts (no single answers exist for them).
    imported_respondents = models.PositiveIntegerField(_("importerade svarande"), default=0)
    created = models.DateTimeField(auto_now_add=True)
    # When its free-text answers were disposed of (`SURVEY_TEXT_RETENTION_YEARS`); the
    # stored staff map of its year is then counted again (`results.places`).
    texts_disposed = models.DateTimeField(_("fritext gallrad"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("trygghetsenkät")
        verbose_name_plural = _("trygghetsenkäter")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "version"], name="survey_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year}, version {self.version})"

    def state(self, today: datetime.date) -> str:
        if self.opens_on is None or self.closes_on is None:
            return SurveyState.DRAFT
        if today < self.opens_on:
            return SurveyState.FUTURE
        if today > self.closes_on:
            return SurveyState.CLOSED
        return SurveyState.OPEN

    def is_open(self, today: datetime.date) -> bool:
        return not self.replaced and self.state(today) == SurveyState.OPEN

    def respondent_count(self) -> int:
        return self.responses.count() + self.imported_respondents

    def is_locked(self) -> bool:
        """Questions lock once a single answer exists: changing them would change what
        earlier respondents were asked. Changes then make a new version."""
        return (
            self.imported_respondents > 0
            or self.responses.exists()
            or self.imported_counts.exists()
        )


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("enkät")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    # A stable code from the question bank ties the same question together across years.
    code = models.SlugField(_("kod"), max_length=50)
    kind = models.CharField(_("frågetyp"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("fråga"), max_length=400)
    help_text = models.CharField(_("hjälptext"), max_length=400, blank=True)
    required = models.BooleanField(_("måste besvaras"), default=False)
    min_value = models.IntegerField(_("minsta tal"), null=True, blank=True)
    max_value = models.IntegerField(_("största tal"), null=True, blank=True)
    # What the options marked `indicator` count as, e.g. "otrygga": "Andelen otrygga ...".
    indicator_label = models.CharField(_("vad andelen kallas"), max_length=60, blank=True)
    # Conditional display: shown (and counted) only when `show_if` got one of these options.
    show_if = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
        verbose_name=_("visas bara efter fråga"),
    )
    show_if_options = models.JSONField(_("när svaret är något av"), default=list, blank=True)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_unique_code"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def indicator_name(self) -> str:
        """The headline share's name in the page's language (a bank name is translated)."""
        from tryggve.surveys.bank import INDICATOR_NAMES  # bank is data; no import cycle

        return str(INDICATOR_NAMES.get(self.indicator_label, self.indicator_label))

    @property
    def shown_text(self) -> str:
        """The question in the page's language (the bank's wording is translated)."""
        from tryggve.surveys.bank import shown

        return shown(self.text)

    @property
    def shown_help(self) -> str:
        from tryggve.surveys.bank import shown

        return shown(self.help_text)

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS or self.kind in {
            QuestionKind.MULTIPLE,
            QuestionKind.MATRIX,
        }


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("fråga")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    code = models.SlugField(_("kod"), max_length=50)
    label = models.CharField(_("svarsalternativ"), max_length=200)
    # Counts toward the question's headline share (e.g. "ganska otrygg" for "otrygga").
    indicator = models.BooleanField(_("räknas i andelen"), default=False)
    # Cannot be combined with other options of a multiple-choice question ("Nej, inget").
    exclusive = models.BooleanField(_("utesluter andra svar"), default=False)

    class Meta:
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        """The label in the page's language (the bank's wording is translated)."""
        from tryggve.surveys.bank import shown

        return shown(self.label)


class MatrixRow(models.Model):
    """One statement of a matrix question, answered on the question's scale (its options)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="rows", verbose_name=_("fråga")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    code = models.SlugField(_("kod"), max_length=50)
    label = models.CharField(_("påstående"), max_length=200)

    class Meta:
        verbose_name = _("matrisrad")
        verbose_name_plural = _("matrisrader")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="row_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        """The label in the page's language (the bank's wording is translated)."""
        from tryggve.surveys.bank import shown

        return shown(self.label)


class Response(models.Model):
    """One respondent's answers. Anonymous by design: no address, no user, only the day."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("enkät")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    submitted_on = models.DateField(_("inkom"))
    # A double submit of the same form saves once (web answers only).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    has_flagged_text = models.BooleanField(
        _("fritext kan innehålla personuppgifter"), default=False
    )
    is_demo = models.BooleanField(_("demodata"), default=False)
    # A web answer sent when the same network address had already sent the survey form
    # within the guard's window (guard.earlier_posts): perhaps a household, perhaps one
    # person clearing cookies. Staff see it counted; public counts leave it out, so one
    # person cannot make a public figure appear. The address itself is never stored.
    repeat_from_address = models.BooleanField(
        _("ytterligare svar från samma adress"), default=False, editable=False
    )
    # The respondent's own answers to the grouping questions (residential area, age band,
    # gender), copied from the answer rows when the response is saved so that breakdowns
    # group the answer rows by their response instead of joining answers to answers.
    # Option codes (area: the slug, OTHER_AREA for "another area"); "" = not answered.
    group_area = models.CharField(max_length=50, blank=True, default="", editable=False)
    group_age = models.CharField(max_length=50, blank=True, default="", editable=False)
    group_gender = models.CharField(max_length=50, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        indexes = [models.Index(fields=["survey", "channel"], name="response_survey_channel")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One answer row: an option (per matrix row), a number, a text, an area or a place."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("svar")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("fråga")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    row = models.ForeignKey(
        MatrixRow, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    number = models.IntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    area = models.ForeignKey(
        ResidentialArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A map answer: a point (WGS84) or, without a map, the place in words.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    place_text = models.CharField(max_length=300, blank=True)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, blank=True)
    # Free text that looks like a name, phone number or e-mail address: staff only, never public.
    flagged = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("svarsrad")
        verbose_name_plural = _("svarsrader")
        indexes = [
            models.Index(fields=["question", "option"], name="answer_question_option"),
            # Covers the results' GROUP BY over a year's questions (index-only scans on
            # PostgreSQL: the answer rows' other columns are never read for counting).
            models.Index(
                fields=["question", "row", "option", "area", "response"],
                name="answer_question_counts",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True, lon__isnull=True)
                | models.Q(lat__isnull=False, lon__isnull=False),
                name="answer_lat_lon_together",
            ),
        ]


class ImportedCount(models.Model):
    """An earlier year imported as counts per answer (no single answers behind it)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="imported_counts", verbose_name=_("enkät")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    row = models.ForeignKey(MatrixRow, on_delete=models.CASCADE, null=True, blank=True)
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("importerat antal")
        verbose_name_plural = _("importerade antal")


class AnswerTheme(models.Model):
    """One theme of a free-text answer: set by the lexicon when the answer is saved (and
    again when the municipality's learned terms change), or by staff (`ThemeCorrection`)."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="themes", verbose_name=_("svarsrad")
    )
    code = models.CharField(_("tema"), max_length=20, choices=THEME_CHOICES)

    class Meta:
        verbose_name = _("tema för fritextsvar")
        verbose_name_plural = _("teman för fritextsvar")
        constraints = [
            models.UniqueConstraint(fields=["answer", "code"], name="answertheme_unique"),
        ]


class ThemeCorrection(models.Model):
    """Staff set a free-text answer's themes. Rows are only added (the newest is in force);
    an answer with a correction is never re-read by the lexicon again."""

    answer = models.ForeignKey(
        Answer,
        on_delete=models.CASCADE,
        related_name="theme_corrections",
        verbose_name=_("svarsrad"),
    )
    codes = models.JSONField(_("teman satta av personal"), default=list)
    # What the lexicon said just before, and the stems the correction taught it.
    suggested = models.JSONField(_("ordlistans förslag"), default=list)
    learned = models.JSONField(_("inlärda ordstammar"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created = models.DateTimeField(_("ändrad"), default=timezone.now)

    class Meta:
        verbose_name = _("rättning av teman")
        verbose_name_plural = _("rättningar av teman")
        ordering = ["-created", "-pk"]


class LearnedTerm(models.Model):
    """A word stem a staff correction taught the municipality's lexicon for a theme.

    Removing one keeps the row (who removed it, when), and a removed stem is never learned
    again for that theme: staff said no once."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("kommun")
    )
    theme = models.CharField(_("tema"), max_length=20, choices=THEME_CHOICES)
    stem = models.CharField(_("ordstam"), max_length=60)
    correction = models.ForeignKey(
        ThemeCorrection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inlärd av"),
    )
    created = models.DateTimeField(_("inlärd"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borttagen av"),
    )
    removed = models.DateTimeField(_("borttagen"), null=True, blank=True)

    class Meta:
        verbose_name = _("inlärt ord")
        verbose_name_plural = _("inlärda ord")
        ordering = ["theme", "stem"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "theme", "stem"], name="learnedterm_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.stem


class TallySnapshot(models.Model):
    """The last computed counts of one year's results (`results._Names.cached`): what the
    results pages serve while a background task counts again after new answers, so a page
    view never waits for a pass over the year's answer rows. `stamp` names the state of the
    answers it was computed from; `value` is the pickled tally (written only by
    `results`, never from outside input)."""

    key = models.CharField(max_length=64, unique=True)
    stamp = models.CharField(max_length=200)
    value = models.BinaryField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("beräknat resultat")
        verbose_name_plural = _("beräknade resultat")
