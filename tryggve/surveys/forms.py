"""The answer form, built from a survey's questions, and the staff pages' small forms."""

from __future__ import annotations

import threading
import time

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import ResidentialArea
from tryggve.lib.dates import SensibleDateField
from tryggve.lib.fields import DecimalCommaFloatField
from tryggve.lib.guard import GuardedForm, SubmissionKeyField
from tryggve.surveys import bank
from tryggve.surveys.models import (
    CHOICE_KINDS,
    MAP_PLACES,
    OTHER_AREA,
    THEME_CHOICES,
    Question,
    QuestionKind,
    Survey,
    TimeOfDay,
)
from tryggve.surveys.services import BLANK_KINDS, AnswerData, exclusive_conflict

TEXT_MAX = 2000


def field_name(question: Question, *parts) -> str:
    return "-".join(["q", question.code, *(str(p) for p in parts)])


def _choice_errors() -> dict:
    return {"invalid_choice": _("Välj ett av svarsalternativen.")}


class PaperChoiceInput(forms.TextInput):
    """Paper entry: an option is typed as its number, so a form goes in without a mouse."""

    def __init__(self, choices):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4})
        self.numbers = {str(i): code for i, (code, _label) in enumerate(choices, start=1)}
        self.codes = {code: str(i) for i, (code, _label) in enumerate(choices, start=1)}

    def value_from_datadict(self, data, files, name):
        raw = (data.get(name) or "").strip()
        return self.numbers.get(raw, raw)

    def format_value(self, value):
        return self.codes.get(value, value)


class PaperMultipleInput(PaperChoiceInput):
    """Several option numbers, separated by spaces or commas ("1 3")."""

    def value_from_datadict(self, data, files, name):
        raw = (data.get(name) or "").replace(",", " ").split()
        return [self.numbers.get(part, part) for part in raw]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(self.codes.get(v, v) for v in value)
        return value


def _answerable(question: Question) -> bool:
    if question.kind == QuestionKind.MATRIX:
        return bool(question.options.all()) and bool(question.rows.all())
    return not question.has_options or bool(question.options.all())


# The widest answer a number question without limits of its own takes.
NUMBER_LIMIT = 1_000_000


# A locked survey's questions (with options and rows) and its municipality's areas, kept in
# the process: every resident's form and answer needs them, and reading them is most of the
# database work of a request. Locked questions never change (changes make a new version,
# a new key), so they are safe to keep; the areas are read again after a while so that a
# renamed or new area shows.
STRUCTURE_SECONDS = 120
_structure: dict[tuple[int, float], tuple[float, list[Question], dict]] = {}
_structure_lock = threading.Lock()


def _load_structure(survey: Survey) -> tuple[list[Question], dict[str, ResidentialArea]]:
    # A choice question staff have not yet given its options (or a matrix its rows) is
    # not asked: there would be nothing to answer.
    questions = [
        q
        for q in survey.questions.select_related("show_if").prefetch_related("options", "rows")
        if _answerable(q)
    ]
    areas = ResidentialArea.objects.filter(municipality_id=survey.municipality_id)
    return questions, {a.slug: a for a in areas.only("id", "slug", "name", "municipality_id")}


def survey_structure(survey: Survey) -> tuple[list[Question], dict[str, ResidentialArea]]:
    """The questions a resident answers and the areas to choose from, read once per
    process and a couple of minutes for a locked survey (read-only: never change them)."""
    key = (survey.pk, survey.created.timestamp())
    now = time.monotonic()
    found = _structure.get(key)
    if found is not None and found[0] > now:
        return found[1], found[2]
    questions, areas = _load_structure(survey)
    if survey.is_locked():
        with _structure_lock:
            if len(_structure) > 50:  # old versions and years: start again
                _structure.clear()
            _structure[key] = (now + STRUCTURE_SECONDS, questions, areas)
    return questions, areas


def survey_structure_forget() -> None:
    """Empty the process's copy (tests, which reuse primary keys after a rollback)."""
    _structure.clear()


def survey_structure_known(survey: Survey) -> bool:
    """Whether this process already knows the survey as locked (no query)."""
    return (survey.pk, survey.created.timestamp()) in _structure


