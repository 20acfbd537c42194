"""Forms of the council's pages (every message in Swedish, next to its field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tryggve.followup.forms import DATE_WIDGET, OnceForm
from tryggve.followup.models import CouncilDecision
from tryggve.lib.dates import SensibleDateField
from tryggve.lib.validators import validate_one_line


class MeetingFields(forms.Form):
    """A meeting's fields, the same when it is created and when it is corrected."""

    date = SensibleDateField(label=_("Datum"), widget=DATE_WIDGET)
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        validators=[validate_one_line],
        initial=_("Hälsa- och trygghetsrådet"),
    )
    place = forms.CharField(
        label=_("Plats"), max_length=200, required=False, validators=[validate_one_line]
    )
    notes = forms.CharField(
        label=_("Anteckningar"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(OnceForm, MeetingFields):
    """A new meeting (its one-time key makes a double submit save once)."""


class MeetingEditForm(MeetingFields):
    """Corrections to a meeting: the same fields and checks as a new one."""


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100, validators=[validate_one_line])
    role = forms.CharField(
        label=_("Roll"),
        max_length=100,
        validators=[validate_one_line],
        help_text=_("Till exempel ”Ledamot i rådet”, ”Lokalpolisområdeschef” eller ”Kommunalråd”."),
    )
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        error_messages={"invalid": _("Skriv en e-postadress, till exempel namn@kommun.se.")},
    )


class DecisionForm(OnceForm):
    kind = forms.ChoiceField(
        label=_("Typ"), choices=CouncilDecision.Kind.choices, widget=forms.RadioSelect
    )
    activity = forms.ModelChoiceField(
        label=_("Aktivitet"),
        queryset=None,
        required=False,
        empty_label=_("Ingen särskild aktivitet"),
    )
    text = forms.CharField(
        label=_("Beslut eller kommentar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, activities, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("kind", CouncilDecision.Kind.DECISION)
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
