"""Latitude and longitude typed by hand on the situation picture's forms (presence,
observation).

People paste what their map or the police's systems show: often SWEREF 99 TM metres, not
degrees. Django's own range check then says "less than or equal to 90", which tells them
nothing; these fields say what was expected and what the number looks like, and a pair
that is SWEREF 99 TM in both fields is converted the way the CSV import converts it.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tryggve.analytics.importers import _sweref_to_wgs84
from tryggve.lib.fields import DecimalCommaFloatField
from tryggve.lib.parsing import parse_number

# SWEREF 99 TM over Sweden (as `importers._sweref_to_wgs84` checks): northings of 6.1-7.7
# million metres, eastings of 0.25-0.95 million; a little wider, for a mistyped digit.
NORTHING = (5_900_000, 7_900_000)
EASTING = (100_000, 1_200_000)


class CoordinateField(DecimalCommaFloatField):
    """A decimal degree as typed: decimal comma and digit-group spaces are fine, the range
    is checked by `clean_coordinates` (which knows the other field), and the text box keeps
    whatever was typed when it is refused."""

    def __init__(self, *, label, invalid):
        super().__init__(
            label=label,
            required=False,
            # A text box: a number box would drop "7 280 600" or "65,59" in some browsers.
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
            ),
            error_messages={"invalid": invalid},
        )

    def to_python(self, value):
        # Spaces between digit groups ("7 280 600") also without a decimal comma.
        if isinstance(value, str) and value.strip():
            number = parse_number(value)
            if number is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = repr(number)
        return super().to_python(value)


def latitude_field() -> CoordinateField:
    return CoordinateField(
        label=_("Latitud"),
        invalid=_("Ange latituden som ett tal i decimalgrader, till exempel 65,59."),
    )


def longitude_field() -> CoordinateField:
    return CoordinateField(
        label=_("Longitud"),
        invalid=_("Ange longituden som ett tal i decimalgrader, till exempel 19,18."),
    )


def _between(value: float, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _sweref_like(value: float) -> bool:
    return _between(value, NORTHING) or _between(value, EASTING)


# After "looks like SWEREF 99 TM" in one field only: what to write instead, true whichever
# field and axis it was (a pair in SWEREF 99 TM is converted, in either order).
ONE_SYSTEM = _(
    "Skriv antingen båda i decimalgrader, eller båda i SWEREF 99 TM: N i Latitud och E i "
    "Longitud."
)


def clean_coordinates(form: forms.Form, data: dict) -> None:
    """Check `data["lat"]` and `data["lon"]` (cleaned by `CoordinateField`) in place; a
    value refused leaves `data` (the form's `add_error` takes it out).

    A pair that is SWEREF 99 TM in both fields (in either order) becomes degrees; a value
    out of the degrees' range gets a message beside its field saying what was expected,
    and what the number looks like when it looks like SWEREF 99 TM.
    """
    lat, lon = data.get("lat"), data.get("lon")
    if lat is not None and lon is not None and _sweref_like(lat) and _sweref_like(lon):
        converted = _sweref_to_wgs84(lat, lon)
        if converted is not None:
            data["lat"], data["lon"] = converted
            return
    for name, value in (("lat", lat), ("lon", lon)):
        bound, out_of_range, as_northing, as_easting = _DEGREE_MESSAGES[name]
        if value is None or -bound <= value <= bound:
            continue
        message = out_of_range
        if _between(value, NORTHING):
            message = as_northing
        elif _between(value, EASTING):
            message = as_easting
        if _sweref_like(value):
            message = format_lazy("{} {}", message, ONE_SYSTEM)
        form.add_error(name, forms.ValidationError(message, code=f"{name}_range"))


# Per field: its bound in degrees, and what it says of a value beyond it, one that looks like
# a SWEREF 99 TM northing, and one that looks like an easting (whole sentences for the
# translators).
_DEGREE_MESSAGES = {
    "lat": (
        90,
        _("Latitud anges i decimalgrader mellan -90 och 90, till exempel 65,59."),
        _(
            "Latitud anges i decimalgrader, till exempel 65,59. Ser ut som en "
            "SWEREF 99 TM-koordinat (N)."
        ),
        _(
            "Latitud anges i decimalgrader, till exempel 65,59. Ser ut som en "
            "SWEREF 99 TM-koordinat (E)."
        ),
    ),
    "lon": (
        180,
        _("Longitud anges i decimalgrader mellan -180 och 180, till exempel 19,18."),
        _(
            "Longitud anges i decimalgrader, till exempel 19,18. Ser ut som en "
            "SWEREF 99 TM-koordinat (N)."
        ),
        _(
            "Longitud anges i decimalgrader, till exempel 19,18. Ser ut som en "
            "SWEREF 99 TM-koordinat (E)."
        ),
    ),
}
