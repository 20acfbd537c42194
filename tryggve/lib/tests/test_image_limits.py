"""Photo size limits read from the header before decoding, JPEGs decoded at reduced size,
and phone JPEGs that Pillow calls MPO accepted (issue 8, items 8 and 11)."""

import io

import pytest
from PIL import Image, ImageFile, JpegImagePlugin

from tryggve.lib.images import MAX_SIDE, ImageRejected, clean_image
from tryggve.lib.tests.imagefiles import encode, jpeg_claiming, mpo, one_colour_png


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[str, tuple[int, int]]]:
    """Every image Pillow decodes during the test: (format, size at decoding)."""
    seen = []
    original = ImageFile.ImageFile.load

    def spy(self):
        seen.append((self.format, self.size))
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy, raising=False)
    return seen


def test_a_tiny_png_of_59_megapixels_is_refused_without_decoding(decoded):
    png = one_colour_png(7_700, 7_700)
    assert len(png) < 200_000
    with pytest.raises(ImageRejected, match="för många bildpunkter"):
        clean_image(png, "karta.png")
    assert decoded == []


def test_png_is_capped_far_below_a_camera_jpeg(decoded):
    with pytest.raises(ImageRejected, match="för många bildpunkter"):
        clean_image(one_colour_png(5_000, 3_300), "skarmbild.png")  # 16.5 Mpx
    assert decoded == []
    cleaned = clean_image(one_colour_png(4_000, 3_000), "skarmbild.png")  # 12 Mpx
    assert cleaned.width == MAX_SIDE


def test_a_jpeg_claiming_more_than_a_phone_camera_makes_is_refused_before_decoding(decoded):
    with pytest.raises(ImageRejected, match="för många bildpunkter"):
        clean_image(jpeg_claiming(9_000, 6_000), "kamera.jpg")  # 54 Mpx
    assert decoded == []


def test_a_large_jpeg_is_decoded_at_reduced_size(decoded):
    photo = encode(Image.new("RGB", (4_200, 3_000), "green"), "JPEG", quality=70)
    cleaned = clean_image(photo, "kamera.jpg")
    assert (cleaned.width, cleaned.height) == (MAX_SIDE, 1_463)
    (fmt, size), *_ = decoded
    assert fmt == "JPEG"
    # Decoded at half size: a quarter of the memory, still at least MAX_SIDE wide.
    assert size == (2_100, 1_500)


def test_a_phone_jpeg_that_pillow_calls_mpo_is_accepted():
    data = mpo()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    cleaned = clean_image(data, "IMG_0042.JPG")
    image = Image.open(io.BytesIO(cleaned.content))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (64, 48)
    red, green, blue = image.convert("RGB").getpixel((10, 10))
    assert red > 150 and blue < 80  # the first picture, the photo itself
