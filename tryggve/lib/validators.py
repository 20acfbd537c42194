"""Validators shared by forms and models."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line and paragraph separators are not control characters but break a line all the same.
_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}


def validate_one_line(value: str) -> None:
    """A name that may end up in a mail subject or a header: one line, no control characters."""
    if any(c in _LINE_BREAKS or unicodedata.category(c) == "Cc" for c in value or ""):
        raise ValidationError(
            _("Skriv på en rad, utan radbrytningar eller kontrolltecken."), code="one_line"
        )


def one_line(value: str) -> str:
    """Whitespace flattened to single spaces: old stored text still makes a one-line subject."""
    return " ".join((value or "").split())
