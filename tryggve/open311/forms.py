"""What a client POSTs to `requests`: the web form's questions under Open311's names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tryggve.areas.selectors import home_municipality, served_municipality_at
from tryggve.reports.forms import PHONE_RE
from tryggve.reports.models import Category, Severity, TimeOfDay

# first_name and last_name together, as `Report.contact_name` stores them.
NAME_MAX = 100


class RequestForm(forms.Form):
    """The same checks as the web form (`reports.forms.ReportForm`): a place inside the
    municipality or in words, the two questions, a description of at most 4,000 characters."""

    service_code = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True),
        to_field_name="slug",
        error_messages={
            "required": _("service_code saknas."),
            "invalid_choice": _("Det finns ingen sådan service_code."),
        },
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=300)
    time_of_day = forms.ChoiceField(
        choices=TimeOfDay.choices,
        error_messages={"required": _("attribute[time_of_day] saknas.")},
    )
    severity = forms.TypedChoiceField(
        choices=[(str(k), v) for k, v in Severity.choices],
        coerce=int,
        error_messages={"required": _("attribute[severity] saknas.")},
    )
    place_description = forms.CharField(required=False, max_length=300)
    description = forms.CharField(
        max_length=4000, error_messages={"required": _("description saknas.")}
    )
    email = forms.EmailField(required=False, max_length=254)
    first_name = forms.CharField(required=False, max_length=50)
    last_name = forms.CharField(required=False, max_length=50)
    phone = forms.CharField(required=False, max_length=30)
    device_id = forms.CharField(required=False, max_length=100)
    media_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    # The spec's `attribute[code]` fields, under the form's plain names.
    ATTRIBUTES = ("time_of_day", "severity", "place_description")

    @classmethod
    def from_post(cls, data) -> RequestForm:
        plain = {}
        for name in cls.base_fields:
            source = f"attribute[{name}]" if name in cls.ATTRIBUTES else name
            value = data.get(source)
            if value is not None:
                plain[name] = value
        return cls(plain)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("phone ska vara ett telefonnummer."))
        return phone

    def clean(self):
        data = super().clean()
        # Stored as one name (`Report.contact_name`, at most NAME_MAX characters).
        name = f"{data.get('first_name') or ''} {data.get('last_name') or ''}".strip()
        if len(name) > NAME_MAX:
            self.add_error(
                "last_name",
                _("first_name och last_name får tillsammans vara högst %(max)s tecken.")
                % {"max": NAME_MAX},
            )
        lat, lon = data.get("lat"), data.get("long")
        if (lat is None) != (lon is None):
            self.add_error("lat", _("Ange både lat och long."))
        elif lat is not None:
            # A position in another municipality this deployment serves is filed there.
            municipality = home_municipality()
            if municipality is not None and served_municipality_at(lat=lat, lon=lon) is None:
                self.add_error("lat", _("Platsen ligger utanför kommunen."))
        words = (data.get("place_description") or data.get("address_string") or "").strip()
        data["place_words"] = words
        if lat is None and lon is None and not words and "lat" not in self.errors:
            self.add_error(
                "address_string", _("Ange lat och long, eller address_string med platsen i ord.")
            )
        return data

    def error_descriptions(self) -> list[str]:
        names = {n: f"attribute[{n}]" if n in self.ATTRIBUTES else n for n in self.fields}
        return [
            f"{names.get(field, field)}: {error}" if field != "__all__" else str(error)
            for field, errors in self.errors.items()
            for error in errors
        ]
