"""Photos from residents: accept only real images, and keep nothing but the pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
# What a phone camera makes, checked from the file's header before anything is decoded:
# about 50 megapixels for a camera JPEG (MPO is how Pillow names a phone JPEG that carries
# a second, depth or preview, picture), far less for a PNG or WebP (screenshots, edited
# photos). A 190 KB PNG of 59 megapixels would otherwise take 900 MB to decode.
MAX_PIXELS = {"JPEG": 50_000_000, "MPO": 50_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
MAX_SIDE = 2048
ALLOWED_FORMATS = set(MAX_PIXELS)
# The brands an ISO media file (`ftyp` box) names for HEIC/HEIF, iPhone's photo format since
# iOS 11, which Pillow cannot read: such a file gets a message saying what to do, not "broken".
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


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
                if probe.width * probe.height > MAX_PIXELS[probe.format]:
                    raise ImageRejected(_("%(name)s har för många bildpunkter.") % {"name": label})
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                _decode_reduced(image)
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
    except UnidentifiedImageError:
        raise _unidentified(data, label) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(
            _("%(name)s gick inte att läsa som en bild. Är filen trasig?") % {"name": label}
        ) from None


def _unidentified(data: bytes, label: str) -> ImageRejected:
    """The message for a file Pillow cannot identify: a HEIC photo (iPhone) says what to
    do, an AVIF or SVG that it is another kind of picture; anything else may be broken."""
    brands = set()
    if data[4:8] == b"ftyp":  # an ISO media file: major brand, version, compatible brands
        box = data[8 : max(16, min(int.from_bytes(data[:4], "big"), 64))]
        brands = {box[i : i + 4] for i in range(0, len(box) - 3, 4)}
    if not brands & AVIF_BRANDS and brands & HEIF_BRANDS:
        return ImageRejected(
            _(
                "%(name)s är en HEIC-bild, iPhones format, som vi inte kan ta emot. Spara "
                "den som JPEG och bifoga den igen. På iPhone kan du välja Inställningar > "
                "Kamera > Format > Mest kompatibel."
            )
            % {"name": label}
        )
    if brands & AVIF_BRANDS or b"<svg" in data[:1024].lower():
        return ImageRejected(
            _("%(name)s är inte en JPEG-, PNG- eller WebP-bild.") % {"name": label}
        )
    return ImageRejected(
        _("%(name)s gick inte att läsa som en bild. Är filen trasig?") % {"name": label}
    )


def _decode_reduced(image: Image.Image) -> None:
    """Decode a JPEG at 1/2, 1/4 or 1/8 scale when the result still covers MAX_SIDE, so a
    50-megapixel photo never needs its full size in memory; other formats decode whole.
    The first picture of an MPO is the photo itself."""
    width, height = image.size
    longest = max(width, height)
    if image.format in ("JPEG", "MPO") and longest > MAX_SIDE:
        # `draft` keeps both sides at least this size, so the longer side stays >= MAX_SIDE.
        wanted = (max(1, width * MAX_SIDE // longest), max(1, height * MAX_SIDE // longest))
        image.draft(image.mode, wanted)
    image.load()
