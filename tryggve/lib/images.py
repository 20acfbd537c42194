"""Photos from residents: accept only real images, and keep nothing but the pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
# Larger than any phone camera; a "photo" beyond it is a decompression bomb.
MAX_PIXELS = 60_000_000
MAX_SIDE = 2048
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRejected(ValueError):
    """The upload is not a photo we accept; the message is for the resident."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    width: int
    height: int


def clean_image(data: bytes, name: str = "") -> CleanImage:
    """Decode, check and re-encode a photo as JPEG without any metadata (EXIF, GPS, XMP, ICC)."""
    label = name or _("bilden")
    if len(data) > MAX_BYTES:
        raise ImageRejected(_("%(name)s är större än 10 MB.") % {"name": label})
    if not data:
        raise ImageRejected(_("%(name)s är tom.") % {"name": label})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ImageRejected(
                        _("%(name)s är inte en JPEG-, PNG- eller WebP-bild.") % {"name": label}
                    )
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRejected(_("%(name)s har för många bildpunkter.") % {"name": label})
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, (255, 255, 255))
                    image.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                # A fresh image carries no info dict, so nothing but pixels is written.
                clean = Image.new("RGB", image.size)
                clean.paste(image)
                clean.save(out, format="JPEG", quality=85, optimize=True)
                return CleanImage(out.getvalue(), clean.width, clean.height)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("%(name)s har för många bildpunkter.") % {"name": label}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(
            _("%(name)s gick inte att läsa som en bild. Är filen trasig?") % {"name": label}
        ) from None
