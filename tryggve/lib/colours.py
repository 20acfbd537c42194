"""Colours an administrator may choose: parsed from #RRGGBB and measured as WCAG does.

Django-free, so a model's `clean()` and a stylesheet view ask the same rule.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_hex(value: str) -> tuple[int, int, int] | None:
    """(r, g, b) of "#RRGGBB", else None (no shorthand, names or other notations)."""
    match = _HEX.match(value or "")
    if not match:
        return None
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio of white text on this colour (1 to 21)."""
    return 1.05 / (relative_luminance(rgb) + 0.05)


def darker(rgb: tuple[int, int, int], factor: float = 0.73) -> str:
    """A darker shade as #rrggbb (hover colour: still readable with white, as it is darker)."""
    return "#" + "".join(f"{round(c * factor):02x}" for c in rgb)
