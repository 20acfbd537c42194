import hashlib
import uuid

from django import forms
from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tryggve.analytics.coordinates import clean_coordinates, latitude_field, longitude_field
from tryggve.analytics.importers import (
    MAPPING_LABELS,
    ImportFormatError,
    guess_mapping,
    preview_csv,
    repeated_columns,
    source_system,
    type_key,
    unrecognised_types,
)
from tryggve.analytics.models import Incident, OffenceGroup, PresenceKind
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import areas_here
from tryggve.lib.dates import READABLE_FROM, READABLE_UNTIL, SensibleDateTimeField
from tryggve.lib.guard import SubmissionKeyField
from tryggve.lib.parsing import DAY_FIRST, MONTH_FIRST, guess_date_order

CELL_SIZES = [(100, "100 m"), (250, "250 m"), (500, "500 m")]


def first_incident_year(codes) -> int | None:
    """The local year of the first incident stored for the municipalities `codes`, or None."""
    first = (
        Incident.objects.filter(municipality_code__in=list(codes))
        .filter(occurred_at__gte=READABLE_FROM, occurred_at__lt=READABLE_UNTIL)
        .aggregate(first=Min("occurred_at"))["first"]
    )
    return timezone.localtime(first).year if first else None


def year_choices(first_year: int | None) -> list[tuple[int, str]]:
    """This year back to `first_year`: years before the first stored incident would show
    nothing but zeros, as if nothing had happened then."""
    this_year = timezone.localdate().year
    start = min(first_year or this_year, this_year)
    return [(y, str(y)) for y in range(this_year, start - 1, -1)]


class RankingForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Brottsgrupp"),
        choices=OffenceGroup.choices,
        initial=OffenceGroup.RESIDENTIAL_BURGLARY,
        required=False,
    )
    year = forms.TypedChoiceField(label=_("År"), coerce=int, choices=(), required=False)

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        # The years offered start at the first incident stored for these municipalities.
        self.first_year = first_incident_year(codes)
        self.fields["year"].choices = year_choices(self.first_year)

    def values(self) -> tuple[str, int]:
        """The group and year asked for, each on its own: a refused value (a year before
        the data) is the default, and the other value stays as asked."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # an unbound form has none
        return (
            data.get("group") or OffenceGroup.RESIDENTIAL_BURGLARY,
            data.get("year") or timezone.localdate().year,
        )


class RiskMapForm(forms.Form):
    group = forms.ChoiceField(label=_("Brottsgrupp"), choices=OffenceGroup.choices, required=False)
    # The initial value is what an unfiltered page uses, so the select shows the truth.
    cell = forms.TypedChoiceField(
        label=_("Rutstorlek"),
        coerce=int,
        choices=CELL_SIZES,
        required=False,
        initial=lambda: settings.RISK_CELL_M,
    )

    def values(self) -> tuple[str, int]:
        """The group and cell size asked for, each on its own: a refused value (?cell=333)
        is the default, and the other value stays as asked."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # an unbound form has none
        return (
            data.get("group") or OffenceGroup.RESIDENTIAL_BURGLARY,
            data.get("cell") or settings.RISK_CELL_M,
        )


def scope_area_choices(field: forms.ModelChoiceField, scope) -> None:
    """Only the areas of the municipality served now (tryggve.areas.serving), or of those a
    page's `kommun` choice shows (`tryggve.analytics.scope`, which offers only
    municipalities the user may use), named with their municipality over the whole police
    area: an area of another municipality is not a valid choice."""
    if scope is None:
        field.queryset = areas_here()
        return
    field.queryset = ResidentialArea.objects.filter(
        municipality__code__in=scope.codes
    ).select_related("municipality")
    if scope.whole_area:
        field.label_from_instance = lambda a: f"{a.name} ({a.municipality.name})"


