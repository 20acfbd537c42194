"""Forms of the public watch pages."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tryggve.lib.fields import TelInput
from tryggve.lib.guard import GuardedForm
from tryggve.lib.sms import swedish_mobile
from tryggve.lib.validators import validate_one_line
from tryggve.watch.models import WatchArea

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
    # The household's own details: the browser may fill them in (WCAG 1.3.5).
    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        error_messages={"required": _("Skriv ert namn.")},
        validators=[validate_one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-post"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobiltelefon"),
        required=False,
        max_length=30,
        help_text=_("Ange e-post eller mobil, så att vi kan bekräfta."),
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    volunteer = forms.BooleanField(
        label=_("Jag kan tänka mig att vara kontaktombud"),
        required=False,
        help_text=_("Ett kontaktombud håller kontakten med polisen för 10–12 hushåll."),
    )
    share_contact = forms.BooleanField(
        label=_("Vårt kontaktombud får se vår e-post och telefon"),
        required=False,
        help_text=_("Annars ser kontaktombudet bara namnet. Ni kan ändra det när som helst."),
    )

    def __init__(self, *args, area: WatchArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["street"].choices = [("", _("Välj gata"))] + [(s, s) for s in area.street_list]

    def clean(self):
        data = super().clean()
        number = (data.get("number") or "").strip()
        if number and "number" not in self.errors:
            if problem := self.area.house_number_problem(data.get("street") or "", number):
                self.add_error("number", problem)
            else:
                data["number"] = number
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Ange e-post eller mobil, så att vi kan bekräfta anmälan."))
        return data

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


class HandoverForm(GuardedForm, forms.Form):
    # Digits, not words: the guard keeps posted words out of the mails this answer sends.
    AGREE, REFUSE = "1", "0"
    answer = forms.ChoiceField(choices=[(AGREE, _("Ja")), (REFUSE, _("Nej"))])


class ShareContactForm(GuardedForm, forms.Form):
    share_contact = forms.BooleanField(
        label=_("Vårt kontaktombud får se vår e-post och telefon"), required=False
    )
