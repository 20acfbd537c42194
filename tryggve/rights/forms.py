from django import forms
from django.utils.translation import gettext_lazy as _

from tryggve.watch.models import normalise_phone


class PersonForm(forms.Form):
    """Whom the request is about: an e-mail address, a phone number, or both."""

    email = forms.EmailField(label=_("E-post"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=30,
        help_text=_("Med eller utan riktnummer och mellanslag, till exempel 070-123 45 67."),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not any(ch.isdigit() for ch in phone):
            raise forms.ValidationError(_("Skriv numret med siffror."))
        return normalise_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Ange e-post, telefon eller båda."))
        return data


class EraseForm(PersonForm):
    confirm = forms.BooleanField(
        label=_("Jag har prövat begäran och att personen är den hon säger sig vara."),
        error_messages={"required": _("Bekräfta att begäran är prövad.")},
    )
    reports_too = forms.BooleanField(
        label=_("Radera också kontaktuppgifterna i ärendena"),
        required=False,
        help_text=_(
            "Bara om kommunens gallringsbeslut tillåter gallring vid inaktualitet. Annars "
            "tas de bort enligt den vanliga regeln efter att ärendet avslutats."
        ),
    )
