from __future__ import annotations

import math
import re
import uuid

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tryggve.areas.selectors import home_municipality, served_municipality_at
from tryggve.lib.fields import DecimalCommaFloatField, TelInput
from tryggve.lib.guard import GuardedForm, take
from tryggve.lib.images import MAX_BYTES, ImageRejected, clean_image
from tryggve.reports import pending
from tryggve.reports.models import Category, Severity, Status, TimeOfDay
from tryggve.reports.selectors import categories_here

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices from one plain query, kept for the form's further renderings.

    Django's iterator() opens a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE:
    three round trips) to read the handful of categories; the form is built per request
    with its own queryset, so nothing is kept across requests."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class CategoryChoiceField(forms.ModelChoiceField):
    """A choice among the form's categories, read once a request for both checking the
    posted choice and showing the form again (a form with nearby reports or errors)."""

    iterator = ListedChoiceIterator

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        invalid = forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = self.queryset.model._meta.pk.to_python(value)
        except forms.ValidationError:
            raise invalid from None
        found = next((obj for obj in self.queryset if obj.pk == pk), None)
        if found is None:
            raise invalid
        return found


class ReportForm(GuardedForm, forms.Form):
    # Hidden: only a tampered or truncated form lacks a valid one; say so in Swedish, named.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        label=_("Formulärets engångsnyckel"),
        error_messages={
            "invalid": _("Formuläret var skadat. Skicka det igen härifrån."),
            "required": _("Formuläret var skadat. Skicka det igen härifrån."),
        },
    )
    lat = DecimalCommaFloatField(
        label=_("Latitud"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lon = DecimalCommaFloatField(
        label=_("Longitud"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    # Only for finding the place (see views._place_step); never saved with the report.
    place_query = forms.CharField(
        label=_("Sök gata eller plats"),
        help_text=_("Till exempel Storgatan eller ett bostadsområde. Välj sedan i listan."),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"}),
    )
    place_description = forms.CharField(
        label=_("Beskriv platsen med ord"),
        help_text=_("Till exempel gatuadress, korsning eller ett känt ställe i närheten."),
        required=False,
        max_length=300,
    )
    category = CategoryChoiceField(
        label=_("Vad gör platsen otrygg?"),
        queryset=Category.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Välj vad som gör platsen otrygg.")},
    )
    time_of_day = forms.ChoiceField(
        label=_("När känns platsen otrygg?"),
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj när platsen känns otrygg.")},
    )
    severity = forms.TypedChoiceField(
        label=_("Hur otrygg känns platsen?"),
        choices=Severity.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj hur otrygg platsen känns.")},
    )
    description = forms.CharField(
        label=_("Beskriv vad som känns otryggt"),
        help_text=_("Skriv inte namn eller annat om andra personer. Högst 4 000 tecken."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Beskriv kort vad som gör platsen otrygg.")},
    )
    photos = MultipleFileField(
        label=_("Bilder (valfritt)"),
        help_text=_(
            "Högst 3 bilder, JPEG, PNG eller WebP, högst 10 MB styck. "
            "Vi tar bort all information i bildfilen, till exempel var den togs."
        ),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photos = forms.MultipleChoiceField(
        label=_("Ta bort bifogade bilder"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # The resident's own details: the browser may fill them in (WCAG 1.3.5).
    contact_name = forms.CharField(
        label=_("Namn"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("E-post"),
        required=False,
        max_length=254,
        help_text=_("Då får du ett kvitto och besked när något händer i ärendet."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The categories of the municipality whose form this is (tryggve.areas.serving).
        self.fields["category"].queryset = categories_here().filter(active=True)
        self.photo_errors: list[str] = []
        key = self._key()
        names = pending.pending_names(key) if key else []
        self.fields["remove_photos"].choices = [
            (name, _("Bild %(n)s") % {"n": i}) for i, name in enumerate(names, start=1)
        ]

    def _post_clean(self):
        super()._post_clean()
        if "submission_key" in self._errors:
            # Rendered again with a fresh key, so that sending the form again from the page
            # works and keeps what was typed (only a tampered or truncated form gets here).
            data = self.data.copy()
            data["submission_key"] = str(uuid.uuid4())
            self.data = data

    def _key(self):
        raw = (
            self.data.get("submission_key") if self.is_bound else self.initial.get("submission_key")
        )
        try:
            return self.fields["submission_key"].clean(raw)
        except forms.ValidationError:
            return None

    @property
    def pending_photos(self) -> list[str]:
        key = self._key()
        return pending.pending_names(key) if key else []

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Skriv telefonnumret med siffror, till exempel 070-123 45 67.")
            )
        return phone

    def clean_photos(self):
        """Check each new photo now and park the good ones, so none is lost on a re-render."""
        key = self._key()
        uploads = self.cleaned_data.get("photos") or []
        if key is None:
            return []
        for name in self.data.getlist("remove_photos") if hasattr(self.data, "getlist") else []:
            pending.pending_remove(key, name)
        errors = []
        for upload in uploads:
            if len(pending.pending_names(key)) >= pending.MAX_PHOTOS:
                errors.append(_("Du kan bifoga högst 3 bilder."))
                break
            if upload.size > MAX_BYTES:
                errors.append(_("%(name)s är större än 10 MB.") % {"name": upload.name})
                continue
            # Checked and kept even when the form has errors, which uses up none of the
            # report allowance: so photos count on their own, per address.
            if wait := take("report_photo"):
                errors.append(
                    ngettext(
                        "Du har skickat många bilder härifrån på kort tid. Försök igen om "
                        "%(minutes)s minut, eller skicka rapporten utan bild.",
                        "Du har skickat många bilder härifrån på kort tid. Försök igen om "
                        "%(minutes)s minuter, eller skicka rapporten utan bild.",
                        math.ceil(wait / 60),
                    )
                    % {"minutes": math.ceil(wait / 60)}
                )
                break
            try:
                image = clean_image(upload.read(), upload.name)
            except ImageRejected as exc:
                errors.append(str(exc))
                continue
            pending.pending_add(key, image)
        # The choices of remove_photos are refreshed in clean(): changed here, they would
        # refuse the very names the resident just removed ("not one of the choices").
        if errors:
            raise forms.ValidationError(errors)
        return []

    def clean_remove_photos(self):
        return []

    def clean(self):
        data = super().clean()
        key = self._key()
        self.fields["remove_photos"].choices = [
            (name, _("Bild %(n)s") % {"n": i})
            for i, name in enumerate(pending.pending_names(key) if key else [], start=1)
        ]
        lat, lon = data.get("lat"), data.get("lon")
        if self.has_error("lat") or self.has_error("lon"):
            pass  # its own message says what is wrong, not "give both" (one was given)
        elif (lat is None) != (lon is None):
            self.add_error(
                "lat", _("Ange både latitud och longitud, eller välj platsen på kartan.")
            )
        elif lat is not None:
            # A position in another municipality this deployment serves is filed there
            # (the receipt says so); outside all of them it is refused.
            municipality = home_municipality()
            if municipality is not None and served_municipality_at(lat=lat, lon=lon) is None:
                self.add_error(
                    "lat",
                    _(
                        "Platsen ligger utanför %(name)s. Välj en plats i kommunen, "
                        "eller beskriv platsen med ord."
                    )
                    % {"name": municipality.name},
                )
        no_place = lat is None and lon is None and not data.get("place_description", "").strip()
        if no_place and "lat" not in self.errors:
            self.add_error(
                "place_description",
                _("Välj platsen på kartan, använd din position eller beskriv platsen med ord."),
            )
        return data


class MapFilterForm(forms.Form):
    PERIODS = [
        ("", _("All tid")),
        ("30", _("Senaste 30 dagarna")),
        ("365", _("Senaste året")),
    ]
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Alla kategorier"),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Det finns ingen sådan kategori. Välj en i listan.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alla"))] + list(Status.choices),
        required=False,
        error_messages={"invalid_choice": _("Det finns ingen sådan status. Välj en i listan.")},
    )
    period = forms.ChoiceField(
        label=_("Tid"),
        choices=PERIODS,
        required=False,
        error_messages={"invalid_choice": _("Välj en tid i listan.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_here()


class ResidentInfoForm(GuardedForm, forms.Form):
    text = forms.CharField(
        label=_("Det du vill lägga till"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv det du vill lägga till.")},
    )


class SafetyFeedbackForm(GuardedForm, forms.Form):
    answer = forms.ChoiceField(
        label=_("Känns platsen tryggare nu?"),
        choices=[("yes", _("Ja")), ("partly", _("Delvis")), ("no", _("Nej"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ett av svaren."),
                        "invalid_choice": _("Välj ett av svaren.")},
    )


class UnitNoteForm(GuardedForm, forms.Form):
    """What the responsible unit tells the case handler: a note, or that the work is done
    (the button pressed sets `done`; a note is then optional)."""

    text = forms.CharField(
        label=_("Besked till handläggaren"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Till exempel vad ni har gjort eller när ni planerar att åtgärda platsen."),
    )
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("done") and not data.get("text", "").strip():
            self.add_error("text", _("Skriv ett besked."))
        return data
