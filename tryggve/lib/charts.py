"""Small accessible charts as SVG text, without matplotlib.

The follow-up pages and the annual summary draw their trends with these, so a chart looks
the same on screen and in the PDF. Every chart carries a <title> and a <desc> (read by
screen readers through `aria-labelledby`), draws a missing value as a gap rather than as
zero, and comes with `data_table`, the same numbers as an HTML table to show beside it.
Callers pass every word already translated; all text is escaped here. Numbers are written
as the active language writes them (`format_number`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.formats import number_format

Point = tuple[str, float | None]

INK = "#1f3a5f"  # dark blue: contrast above 4.5:1 on white for lines, bars and labels
MUTED = "#5a5a5a"


def format_number(value: float) -> str:
    """A number as the active language writes it (Django's `number_format`: Swedish "3,5",
    English "3.5"), one decimal at most and a minus sign. Rounded first: `number_format`
    cuts the decimals it does not show."""
    rounded = round(value, 1) + 0.0  # never "−0"
    return number_format(rounded, 0 if rounded.is_integer() else 1).replace("-", "−")


def _frame(
    body: list[str], *, title: str, desc: str, width: int, height: int, id_prefix: str
) -> str:
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _scale(points: Sequence[Point]) -> float:
    values = [v for _label, v in points if v is not None]
    return max(values + [0.0]) or 1.0


def sparkline(
    points: Sequence[Point],
    *,
    title: str,
    desc: str,
    width: int = 160,
    height: int = 40,
    id_prefix: str = "chart",
) -> str:
    """A line through the values, left to right; the last known value is marked."""
    pad = 4
    top = _scale(points)
    step = (width - 2 * pad) / max(1, len(points) - 1)
    body: list[str] = []
    segment: list[str] = []
    last: tuple[float, float] | None = None
    for i, (_label, value) in enumerate(points):
        if value is None:
            if len(segment) > 1:
                body.append(_polyline(segment))
            segment = []
            continue
        x = pad + i * step
        y = height - pad - (height - 2 * pad) * max(0.0, value) / top
        segment.append(f"{x:.1f},{y:.1f}")
        last = (x, y)
    if len(segment) > 1:
        body.append(_polyline(segment))
    if last is not None:
        body.append(f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="{INK}"/>')
    return _frame(body, title=title, desc=desc, width=width, height=height, id_prefix=id_prefix)


def _polyline(segment: list[str]) -> str:
    return f'<polyline fill="none" stroke="{INK}" stroke-width="2" points="{" ".join(segment)}"/>'


def bar_chart(
    points: Sequence[Point],
    *,
    title: str,
    desc: str,
    width: int = 480,
    height: int = 180,
    id_prefix: str = "chart",
) -> str:
    """Vertical bars with their labels below and their values above; no value, no bar."""
    label_h, value_h, pad = 18, 14, 4
    top = _scale(points)
    slot = (width - 2 * pad) / max(1, len(points))
    bar_w = max(2.0, slot * 0.7)
    plot_h = height - label_h - value_h - pad
    body = [
        f'<line x1="{pad}" y1="{height - label_h}" x2="{width - pad}" y2="{height - label_h}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    for i, (label, value) in enumerate(points):
        centre = pad + slot * (i + 0.5)
        body.append(
            f'<text x="{centre:.1f}" y="{height - 4}" font-size="11" text-anchor="middle" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
        if value is None:
            continue
        bar_h = plot_h * max(0.0, value) / top
        y = height - label_h - bar_h
        body.append(
            f'<rect x="{centre - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{bar_h:.1f}" fill="{INK}"/>'
        )
        body.append(
            f'<text x="{centre:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{format_number(value)}</text>'
        )
    return _frame(body, title=title, desc=desc, width=width, height=height, id_prefix=id_prefix)


def data_table(
    points: Sequence[Point],
    *,
    caption: str,
    label_header: str,
    value_header: str,
    missing: str,
) -> str:
    """The chart's numbers as an HTML table; `missing` is written where a value is None."""
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        f"<td>{escape(missing) if value is None else format_number(value)}</td></tr>"
        for label, value in points
    )
    return (
        f'<table class="chart-data"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(label_header)}</th>'
        f'<th scope="col">{escape(value_header)}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
