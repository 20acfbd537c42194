"""Forms of the staff watch pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import areas_here
from tryggve.lib.dates import SensibleDateField, SensibleDateTimeField
from tryggve.lib.mail import validate_subject
from tryggve.lib.validators import validate_one_line
from tryggve.watch.models import ContactRole, Household, WatchArea, WatchState
from tryggve.watch.selectors import watch_areas_here


class OfferForm(forms.Form):
    residential_area = forms.ModelChoiceField(
        label=_("Bostadsområde"),
        queryset=ResidentialArea.objects.all(),
        required=False,
        empty_label=_("Eget område (ladda upp gräns)"),
    )
    name = forms.CharField(
        label=_("Namn på grannsamverkansområdet"),
        max_length=100,
        required=False,
        help_text=_("Tomt: bostadsområdets namn."),
        validators=[validate_one_line],
    )
    households = forms.IntegerField(
        label=_("Hushåll i området"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Tomt: bostadsområdets antal hushåll."),
    )
    streets = forms.CharField(
        label=_("Gator"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("En gata per rad.")
    )
    boundary = forms.FileField(
        label=_("Egen gräns (GeoJSON)"),
        required=False,
        help_text=_(
            "För en del av ett bostadsområde eller ett nytt område: en polygon i WGS84 "
            "eller SWEREF 99 TM."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the areas of the municipality served now (tryggve.areas.serving).
        self.fields["residential_area"].queryset = areas_here()

    def clean(self):
        data = super().clean()
        residential = data.get("residential_area")
        if not residential and not data.get("boundary"):
            self.add_error("boundary", _("Välj ett bostadsområde eller ladda upp en gräns."))
        # The chosen residential area fills what is left empty (the script does it as one
        # types; this is the same without JavaScript).
        if not data.get("name") and "name" not in self.errors:
            if residential:
                data["name"] = residential.name
            else:
                self.add_error("name", _("Skriv ett namn på området."))
        if not data.get("households") and "households" not in self.errors:
            if residential and residential.households:
                data["households"] = residential.households
            else:
                self.add_error("households", _("Skriv hur många hushåll området har."))
        return data

    @staticmethod
    def defaults() -> dict:
        """Name and households per residential area, for the script that fills the form."""
        return {
            str(pk): {"name": name, "households": households}
            for pk, name, households in areas_here().values_list("pk", "name", "households")
        }


class StateForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Ny status"), choices=WatchState.choices)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=500)


class HouseholdsForm(forms.Form):
    households = forms.IntegerField(label=_("Rätt antal hushåll"), min_value=1, max_value=100000)
    reason = forms.CharField(
        label=_("Varför"),
        max_length=300,
        error_messages={"required": _("Skriv varför antalet ändras.")},
    )


MAX_ID = 2**63 - 1


class HouseholdChoiceField(forms.ModelMultipleChoiceField):
    """Ids that no database column can hold are a form error, not a database error."""

    def _check_values(self, value):
        for pk in value:
            try:
                ok = 1 <= int(str(pk)) <= MAX_ID
            except ValueError:
                ok = False
            if not ok:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
        return super()._check_values(value)


class BulkForm(forms.Form):
    """One form for the whole household list: tick households, choose what to do."""

    ROLE = "role"
    ASSIGN = "assign"
    REMOVE = "remove"
    REPLACE = "replace"

    households = HouseholdChoiceField(
        label=_("Hushåll"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kryssa i minst ett hushåll."),
            "invalid_pk_value": _("Välj hushåll i listan."),
        },
    )
    action = forms.ChoiceField(label=_("Åtgärd"))

    def __init__(self, *args, area: WatchArea, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = area.households_set.all()
        self.fields["action"].choices = [
            (_("Roll"), [(f"{self.ROLE}:{value}", label) for value, label in ContactRole.choices]),
            (
                _("Kontaktombud för hushållen"),
                [(f"{self.ASSIGN}:", _("Inget kontaktombud"))]
                + [(f"{self.ASSIGN}:{c.pk}", f"{c} ({c.name})") for c in contacts],
            ),
            (
                _("Anmälan"),
                [
                    (self.REPLACE, _("Låt den väntande anmälan ersätta hushållet på adressen")),
                    (self.REMOVE, _("Ta bort anmälan")),
                ],
            ),
        ]


class MeetingForm(forms.Form):
    when = SensibleDateTimeField(
        label=_("Tid"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": _("Skriv tiden som 2026-12-03 18:00.")},
    )
    place = forms.CharField(label=_("Plats"), max_length=200)

    def clean_when(self):
        when = self.cleaned_data["when"]
        # A typo such as year 1 or 20266 must not reach the history or the invitations.
        if abs((when - timezone.now()).days) > 366:
            raise forms.ValidationError(_("Välj en tid inom ett år från i dag."))
        return when

    police_staff = forms.CharField(label=_("Från polisen"), max_length=200, required=False)
    municipal_staff = forms.CharField(label=_("Från kommunen"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput)
    attended = forms.MultipleChoiceField(
        label=_("Kom till mötet"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(h.pk), f"{h} ({h.name})") for h in households]


class SignsForm(forms.Form):
    ordered = SensibleDateField(
        label=_("Skyltar beställda"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    up = SensibleDateField(
        label=_("Skyltar uppsatta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MessageForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Till"),
        queryset=WatchArea.objects.public(),
        required=False,
        empty_label=_("Alla aktiva områden"),
    )
    subject = forms.CharField(label=_("Rubrik"), max_length=150, validators=[validate_subject])
    body = forms.CharField(
        label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    alert = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the watch areas of the municipality served now.
        self.fields["area"].queryset = watch_areas_here().public()
