"""DecimalCommaFloatField: the decimal comma as people type it, errors as before."""

from __future__ import annotations

import pytest
from django import forms

from tryggve.lib.fields import DecimalCommaFloatField


class CoordinateForm(forms.Form):
    lat = DecimalCommaFloatField(required=False, min_value=-90, max_value=90)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("65,5917", 65.5917), ("65.5917", 65.5917), (" 65,5 ", 65.5), ("", None), ("-1,25", -1.25)],
)
def test_the_comma_and_the_point_both_work(typed, value):
    form = CoordinateForm({"lat": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["lat"] == value


@pytest.mark.parametrize("typed", ["65,5,9", "abc", "6 5,x", "nan", "inf", "95,5"])
def test_nonsense_is_still_an_error(typed):
    form = CoordinateForm({"lat": typed})
    assert not form.is_valid()
    assert "lat" in form.errors
