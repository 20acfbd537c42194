from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Efter fem misslyckade försök spärras kontot en stund."
        ),
        "inactive": _("Kontot är avstängt."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm only sets the widget's maxlength; without a validator an
        # overlong name reaches django-axes, whose database column (255) refuses it.
        field = self.fields["username"]
        field.validators.append(
            MaxLengthValidator(
                field.max_length,
                message=_("Användarnamnet har högst %(limit_value)d tecken."),
            )
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod"),
        help_text=_("Sex siffror från autentiseringsappen i din telefon."),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Skriv in koden från appen.")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Koden består av sex siffror."))
        return token
