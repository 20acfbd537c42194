"""Form fields shared by the apps' forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tryggve.lib.parsing import parse_number


class TelInput(forms.TextInput):
    """A phone number field: a phone shows its digit keyboard."""

    input_type = "tel"


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


class NestingSafeJSONField(forms.JSONField):
    """JSON whose nesting is deeper than Python recurses (`[[[[…]]]]` thousands deep) is
    invalid JSON like any other: Django's own field lets the RecursionError through, a 500
    on the admin's geometry fields, and again when the refused form is shown."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)
