"""Dates that people type: one sensible range for every form with a date or time.

A year typed as 1 or 20026 is a slip of the keyboard, never an event this service records,
and out-of-range datetimes break time-zone arithmetic (year 1 in Stockholm is year 0 in
UTC) for every page that later reads them. Every date and datetime field in a form uses the
fields below; `tryggve/lib/tests/test_dates.py` checks that no form is left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 2000
# Meetings and signs are planned ahead, but not decades ahead.
YEARS_AHEAD = 10
# What a page may still read from the database without its arithmetic overflowing; rows
# outside it (from before this check existed) are left out rather than breaking the page.
READABLE_FROM = datetime(1900, 1, 1, tzinfo=UTC)
READABLE_UNTIL = datetime(9000, 1, 1, tzinfo=UTC)


def latest_year() -> int:
    return timezone.localdate().year + YEARS_AHEAD


def validate_sensible_date(value: date | datetime | None) -> None:
    """Refuse a date or datetime outside EARLIEST_YEAR to YEARS_AHEAD from now."""
    if value is None:
        return
    if not EARLIEST_YEAR <= value.year <= latest_year():
        raise ValidationError(
            _("Ange ett datum mellan år %(first)d och %(last)d."),
            code="date_range",
            params={"first": EARLIEST_YEAR, "last": latest_year()},
        )


class SensibleDateField(forms.DateField):
    """A DateField limited to the sensible range."""

    default_validators = [validate_sensible_date]


class SensibleDateTimeField(forms.DateTimeField):
    """A DateTimeField limited to the sensible range."""

    default_validators = [validate_sensible_date]