class AnswerForm(GuardedForm, forms.Form):
    """Every question of a survey as plain form fields; works without JavaScript.

    Conditional questions are always rendered (no script needed) and their answers are
    dropped when the condition is not met. `paper=True` makes choice questions typed-number
    fields for the staff's fast paper entry."""

    submission_key = SubmissionKeyField(required=False)

    def __init__(self, *args, survey: Survey, paper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.paper = paper
        if paper:
            # Staff's paper entry reads afresh: it is rare, and staff may just have changed
            # an area.
            self.questions, self.areas = _load_structure(survey)
        else:
            self.questions, self.areas = survey_structure(survey)
        self.answer_data: list[AnswerData] = []
        for question in self.questions:
            self._add_fields(question)

    # Building ---------------------------------------------------------------------------

    def _choice(self, label, choices, help_text=""):
        if self.paper:
            widget = PaperChoiceInput(choices)
            help_text = " ".join(
                [str(help_text)] + [f"{i} = {text}" for i, (_c, text) in enumerate(choices, 1)]
            ).strip()
        else:
            widget = forms.RadioSelect
        return forms.ChoiceField(
            label=label,
            choices=choices,
            required=False,
            widget=widget,
            help_text=help_text,
            error_messages=_choice_errors(),
        )

    def _add_fields(self, q: Question) -> None:
        options = [(o.code, o.shown_label) for o in q.options.all()]
        if q.kind in CHOICE_KINDS:
            self.fields[field_name(q)] = self._choice(q.shown_text, options, q.shown_help)
        elif q.kind == QuestionKind.AREA:
            choices = [(slug, a.name) for slug, a in self.areas.items()]
            choices.append((OTHER_AREA, _("Annat område eller vet inte")))
            self.fields[field_name(q)] = self._choice(q.shown_text, choices, q.shown_help)
        elif q.kind == QuestionKind.MULTIPLE:
            help_text = q.shown_help
            widget = forms.CheckboxSelectMultiple
            if self.paper:
                widget = PaperMultipleInput(options)
                help_text = " ".join(
                    [str(help_text)] + [f"{i} = {t}" for i, (_c, t) in enumerate(options, 1)]
                )
            self.fields[field_name(q)] = forms.MultipleChoiceField(
                label=q.shown_text,
                choices=options,
                required=False,
                widget=widget,
                help_text=help_text,
                error_messages=_choice_errors(),
            )
        elif q.kind == QuestionKind.MATRIX:
            for row in q.rows.all():
                self.fields[field_name(q, row.code)] = self._choice(row.shown_label, options)
        elif q.kind == QuestionKind.NUMBER:
            self.fields[field_name(q)] = forms.IntegerField(
                label=q.shown_text,
                required=False,
                help_text=q.shown_help,
                # Without limits of its own a number still has to fit the database's
                # integer column (and be a plausible answer).
                min_value=q.min_value if q.min_value is not None else -NUMBER_LIMIT,
                max_value=q.max_value if q.max_value is not None else NUMBER_LIMIT,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": _("Skriv ett heltal, till exempel 12."),
                    "min_value": _("Skriv ett tal som är minst %(limit_value)s."),
                    "max_value": _("Skriv ett tal som är högst %(limit_value)s."),
                },
            )
        elif q.kind == QuestionKind.TEXT:
            self.fields[field_name(q)] = forms.CharField(
                label=q.shown_text,
                required=False,
                help_text=q.shown_help,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": _("Skriv högst %(limit_value)d tecken.")},
            )
        elif q.kind == QuestionKind.MAP:
            for i in range(1, MAP_PLACES + 1):
                self._add_place_fields(q, i)

    def _add_place_fields(self, q: Question, i: int) -> None:
        coordinate = {"step": "any", "inputmode": "decimal"}
        self.fields[field_name(q, i, "lat")] = DecimalCommaFloatField(
            label=_("Latitud"),
            required=False,
            min_value=-90,
            max_value=90,
            widget=forms.NumberInput(attrs=coordinate),
            error_messages={"invalid": _("Skriv latitud i decimalgrader, till exempel 65.5917.")},
        )
        self.fields[field_name(q, i, "lon")] = DecimalCommaFloatField(
            label=_("Longitud"),
            required=False,
            min_value=-180,
            max_value=180,
            widget=forms.NumberInput(attrs=coordinate),
            error_messages={"invalid": _("Skriv longitud i decimalgrader, till exempel 19.1800.")},
        )
        self.fields[field_name(q, i, "place")] = forms.CharField(
            label=_("Beskriv platsen med ord"),
            help_text=_("Till exempel en gatuadress, en korsning eller ett känt ställe."),
            required=False,
            max_length=300,
        )
        self.fields[field_name(q, i, "text")] = forms.CharField(
            label=_("Vad gör platsen otrygg?"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields[field_name(q, i, "time")] = forms.ChoiceField(
            label=_("När känns platsen otrygg?"),
            required=False,
            choices=[("", _("Välj (valfritt)")), *TimeOfDay.choices],
            error_messages=_choice_errors(),
        )
        # The error summary names the place too: three places' "Latitud: …" told apart.
        for part in ("lat", "lon", "place", "text", "time"):
            field = self.fields[field_name(q, i, part)]
            field.summary_label = format_lazy(_("{field} (plats {n})"), n=i, field=field.label)

    # Cleaning ---------------------------------------------------------------------------

    def names_of(self, q: Question) -> list[str]:
        prefix = field_name(q) + "-"
        return [n for n in self.fields if n == field_name(q) or n.startswith(prefix)]

    def clean(self):
        data = super().clean()
        chosen: dict[int, set[str]] = {}
        self.answer_data = []
        for q in self.questions:
            names = self.names_of(q)
            if q.show_if_id and not (chosen.get(q.show_if_id, set()) & set(q.show_if_options)):
                # Not asked of this respondent: whatever came for it is dropped, errors too.
                for name in names:
                    self._errors.pop(name, None)
                continue
            if any(name in self.errors for name in names):
                continue
            rows = self._answers_for(q, data)
            if rows is None:
                continue
            chosen[q.pk] = {r.option.code for r in rows if r.option is not None}
            # On paper nothing stops a respondent from skipping a question; staff type in
            # what was answered (the printed questionnaire says questions may be skipped).
            if q.required and not rows and not self.paper:
                self.add_error(names[0], _("Svara på frågan."))
                continue
            self.answer_data.extend(rows)
        if self.paper and not self.answer_data and not self.errors:
            # An empty paper form would count as a respondent who answered nothing.
            raise forms.ValidationError(_("Skriv in minst ett svar från pappersenkäten."))
        return data

    def _answers_for(self, q: Question, data: dict) -> list[AnswerData] | None:
        """The question's answer rows, or None after adding an error."""
        options = {o.code: o for o in q.options.all()}
        name = field_name(q)
        if q.kind in CHOICE_KINDS:
            code = data.get(name)
            return [AnswerData(question=q, option=options[code])] if code else []
        if q.kind == QuestionKind.AREA:
            slug = data.get(name)
            if not slug:
                return []
            return [AnswerData(question=q, area=self.areas.get(slug))]
        if q.kind == QuestionKind.MULTIPLE:
            # The same option twice (a repeated field, "1 1" on paper) is one answer.
            codes = list(dict.fromkeys(data.get(name) or []))
            picked = [options[c] for c in codes]
            lone = exclusive_conflict(picked)
            if lone is not None:
                self.add_error(
                    name,
                    _("”%(option)s” kan inte kombineras med andra svar.")
                    % {"option": lone.shown_label},
                )
                return None
            return [AnswerData(question=q, option=o) for o in picked]
        if q.kind == QuestionKind.MATRIX:
            result = []
            for row in q.rows.all():
                code = data.get(field_name(q, row.code))
                if code:
                    result.append(AnswerData(question=q, row=row, option=options[code]))
            return result
        if q.kind == QuestionKind.NUMBER:
            value = data.get(name)
            return [] if value is None else [AnswerData(question=q, number=value)]
        if q.kind == QuestionKind.TEXT:
            text = (data.get(name) or "").strip()
            return [AnswerData(question=q, text=text)] if text else []
        if q.kind == QuestionKind.MAP:
            return self._places(q, data)
        return []

    def _places(self, q: Question, data: dict) -> list[AnswerData] | None:
        result, failed = [], False
        for i in range(1, MAP_PLACES + 1):
            lat, lon = data.get(field_name(q, i, "lat")), data.get(field_name(q, i, "lon"))
            place = (data.get(field_name(q, i, "place")) or "").strip()
            text = (data.get(field_name(q, i, "text")) or "").strip()
            time_of_day = data.get(field_name(q, i, "time")) or ""
            if (lat is None) != (lon is None):
                self.add_error(
                    field_name(q, i, "lat"),
                    _("Ange både latitud och longitud, eller välj platsen på kartan."),
                )
                failed = True
                continue
            if lat is not None and not self.survey.municipality.contains_point(lat, lon):
                self.add_error(
                    field_name(q, i, "lat"),
                    _("Platsen ligger utanför %(name)s. Välj en plats i kommunen.")
                    % {"name": self.survey.municipality.name},
                )
                failed = True
                continue
            if lat is None and not place:
                if text or time_of_day:
                    self.add_error(
                        field_name(q, i, "place"),
                        _("Välj platsen på kartan eller beskriv den med ord."),
                    )
                    failed = True
                continue
            result.append(
                AnswerData(
                    question=q,
                    lat=lat,
                    lon=lon,
                    place_text=place,
                    text=text,
                    time_of_day=time_of_day,
                )
            )
        return None if failed else result

    # Rendering --------------------------------------------------------------------------

    def blocks(self) -> list[dict]:
        """The questions in order, each with its bound fields, for the template."""
        numbers = {q.pk: n for n, q in enumerate(self.questions, start=1)}
        total = len(self.questions)
        result = []
        for q in self.questions:
            block = {"question": q, "number": numbers[q.pk], "total": total, "condition": ""}
            if q.show_if_id:
                labels = [
                    o.shown_label for o in q.show_if.options.all() if o.code in q.show_if_options
                ]
                block["condition"] = _("Svara bara om du valde %(options)s i fråga %(number)s.") % {
                    "options": ", ".join(f"”{label}”" for label in labels),
                    "number": numbers.get(q.show_if_id, ""),
                }
                block["show_if"] = {
                    "name": field_name(q.show_if),
                    "values": q.show_if_options,
                }
            if q.kind == QuestionKind.MAP:
                block["places"] = [
                    {
                        "number": i,
                        "lat": self[field_name(q, i, "lat")],
                        "lon": self[field_name(q, i, "lon")],
                        "place": self[field_name(q, i, "place")],
                        "text": self[field_name(q, i, "text")],
                        "time": self[field_name(q, i, "time")],
                    }
                    for i in range(1, MAP_PLACES + 1)
                ]
            else:
                block["fields"] = [self[name] for name in self.names_of(q)]
            result.append(block)
        return result


class SurveyCreateForm(forms.Form):
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Skriv ett årtal, till exempel 2026.")},
    )


class SurveyEditForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    introduction = forms.CharField(
        label=_("Inledning"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    paper_return = forms.CharField(
        label=_("Lämna pappersenkäten"),
        help_text=_(
            "Tryckt på pappersenkäten, till exempel: Lämna enkäten i receptionen i "
            "kommunhuset. Tomt: en allmän mening."
        ),
        max_length=300,
        required=False,
    )
    opens_on = SensibleDateField(
        label=_("Öppnar"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv ett datum, till exempel 2026-03-01.")},
    )
    closes_on = SensibleDateField(
        label=_("Stänger"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv ett datum, till exempel 2026-04-30.")},
    )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Enkäten kan inte stänga innan den öppnar."))
        return data


class QuestionEditForm(forms.Form):
    text = forms.CharField(label=_("Fråga"), max_length=400)
    help_text = forms.CharField(label=_("Hjälptext"), max_length=400, required=False)
    required = forms.BooleanField(label=_("Måste besvaras"), required=False)


def _code_field() -> forms.SlugField:
    return forms.SlugField(
        label=_("Kod"),
        max_length=50,
        required=False,
        help_text=_(
            "Används i exporten och för att jämföra år. Små bokstäver, siffror, - och _. "
            "Tomt: görs av texten."
        ),
        error_messages={"invalid": _("Använd bara bokstäverna a–z, siffror, - och _.")},
    )


class RowForm(forms.Form):
    """A matrix row (a statement answered on the question's scale)."""

    label = forms.CharField(label=_("Påstående"), max_length=200)
    code = _code_field()

    def __init__(self, *args, taken=frozenset(), labels=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken, self.labels = taken, labels

    def clean_label(self):
        # Two equal texts cannot be told apart by anyone answering (and a double submit
        # would otherwise add the same one twice).
        label = self.cleaned_data["label"].strip()
        if label in self.labels:
            raise forms.ValidationError(_("Det finns redan ett svar med den texten i frågan."))
        return label

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code and code in self.taken:
            raise forms.ValidationError(
                _("Koden ”%(code)s” finns redan i frågan. Välj en annan."), params={"code": code}
            )
        return code


class OptionForm(RowForm):
    label = forms.CharField(label=_("Svarsalternativ"), max_length=200)
    indicator = forms.BooleanField(
        label=_("Räknas i andelen"),
        required=False,
        help_text=_("Till exempel ”Ganska otrygg” i andelen otrygga."),
    )
    exclusive = forms.BooleanField(
        label=_("Utesluter andra svar"),
        required=False,
        help_text=_("Bara vid flera svarsalternativ, till exempel ”Nej, inget av detta”."),
    )


class ConditionForm(forms.Form):
    """Show a question only after certain answers to one earlier question."""

    answers = forms.MultipleChoiceField(
        label=_("Visa frågan bara för den som svarat"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kryssa inget för att visa frågan för alla."),
        error_messages=_choice_errors(),
    )

    def __init__(self, *args, choices: list, **kwargs):
        """`choices` are grouped per earlier question; the field gets them flat, so that
        the checkboxes' ids run id_answers_0, _1 … (the page draws the groups itself)."""
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [pair for _group, pairs in choices for pair in pairs]

    def clean_answers(self):
        picked = self.cleaned_data["answers"]
        if len({value.split(":", 1)[0] for value in picked}) > 1:
            raise forms.ValidationError(_("Välj svar från en och samma fråga."))
        return picked

    @property
    def condition(self) -> tuple[int | None, list[str]]:
        """(the earlier question's id, its option codes), or (None, []) for no condition."""
        picked = self.cleaned_data["answers"]
        if not picked:
            return None, []
        return int(picked[0].split(":", 1)[0]), [value.split(":", 1)[1] for value in picked]


class QuestionAddForm(forms.Form):
    """A question from the bank (those not in the survey yet) or a blank one of a kind."""

    source = forms.ChoiceField(label=_("Fråga"), error_messages=_choice_errors())
    text = forms.CharField(
        label=_("Frågans text (för en egen fråga)"), max_length=400, required=False
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        present = set(survey.questions.values_list("code", flat=True))
        from_bank = [
            (f"bank:{item['code']}", bank.shown(item["text"]))
            for item in bank.BANK
            if item["code"] not in present
        ]
        blank = [(f"ny:{kind.value}", kind.label) for kind in BLANK_KINDS]
        choices = [(_("Egen fråga av typen"), blank)]
        if from_bank:
            choices.insert(0, (_("Från frågebanken"), from_bank))
        self.fields["source"].choices = [("", _("Välj")), *choices]

    def clean(self):
        data = super().clean()
        if (data.get("source") or "").startswith("ny:") and not data.get("text", "").strip():
            self.add_error("text", _("Skriv frågan."))
        return data


class ThemeCorrectionForm(forms.Form):
    """Staff set a free-text answer's themes: none ticked means "övrigt"."""

    themes = forms.MultipleChoiceField(
        label=_("Teman"),
        choices=THEME_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Välj bland de teman som finns.")},
    )
