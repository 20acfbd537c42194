from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import areas_here
from tryggve.reports.models import Category, Report, Status, Unit
from tryggve.reports.selectors import (
    categories_here,
    reports_here,
    response_templates_here,
    units_here,
)
from tryggve.reports.services import ALLOWED_TRANSITIONS


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=100,
        help_text=_("Ärendenummer eller ord i texten eller platsen."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), ("open", _("Alla öppna"))] + list(Status.choices),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"), required=False, queryset=Category.objects.all(), empty_label=_("Alla")
    )
    area = forms.ModelChoiceField(
        label=_("Område"),
        required=False,
        queryset=ResidentialArea.objects.all(),
        empty_label=_("Alla"),
    )
    unit = forms.ModelChoiceField(
        label=_("Ansvarig enhet"),
        required=False,
        queryset=Unit.objects.all(),
        empty_label=_("Alla"),
    )
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the areas, categories and units of the municipality served now
        # (tryggve.areas.serving).
        self.fields["area"].queryset = areas_here()
        self.fields["category"].queryset = categories_here()
        self.fields["unit"].queryset = units_here()

    def filter(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].replace("\x00", "")
            reports = reports.filter(
                Q(reference__icontains=q)
                | Q(description__icontains=q)
                | Q(place_description__icontains=q)
                | Q(public_text__icontains=q)
            )
        if data["status"] == "open":
            reports = reports.open()
        elif data["status"]:
            reports = reports.filter(status=data["status"])
        for name in ("category", "area", "unit"):
            if data[name]:
                reports = reports.filter(**{name: data[name]})
        if data["overdue"]:
            reports = reports.overdue()
        return reports


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Ny status"))
    note = forms.CharField(
        label=_("Besked till den som rapporterade"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Visas för den som rapporterade (spårningssidan och e-post), inte offentligt: "
            "alla ser bara den nya statusen tills du publicerar en redigerad version. Krävs "
            "vid ”Ingen åtgärd”."
        ),
    )

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS.get(report.status, set())
        self.fields["to_status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Status.NOT_ACTIONABLE and not data.get("note", "").strip():
            self.add_error("note", _("Skriv varför ingen åtgärd görs."))
        return data


class UpdateForm(forms.Form):
    KINDS = [
        ("public", _("Besked till den som rapporterade (syns inte offentligt)")),
        ("note", _("Intern anteckning (syns bara för personal)")),
    ]
    kind = forms.ChoiceField(
        label=_("Typ"), choices=KINDS, widget=forms.RadioSelect, initial="public"
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv en text.")},
    )


class EventPublishForm(forms.Form):
    """An edited version of a text meant for the resident, for everyone to read."""

    public_text = forms.CharField(
        label=_("Version som visas för alla"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ta bort namn, telefonnummer och annat som pekar ut personer. Tom text tar bort "
            "den publicerade versionen. Originalet ändras inte."
        ),
    )


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Ansvarig enhet"),
        required=False,
        queryset=Unit.objects.filter(active=True),
        empty_label=_("Ingen"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Another municipality's unit is no choice: posting its id is a validation error.
        self.fields["unit"].queryset = units_here().filter(active=True)


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.all(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_here()


class ModerationForm(forms.Form):
    public_text = forms.CharField(
        label=_("Text som visas offentligt"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Ta bort namn, telefonnummer och annat som pekar ut personer. Originalet "
            "sparas i ärendet."
        ),
    )
    published = forms.BooleanField(label=_("Visa på den offentliga kartan"), required=False)
    approved_photos = forms.MultipleChoiceField(
        label=_("Godkända bilder (visas offentligt)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_photos"].choices = [
            (str(p.pk), _("Bild %(n)s") % {"n": i})
            for i, p in enumerate(report.photos.all(), start=1)
        ]


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Ärendenummer som ärendet är en dubblett av"), max_length=32)

    def clean_into(self):
        reference = self.cleaned_data["into"].strip().upper()
        # Only a case of the same municipality: another's does not exist here.
        report = reports_here().filter(reference=reference).first()
        if report is None:
            raise forms.ValidationError(
                _("Det finns inget ärende %(reference)s.") % {"reference": reference[:32]}
            )
        return report


def templates_by_status(report: Report) -> list[dict]:
    """The response templates a case handler may start from, grouped by the status they
    are written for: one group per status the case can move to (in the order of the
    status select), then the templates for any status. The page shows every group without
    JavaScript; case.js shows only the chosen status's group and the general one."""
    allowed = ALLOWED_TRANSITIONS.get(report.status, set())
    targets = [s for s in Status if s in allowed]
    templates = list(
        response_templates_here().filter(
            Q(status="") | Q(status__in=[s.value for s in targets])
        )
    )
    groups = [
        {"status": s.value, "label": s.label, "templates": [t for t in templates if t.status == s]}
        for s in targets
    ]
    general = [t for t in templates if not t.status]
    groups.append({"status": "", "label": _("Alla statusar"), "templates": general})
    return [g for g in groups if g["templates"]]
