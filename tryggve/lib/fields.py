"""Form fields shared by the apps' forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tryggve.lib.parsing import parse_number


class DecimalCommaFloatField(forms.FloatField):
    """A float that also takes the Swedish decimal comma ("65,59") and spaces between
    digit groups, as people type them (without JavaScript nothing converts them first)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and "," in value:
            number = parse_number(value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = repr(number)
        return super().to_python(value)
