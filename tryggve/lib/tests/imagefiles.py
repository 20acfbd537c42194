"""Builders of image files, good and hostile, for the photo tests."""

from __future__ import annotations

import io
import random
import struct
import zlib
from functools import lru_cache

from PIL import ExifTags, Image, ImageCms


def noise_image(size=(64, 48), mode="RGB", seed=1) -> Image.Image:
    rng = random.Random(seed)
    bands = len(mode)
    return Image.frombytes(
        mode, size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * bands))
    )


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def jpeg_with_gps(size=(40, 20), orientation: int | None = None) -> bytes:
    """A JPEG that gives away where and with what it was taken: EXIF GPS, ICC, a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefonmärke"
    exif[ExifTags.Base.Model] = "Modell X"
    exif[ExifTags.Base.DateTime] = "2026:01:31 21:45:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (65.0, 35.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (19.0, 10.0, 48.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(noise_image(size), "JPEG", exif=exif, icc_profile=icc, comment=b"Anna Andersson")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=4)
def one_colour_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of one colour: huge in pixels, tiny on disk."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = []
    block = row * 1000
    for _ in range(height // 1000):
        chunks.append(compressor.compress(block))
    chunks.append(compressor.compress(row * (height % 1000)))
    chunks.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose header (SOF0) claims another size: what a decoder would
    allocate for, without this test having to make the pixels."""
    data = bytearray(encode(Image.new("RGB", (16, 16), "red"), "JPEG", quality=90))
    sof = data.index(b"\xff\xc0")
    # Marker, length (2), precision (1), then height and width (2 bytes each).
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def mpo(size=(64, 48)) -> bytes:
    """A phone camera's JPEG with a second picture (Multi-Picture Format), which Pillow
    opens as MPO."""
    first, second = Image.new("RGB", size, (200, 30, 30)), Image.new("RGB", size, (0, 0, 255))
    return encode(first, "MPO", save_all=True, append_images=[second])
