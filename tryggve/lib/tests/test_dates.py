"""One sensible date range for every form (issue 8, item 9): a year typed as 1 or 20026 is a
form error, never a stored row that breaks a page later."""

import importlib
import pkgutil
from datetime import date, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

import tryggve
from tryggve.lib.dates import EARLIEST_YEAR, latest_year, validate_sensible_date


def _all_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's modules named like forms."""
    for module in pkgutil.walk_packages(tryggve.__path__, "tryggve."):
        last = module.name.rsplit(".", 1)[-1]
        if last.endswith("forms") and ".tests" not in module.name:
            importlib.import_module(module.name)
    found, to_visit = [], [forms.BaseForm]
    while to_visit:
        cls = to_visit.pop()
        to_visit.extend(cls.__subclasses__())
        if cls.__module__.startswith("tryggve."):
            found.append(cls)
    return found


def test_every_date_field_in_every_form_checks_the_range():
    classes = _all_form_classes()
    assert len(classes) > 10  # the walk found the project's forms
    unchecked = []
    for cls in classes:
        for name, field in cls.base_fields.items():
            dated = isinstance(field, forms.DateField | forms.DateTimeField)
            if dated and validate_sensible_date not in field.validators:
                unchecked.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unchecked, "Use tryggve.lib.dates.SensibleDate(Time)Field: " + ", ".join(unchecked)


@pytest.mark.parametrize(
    "value",
    [date(1, 1, 1), date(1999, 12, 31), datetime(9999, 12, 31, 23, 59), date(3026, 1, 1)],
)
def test_out_of_range_is_refused_in_swedish(value):
    with pytest.raises(ValidationError) as refused:
        validate_sensible_date(value)
    assert f"mellan år {EARLIEST_YEAR} och {latest_year()}" in refused.value.messages[0]


@pytest.mark.parametrize("value", [date(2000, 1, 1), date.today(), None])
def test_in_range_passes(value):
    validate_sensible_date(value)
