import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import ResidentialArea
from tryggve.lib.dates import SensibleDateField, SensibleDateTimeField
from tryggve.lib.guard import GuardedForm
from tryggve.lib.mail import validate_subject
from tryggve.lib.sms import swedish_mobile
from tryggve.watch.models import ContactRole, WatchArea, WatchState

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


class SignUpForm(GuardedForm, forms.Form):
    street = forms.ChoiceField(
        label=_("Gata"),
        error_messages={
            "required": _("Välj er gata."),
            "invalid_choice": _("Välj en gata i listan."),
        },
    )
    number = forms.CharField(
        label=_("Husnummer"),
        max_length=20,
        help_text=_("Till exempel 12 eller 12 B."),
        error_messages={"required": _("Skriv husnumret.")},
    )
    name = forms.CharField(
        label=_("Namn"), max_length=100, error_messages={"required": _("Skriv ert namn.")}
    )
    email = forms.EmailField(label=_("E-post"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Mobiltelefon"),
        required=False,
        max_length=30,
        help_text=_("Ange e-post eller mobil, så att vi kan bekräfta."),
    )
    residents = forms.IntegerField(
        label=_("Antal boende i hushållet"),
        min_value=1,
        max_value=50,
        initial=1,
        error_messages={
            "min_value": _("Minst en."),
            "max_value": _("Högst 50."),
            "invalid": _("Skriv ett heltal."),
        },
    )
    volunteer = forms.BooleanField(
        label=_("Jag kan tänka mig att vara kontaktombud"),
        required=False,
        help_text=_("Ett kontaktombud håller kontakten med polisen för 10–12 hushåll."),
    )

    def __init__(self, *args, area: WatchArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [("", _("Välj gata"))] + [(s, s) for s in area.street_list]

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not re.match(r"^\d{1,4}\s?[A-Za-zÅÄÖåäö]?(\s?lgh\s?\d{1,5})?$", number):
            raise forms.ValidationError(
                _("Skriv husnumret med siffror, till exempel 12 eller 12 B.")
            )
        return number

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        if not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Skriv numret med siffror, till exempel 070-123 45 67."))
        # The confirmation goes by SMS, and SMS goes only to Swedish mobile numbers.
        mobile = swedish_mobile(phone)
        if mobile is None:
            raise forms.ValidationError(
                _("Skriv ett svenskt mobilnummer, till exempel 070-123 45 67, eller ange e-post.")
            )
        return mobile

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Ange e-post eller mobil, så att vi kan bekräfta anmälan."))
        return data


class OfferForm(forms.Form):
    residential_area = forms.ModelChoiceField(
        label=_("Bostadsområde"),
        queryset=ResidentialArea.objects.all(),
        required=False,
        empty_label=_("Eget område (ladda upp gräns)"),
    )
    name = forms.CharField(label=_("Namn på grannsamverkansområdet"), max_length=100)
    households = forms.IntegerField(label=_("Hushåll i området"), min_value=1, max_value=100000)
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

    def clean(self):
        data = super().clean()
        if not data.get("residential_area") and not data.get("boundary"):
            self.add_error("boundary", _("Välj ett bostadsområde eller ladda upp en gräns."))
        return data


class StateForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Nytt läge"), choices=WatchState.choices)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=500)


class HouseholdsForm(forms.Form):
    households = forms.IntegerField(label=_("Rätt antal hushåll"), min_value=1, max_value=100000)
    reason = forms.CharField(
        label=_("Varför"),
        max_length=300,
        error_messages={"required": _("Skriv varför antalet ändras.")},
    )


class ContactForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Roll"), choices=ContactRole.choices, required=False)


class MeetingForm(forms.Form):
    when = SensibleDateTimeField(
        label=_("Tid"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": _("Skriv tiden som 2026-12-03 18:00.")},
    )
    place = forms.CharField(label=_("Plats"), max_length=200)
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
