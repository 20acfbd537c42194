"""The bar chart of `lib.charts` as a PNG, for documents that cannot hold SVG (Word).

Same points, same layout and colours as `charts.bar_chart`, drawn with Pillow (already a
dependency for photos) at twice the size so it prints sharply. The text alternative is the
caller's: Word carries it in the picture's description, the PDF in the image's alt.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from tryggve.lib.charts import INK, MUTED, Point, format_number


def bar_chart_png(points: Sequence[Point], *, width: int = 480, height: int = 180) -> bytes:
    """`charts.bar_chart`'s bars, labels below and values above, as PNG bytes."""
    k = 2  # drawn at double resolution
    label_h, value_h, pad = 18 * k, 14 * k, 4 * k
    w, h = width * k, height * k
    image = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=11 * k)
    values = [v for _label, v in points if v is not None]
    top = max(values + [0.0]) or 1.0
    slot = (w - 2 * pad) / max(1, len(points))
    bar_w = max(2.0 * k, slot * 0.7)
    plot_h = h - label_h - value_h - pad
    draw.line([(pad, h - label_h), (w - pad, h - label_h)], fill=MUTED, width=k)
    for i, (label, value) in enumerate(points):
        centre = pad + slot * (i + 0.5)
        draw.text((centre, h - 4 * k), label, fill=MUTED, font=font, anchor="ms")
        if value is None:
            continue
        bar_h = plot_h * max(0.0, value) / top
        y = h - label_h - bar_h
        draw.rectangle([centre - bar_w / 2, y, centre + bar_w / 2, h - label_h], fill=INK)
        draw.text((centre, y - 3 * k), format_number(value), fill=INK, font=font, anchor="ms")
    out = io.BytesIO()
    # Not `optimize=True`: it tries every filter and took a quarter of the DOCX's time for
    # a few KiB less; the pixels are the same.
    image.save(out, format="PNG")
    return out.getvalue()
