"""Forms of the follow-up's staff pages (every message in Swedish, next to its field)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryggve.accounts.roles import AREA_WIDE_ROLES, STAFF_ROLES
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.serving import served_municipalities, serves_several
from tryggve.followup.models import (
    REASON_STATUSES,
    THEME_CHOICES,
    ActivityStatus,
    Commitment,
    DialogueKind,
    EvidenceKind,
    Party,
)
from tryggve.lib.dates import SensibleDateField
from tryggve.lib.guard import SubmissionKeyField
from tryggve.lib.validators import validate_one_line
from tryggve.reports.models import Category, Report
from tryggve.surveys.models import Survey
from tryggve.watch.models import WatchArea

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OnceForm(forms.Form):
    """A form that creates something: its hidden one-time key makes a double submit save
    once (the services return the first row for the same key)."""

    submission_key = SubmissionKeyField(required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


def staff_users(municipality: Municipality | None, *, keep: int | None = None):
    """The staff who may be named responsible for an activity of `municipality`: those who
    may use its staff pages (`areas.access`), so never another municipality's staff by
    name. While several municipalities are served: its members, and the police officers
    who are members of a served municipality of its police area (they see all of it).
    `keep` is the user named already, offered still when no longer one of them."""
    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[role.value for role in STAFF_ROLES]
    )
    if municipality is not None and serves_several():
        area = [
            s.pk for s in served_municipalities()
            if municipality.police_area and s.police_area == municipality.police_area
        ]
        users = users.filter(
            Q(municipalities=municipality)
            | Q(groups__name__in=[role.value for role in AREA_WIDE_ROLES], municipalities__in=area)
            | Q(pk=keep)
        )
    return users.distinct().order_by("first_name", "last_name", "username")


class ActivityForm(OnceForm):
    title = forms.CharField(label=_("Vad"), max_length=200, validators=[validate_one_line])
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_party = forms.ChoiceField(label=_("Ansvarig part"), choices=Party.choices)
    responsible_name = forms.CharField(
        label=_("Ansvarig person"),
        max_length=100,
        required=False,
        validators=[validate_one_line],
        help_text=_("Namn och gärna titel, till exempel ”Anna Berg, fältsekreterare”."),
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Ansvarig i personalen"),
        queryset=None,
        required=False,
        empty_label=_("Ingen vald"),
    )
    planned_start = SensibleDateField(label=_("Planerad start"), required=False, widget=DATE_WIDGET)
    planned_end = SensibleDateField(label=_("Planerat slut"), required=False, widget=DATE_WIDGET)
    theme = forms.ChoiceField(
        label=_("Vad invånarna bad om"),
        choices=[("", _("Inget särskilt tema"))] + THEME_CHOICES,
        required=False,
        help_text=_("Temat kopplar aktiviteten till ”Du sa, vi gjorde” på den publika sidan."),
    )

    def __init__(self, *args, parties: list[str], municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the parties this user may edit activities for (accounts.roles).
        self.fields["responsible_party"].choices = [
            (value, label) for value, label in Party.choices if value in parties
        ]
        named = self.initial.get("responsible_user")
        self.fields["responsible_user"].queryset = staff_users(
            municipality, keep=getattr(named, "pk", named)
        )
        self.fields["responsible_user"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("Slutet kan inte ligga före starten."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=ActivityStatus.choices)
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs när aktiviteten skjuts upp eller ställs in."),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") in REASON_STATUSES and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Skriv varför aktiviteten skjuts upp eller ställs in."))
        return data


class UpdateForm(OnceForm):
    date = SensibleDateField(label=_("Datum"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("Vad har hänt"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    percent = forms.IntegerField(
        label=_("Andel klar (%)"), min_value=0, max_value=100, required=False
    )
    public = forms.BooleanField(
        label=_("Publicera på sidan Medborgarlöften"),
        required=False,
        help_text=_("Texten syns för alla. Skriv inga personuppgifter."),
    )


class PublishForm(forms.Form):
    public = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Slag av underlag"), choices=EvidenceKind.choices)
    report_reference = forms.CharField(
        label=_("Diarienummer"),
        max_length=32,
        required=False,
        help_text=_("För en rapport, till exempel OTR-2026-00042."),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Alla kategorier"),
    )
    area = forms.ModelChoiceField(
        label=_("Bostadsområde"),
        queryset=ResidentialArea.objects.none(),
        required=False,
        empty_label=_("Alla områden"),
    )
    references = forms.CharField(
        label=_("Diarienummer, ett per rad"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("För en grupp rapporter: en lista, eller välj kategori och område ovan."),
    )
    watch_area = forms.ModelChoiceField(
        label=_("Grannsamverkansområde"),
        queryset=WatchArea.objects.all(),
        required=False,
        empty_label=_("Välj område"),
    )
    survey = forms.ModelChoiceField(
        label=_("Enkät"),
        queryset=Survey.objects.none(),
        required=False,
        empty_label=_("Välj enkät"),
    )
    date_from = SensibleDateField(label=_("Från"), required=False, widget=DATE_WIDGET)
    date_to = SensibleDateField(label=_("Till"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Kommentar"), max_length=300, required=False, validators=[validate_one_line]
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["area"].queryset = ResidentialArea.objects.filter(municipality=municipality)
        self.fields["category"].queryset = Category.objects.for_municipality(municipality)
        self.fields["survey"].queryset = Survey.objects.filter(municipality=municipality)
        self.fields["watch_area"].queryset = WatchArea.objects.for_municipality(municipality)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == EvidenceKind.REPORT:
            reference = (data.get("report_reference") or "").strip()
            # Only the municipality's own reports: another's is "no report with that
            # number", so the form does not tell whether a reference exists elsewhere.
            data["report"] = (
                Report.objects.for_municipality(self.municipality)
                .filter(reference=reference)
                .first()
            )
            if data["report"] is None:
                self.add_error("report_reference", _("Det finns ingen rapport med det numret."))
        elif kind == EvidenceKind.REPORT_SET and not (
            data.get("category") or data.get("area") or (data.get("references") or "").strip()
        ):
            self.add_error(
                "references", _("Välj en kategori eller ett område, eller skriv diarienummer.")
            )
        elif kind == EvidenceKind.WATCH_AREA and not data.get("watch_area"):
            self.add_error("watch_area", _("Välj ett grannsamverkansområde."))
        elif kind == EvidenceKind.SURVEY and not data.get("survey"):
            self.add_error("survey", _("Välj en enkät."))
        elif kind == EvidenceKind.PRESENCE:
            for name in ("date_from", "date_to"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Ange periodens första och sista dag."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutet kan inte ligga före starten."))
        return data

    def service_arguments(self) -> dict:
        """Only the fields the chosen kind uses (a watch area chosen and then the kind
        changed to a survey is not saved along with it)."""
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        used = {
            EvidenceKind.REPORT: ("report",),
            EvidenceKind.REPORT_SET: ("category", "area", "date_from", "date_to"),
            EvidenceKind.WATCH_AREA: ("watch_area",),
            EvidenceKind.PRESENCE: ("area", "date_from", "date_to"),
            EvidenceKind.SURVEY: ("survey",),
        }[kind]
        arguments = {name: data.get(name) for name in used}
        if kind == EvidenceKind.REPORT_SET:
            arguments["references"] = (data.get("references") or "").splitlines()
        return {"kind": kind, "note": data.get("note", ""), **arguments}


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=150, validators=[validate_one_line])
    definition = forms.CharField(
        label=_("Definition"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad räknas, och hur? Skriv så att en invånare förstår."),
    )
    unit = forms.CharField(label=_("Enhet"), max_length=30, initial="st")
    baseline = forms.DecimalField(
        label=_("Utgångsläge"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    target = forms.DecimalField(
        label=_("Mål"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    commitment = forms.ModelChoiceField(
        label=_("Åtagande"),
        queryset=Commitment.objects.none(),
        required=False,
        empty_label=_("Inget särskilt"),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = Commitment.objects.for_municipality(
            municipality
        ).select_related("promise")
        self.fields["commitment"].label_from_instance = lambda c: (
            f"{c.title} ({c.promise.period_label})"
        )


class EntryForm(OnceForm):
    date = SensibleDateField(label=_("Datum"), widget=DATE_WIDGET)
    value = forms.DecimalField(label=_("Värde"), max_digits=12, decimal_places=2, min_value=0)
    source = forms.CharField(
        label=_("Källa"),
        max_length=200,
        validators=[validate_one_line],
        help_text=_("Var kommer siffran ifrån, till exempel ”Gatuenhetens arbetsorder”."),
    )
    note = forms.CharField(
        label=_("Kommentar"), max_length=300, required=False, validators=[validate_one_line]
    )


class DialogueForm(OnceForm):
    kind = forms.ChoiceField(label=_("Slag"), choices=DialogueKind.choices)
    date = SensibleDateField(label=_("Datum"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Rubrik"), max_length=200, validators=[validate_one_line])
    participant_count = forms.IntegerField(
        label=_("Antal deltagare"), min_value=1, max_value=100000
    )
    participant_groups = forms.CharField(
        label=_("Vilka deltog"),
        max_length=300,
        validators=[validate_one_line],
        help_text=_("Grupper, inte namn, till exempel ”polisen, socialtjänsten, fritidsgården”."),
    )
    concerns = forms.CharField(
        label=_("Det som togs upp"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class SummaryTextsForm(forms.Form):
    """The annual summary's three sections staff write; the rest is generated."""

    introduction = forms.CharField(
        label=_("Inledning"), required=False, max_length=20000, widget=forms.Textarea
    )
    assessment = forms.CharField(
        label=_("Bedömning"), required=False, max_length=20000, widget=forms.Textarea
    )
    next_year = forms.CharField(
        label=_("Förslag till nästa års inriktning"),
        required=False,
        max_length=20000,
        widget=forms.Textarea,
        help_text=_("Vad rådet föreslår att nästa års löfte inriktas på."),
    )


class IndicatorSettingForm(forms.Form):
    """A live indicator's baseline year, target and note (all optional: empty clears)."""

    baseline_year = forms.IntegerField(
        label=_("Basår"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Året vars värde är utgångsläget, till exempel 2024."),
    )
    target = forms.DecimalField(
        label=_("Mål"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text=_("För andelar: skriv procent som decimaltal, till exempel 0,25 för 25 %."),
    )
    note = forms.CharField(
        label=_("Kommentar"), max_length=300, required=False, validators=[validate_one_line]
    )