class ProfileForm(forms.Form):
    group = forms.ChoiceField(label=_("Brottsgrupp"), choices=OffenceGroup.choices, required=False)
    area = forms.ModelChoiceField(
        label=_("Område"),
        queryset=ResidentialArea.objects.all(),
        required=False,
        empty_label=_("Hela kommunen"),
        error_messages={
            "invalid_choice": _("Området finns inte bland de valbara här. Välj ett annat område.")
        },
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_area_choices(self.fields["area"], scope)
        if scope is not None and scope.whole_area:
            self.fields["area"].empty_label = _("Hela lokalpolisområdet")

    def chosen(self) -> tuple[str, ResidentialArea | None]:
        """The group and area asked for. A field that is not valid (an area not offered
        here, as after switching municipality) falls back on its own, its error shown next
        to it, so the group chosen still applies rather than silently becoming burglaries."""
        if not self.is_bound:
            return OffenceGroup.RESIDENTIAL_BURGLARY, None
        self.is_valid()
        group = self.cleaned_data.get("group") or OffenceGroup.RESIDENTIAL_BURGLARY
        return group, self.cleaned_data.get("area")


class PresenceForm(forms.Form):
    started = SensibleDateTimeField(
        label=_("Började"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Ange när ni började."),
            "invalid": _("Skriv tiden som 2026-11-26 18:30."),
        },
    )
    minutes = forms.IntegerField(
        label=_("Minuter"),
        min_value=1,
        max_value=1440,
        error_messages={
            "required": _("Ange hur många minuter."),
            "invalid": _("Ange ett heltal."),
            "min_value": _("Minst 1 minut."),
            "max_value": _("Högst 1 440 minuter (ett dygn)."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Slag"),
        choices=PresenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj hur ni var på plats.")},
    )
    area = forms.ModelChoiceField(
        label=_("Område"),
        queryset=ResidentialArea.objects.all(),
        required=False,
        empty_label=_("Välj område"),
    )
    lat = latitude_field()
    lon = longitude_field()
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_area_choices(self.fields["area"], scope)

    def clean(self):
        data = super().clean()
        clean_coordinates(self, data)
        typed = "lat" in self.errors or "lon" in self.errors
        if not data.get("area") and data.get("lat") is None and not typed:
            self.add_error("area", _("Välj ett område eller ange en plats."))
        if not typed and (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("Ange både latitud och longitud, eller ingen av dem."))
        return data


class ObservationForm(forms.Form):
    occurred_at = SensibleDateTimeField(
        label=_("När"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Ange när."),
            "invalid": _("Skriv tiden som 2026-11-26 18:30."),
        },
    )
    offence_group = forms.ChoiceField(
        label=_("Vad"),
        choices=OffenceGroup.choices,
        error_messages={"required": _("Välj vad det gällde.")},
    )
    lat = latitude_field()
    lon = longitude_field()
    summary = forms.CharField(
        label=_("Beskrivning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beskriv kort vad ni såg.")},
    )

    def clean(self):
        data = super().clean()
        clean_coordinates(self, data)
        return data


class ImportUploadForm(forms.Form):
    submission_key = SubmissionKeyField(required=False)
    file = forms.FileField(
        label=_("CSV-fil"),
        error_messages={"empty": _("Filen är tom."), "required": _("Välj en fil att ladda upp.")},
        help_text=_(
            "En rad per händelse med tid, typ och plats (lat/lon eller SWEREF 99 TM x/y). "
            "Semikolon, komma eller tabb; UTF-8 eller Latin-1 (som Excel sparar)."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.INCIDENT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(mb)d MB).")
                % {"mb": settings.INCIDENT_IMPORT_MAX_BYTES // (1024 * 1024)},
                code="too_big",
            )
        return upload


# Help beside a field's select, where its name alone does not say enough.
MAPPING_HELP = {
    "time": _("Datum och klockslag, eller bara datum om klockslaget står i en egen kolumn."),
    "clock": _(
        "Om klockslaget står i en egen kolumn (till exempel Datum och Tid): välj den. "
        "Klockslag skrivs 12:05, 12.05, 1205 eller 12:05:30. En rad utan klockslag sparas "
        "med bara datum."
    ),
}

# Django's own message repeats the value sent, however long (a forged page's 100 kB).
NOT_OFFERED = _("Välj ett av alternativen i listan.")
# Short, so a phone's closed select shows the whole choice (the help text says the rest).
DATE_ORDERS = [
    ("", _("År först: 2026-03-05")),
    (DAY_FIRST, _("Dag först: 05/03/2026")),
    (MONTH_FIRST, _("Månad först: 03/05/2026")),
]
# Rows of the time column read to see whether its dates prove their order.
DATE_ORDER_ROWS = 200


def _guessed_date_order(file_data: bytes, column: str | None) -> str:
    """The date order the time column's first rows prove (`guess_date_order`), else ""."""
    try:
        preview = preview_csv(file_data, rows=DATE_ORDER_ROWS)
    except ImportFormatError:
        return ""
    if column not in preview.header:
        return ""
    index = preview.header.index(column)
    return guess_date_order([row[index] for row in preview.rows if index < len(row)])


# The mapping's required fields and what to say when one is left at "(ingen kolumn)".
MAPPING_REQUIRED = {
    "time": _("Välj kolumnen med tiden."),
    "type": _("Välj kolumnen med typen av händelse."),
}
# A field of a position pair as a sentence names it.
PAIR_NAMES = {
    "lat": _("latitud"),
    "lon": _("longitud"),
    "x": _("x (norrkoordinaten)"),
    "y": _("y (östkoordinaten)"),
}


# How many of a type column's unrecognised values get a select of their own, the most
# common first; the rest share "Alla andra typer" (the mapping's `default_group`).
TYPES_LISTED = 50
# A value from the file is shown this long at most (it is mapped by its whole text).
TYPE_SHOWN_CHARS = 80
REJECT_ROWS = ("", _("(avvisa raderna)"))
TYPE_LABEL = ngettext_lazy("%(value)s (%(rows)d rad)", "%(value)s (%(rows)d rader)", "rows")


def type_field_name(value: str) -> str:
    """The select for one of the file's types, named by the value as the importer compares
    it (`importers.type_key`), so a value keeps its choice when the page comes back and
    never names a field."""
    return "typ_" + hashlib.sha256(type_key(value).encode()).hexdigest()[:16]


class ImportMappingForm(forms.Form):
    """Which of the file's columns holds what: one select per field, the file's columns as
    choices, pre-set to the columns whose names are recognised (`guess_mapping`); then an
    offence group for each value of the type column that the importer would not recognise on
    its own.

    `types_column` (hidden) says which column that list was made for. When the type column
    sent is another, the form lists the new column's values and refuses, so nothing is
    imported with types nobody saw (a page that works without JavaScript).
    """

    date_order = forms.ChoiceField(
        label=_("Datumordning"),
        choices=DATE_ORDERS,
        required=False,
        error_messages={"invalid_choice": NOT_OFFERED},
        help_text=_(
            "Hur ett datum med bara siffror ska läsas. 05/03/2026 är 5 mars i Sverige men "
            "3 maj i en amerikansk fil. Datum som 2026-03-05 och 5 mars 2026 läses alltid "
            "rätt."
        ),
    )

    def __init__(self, *args, header: list[str], file_data: bytes, **kwargs):
        if "initial" not in kwargs:
            guess = guess_mapping(header)
            guess["date_order"] = _guessed_date_order(file_data, guess.get("time"))
            kwargs["initial"] = guess
        super().__init__(*args, **kwargs)
        columns = [("", _("(ingen kolumn)"))] + [(name, name) for name in header if name]
        for key, label in MAPPING_LABELS.items():
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=columns,
                required=key in MAPPING_REQUIRED,
                help_text=MAPPING_HELP.get(key, ""),
                error_messages={
                    "required": MAPPING_REQUIRED.get(key, ""),
                    "invalid_choice": NOT_OFFERED,
                },
            )
        # Not `max_length`: the importer's rule (`source_system`) says what is wrong, in one
        # message for the form, the service and the command line, and nothing typed is cut.
        self.fields["system"] = forms.CharField(
            label=_("Källsystem"),
            required=False,
            strip=False,
            help_text=_(
                "Vilket system filen kommer från, till exempel Securitas eller kommunens "
                "händelserapportering. Ange det när kommunen importerar filer från flera "
                "system som numrerar sina rader på samma sätt; ange samma namn nästa gång "
                "en fil från systemet importeras. Lämna tomt om filen kommer från samma "
                "system som tidigare filer utan källsystem: då räknas en rad med samma id "
                "som en tidigare rad som samma händelse."
            ),
        )
        self.fields["types_column"] = forms.CharField(widget=forms.HiddenInput, required=False)
        groups = [REJECT_ROWS] + list(OffenceGroup.choices)
        self.fields["default_group"] = forms.ChoiceField(
            label=_("Alla andra typer som inte känns igen"), choices=groups, required=False
        )
        column = self["type"].value()
        self.census = None
        self.relisted = False
        if column and column in header:
            self.census = unrecognised_types(file_data, column, limit=TYPES_LISTED)
            listed_for = self.data.get("types_column") if self.is_bound else column
            self.relisted = listed_for != column and bool(self.census.types)
            if self.is_bound:
                self.data = self.data.copy()
                self.data["types_column"] = column
            else:
                self.initial["types_column"] = column
        self.type_values = {}
        for count in self.census.types if self.census else []:
            name = type_field_name(count.value)
            self.type_values[name] = count.value
            shown = Truncator(count.value).chars(TYPE_SHOWN_CHARS)
            self.fields[name] = forms.ChoiceField(
                label=TYPE_LABEL % {"value": shown, "rows": count.rows},
                choices=groups,
                required=False,
            )

    @property
    def column_fields(self):
        return [self[key] for key in MAPPING_LABELS]

    @property
    def type_fields(self):
        return [self[name] for name in self.type_values]

    def clean_system(self) -> str:
        try:
            return source_system(self.cleaned_data["system"])
        except ImportFormatError as exc:
            raise forms.ValidationError(str(exc), code="system") from exc

    def tried_mapping(self) -> tuple[dict, str]:
        """The mapping and source system the page shows now, chosen or guessed, valid or
        not, for the trial of the file's first rows; a system the form refuses is none."""
        values = {key: self[key].value() for key in MAPPING_LABELS}
        mapping = {key: value for key, value in values.items() if isinstance(value, str) and value}
        groups = {
            value: group
            for name, value in self.type_values.items()
            if (group := self[name].value()) in OffenceGroup.values
        }
        if groups:
            mapping["group"] = groups
        default = self["default_group"].value()
        if default in OffenceGroup.values and self.census and self.census.left_out:
            mapping["default_group"] = default
        if (order := self["date_order"].value()) in (DAY_FIRST, MONTH_FIRST):
            mapping["date_order"] = order
        try:
            system = source_system(str(self["system"].value() or ""))
        except ImportFormatError:
            system = ""
        return mapping, system

    def clean(self):
        """The position as one pair, lat/lon or x/y, each error beside the field to change
        (the service checks the same, in the command line's words); a type column changed
        since its values were listed is sent back with the new column's list."""
        data = super().clean()
        if self.relisted:
            self.add_error(
                "type",
                _(
                    "Typerna i kolumnen ”%(column)s” visas nu under ”Typer som inte känns "
                    "igen”. Välj en brottsgrupp för dem och importera sedan."
                )
                % {"column": self.census.column},
            )
        pairs = {pair: [bool(data.get(k)) for k in pair] for pair in (("lat", "lon"), ("x", "y"))}
        for (first, second), (has_first, has_second) in pairs.items():
            if has_first != has_second:
                missing = second if has_first else first
                self.add_error(
                    missing,
                    _("Välj också kolumnen för %(field)s.")
                    % {"field": PAIR_NAMES[missing]},
                )
        complete = [pair for pair, chosen in pairs.items() if all(chosen)]
        if len(complete) == 2:
            self.add_error(
                "x",
                _(
                    "Välj antingen latitud och longitud eller SWEREF 99 TM x och y, inte båda. "
                    "Sätt de andra till (ingen kolumn)."
                ),
            )
        elif not complete and not any(any(chosen) for chosen in pairs.values()):
            self.add_error(
                "lat",
                _(
                    "Välj antingen kolumnerna för latitud och longitud eller för SWEREF 99 TM "
                    "x och y. Varje händelse behöver en plats i koordinater: en adress räcker "
                    "inte. Saknar filen koordinater, be systemet som gjorde den att ta med dem."
                ),
            )
        # One column for two fields (latitude and longitude, time and type): beside each.
        for key, other in repeated_columns(data).items():
            self.add_error(
                key,
                _("Samma kolumn är vald för ”%(field)s”. Välj en kolumn per fält.")
                % {"field": MAPPING_LABELS[other]},
            )
        return data

    def mapping(self) -> dict:
        """The mapping as `CsvMapping.from_json` reads it: the chosen columns, and in
        `group` each listed type given a group, by its whole value."""
        data = self.cleaned_data
        mapping = {key: data[key] for key in MAPPING_LABELS if data.get(key)}
        groups = {value: data[name] for name, value in self.type_values.items() if data.get(name)}
        if groups:
            mapping["group"] = groups
        # Only offered, and only meant, when some types were left out of the list.
        if data.get("default_group") and self.census and self.census.left_out:
            mapping["default_group"] = data["default_group"]
        if data.get("date_order"):
            mapping["date_order"] = data["date_order"]
        return mapping

    def system(self) -> str:
        """The source system named (`source_system`'s form), "" for none."""
        return self.cleaned_data.get("system", "")
