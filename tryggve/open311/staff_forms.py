from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Namn på systemet"),
        help_text=_("Till exempel Polisens app. Visas på ärenden som systemet skickar in."),
        max_length=100,
        error_messages={"required": _("Skriv vilket system nyckeln är till.")},
    )
    requests_per_hour = forms.IntegerField(
        label=_("Högst antal rapporter per timme"),
        min_value=1,
        max_value=10_000,
        initial=60,
        error_messages={"required": _("Skriv hur många rapporter per timme nyckeln får skicka.")},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Skriv vilket system nyckeln är till."))
        return name
