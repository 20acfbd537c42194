"""lib/images.py: only real photos get in, and nothing but their pixels is kept."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from tryggve.lib.images import MAX_BYTES, MAX_SIDE, ImageRejected, clean_image
from tryggve.lib.tests.imagefiles import encode, jpeg_with_gps, noise_image, one_colour_png


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_bare_jpeg(content: bytes) -> Image.Image:
    image = reopen(content)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert len(image.getexif()) == 0
    for key in ("exif", "icc_profile", "xmp", "comment", "photoshop"):
        assert key not in image.info, key
    return image


def test_source_fixture_really_carries_gps():
    # Guards the test below: it must start from a file that does give the place away.
    source = reopen(jpeg_with_gps())
    exif = source.getexif()
    assert exif.get_ifd(0x8825)  # GPSInfo
    assert "icc_profile" in source.info
    assert source.info.get("comment") == b"Anna Andersson"


def test_jpeg_with_exif_gps_is_reencoded_without_any_metadata():
    cleaned = clean_image(jpeg_with_gps(), "semester.jpg")
    image = assert_bare_jpeg(cleaned.content)
    assert (cleaned.width, cleaned.height) == image.size == (40, 20)
    assert b"Telefonm" not in cleaned.content
    assert b"Anna Andersson" not in cleaned.content
    assert b"Exif" not in cleaned.content


def test_exif_orientation_is_applied_to_the_pixels_before_it_is_dropped():
    cleaned = clean_image(jpeg_with_gps(size=(40, 20), orientation=6))
    image = assert_bare_jpeg(cleaned.content)
    assert image.size == (20, 40)


def test_png_with_alpha_is_flattened_onto_white():
    source = Image.new("RGBA", (30, 30), (255, 0, 0, 0))
    source.paste((0, 0, 255, 255), (0, 0, 10, 10))
    cleaned = clean_image(encode(source, "PNG"), "genomskinlig.png")
    image = assert_bare_jpeg(cleaned.content)
    r, g, b = image.getpixel((25, 25))
    assert min(r, g, b) > 240  # transparent became white, not black or red
    r, g, b = image.getpixel((3, 3))
    assert b > 200 and r < 60


def test_webp_is_accepted():
    cleaned = clean_image(encode(noise_image((50, 40)), "WEBP"), "bild.webp")
    image = assert_bare_jpeg(cleaned.content)
    assert image.size == (50, 40)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("L", "JPEG"), ("CMYK", "JPEG"), ("P", "PNG"), ("LA", "PNG"), ("I;16", "PNG"), ("1", "PNG")],
)
def test_other_pixel_modes_become_rgb_jpeg(mode, fmt):
    source = noise_image((20, 10)).convert(mode) if mode != "I;16" else Image.new(mode, (20, 10))
    cleaned = clean_image(encode(source, fmt))
    assert assert_bare_jpeg(cleaned.content).size == (20, 10)


def test_large_photo_is_scaled_down_keeping_its_shape():
    cleaned = clean_image(encode(Image.new("RGB", (4000, 1000), "green"), "PNG"))
    assert (cleaned.width, cleaned.height) == (MAX_SIDE, MAX_SIDE // 4)


def test_decompression_bomb_is_refused():
    bomb = one_colour_png(20_000, 20_000)
    assert len(bomb) < 200_000  # tiny on disk, 400 million pixels when opened
    with pytest.raises(ImageRejected, match="för många bildpunkter"):
        clean_image(bomb, "bomb.png")


def test_image_above_our_pixel_limit_but_below_pillows_is_refused():
    # 70 Mpx: Pillow itself would only warn from about 89 Mpx.
    with pytest.raises(ImageRejected, match="för många bildpunkter"):
        clean_image(one_colour_png(10_000, 7_000), "stor.png")


def test_text_file_renamed_to_jpg_is_refused():
    with pytest.raises(ImageRejected, match="gick inte att läsa som en bild"):
        clean_image(b"Hej! Det h\xc3\xa4r \xc3\xa4r ingen bild.\n" * 10, "bild.jpg")


def test_truncated_jpeg_is_refused():
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    whole = encode(noise_image((200, 200)), "JPEG", quality=95)
    with pytest.raises(ImageRejected, match="gick inte att läsa som en bild"):
        clean_image(whole[: len(whole) // 2], "halv.jpg")


def test_gif_is_refused():
    with pytest.raises(ImageRejected, match="inte en JPEG-, PNG- eller WebP-bild"):
        clean_image(encode(noise_image().convert("P"), "GIF"), "rolig.gif")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_other_decodable_formats_are_refused(fmt):
    with pytest.raises(ImageRejected, match="inte en JPEG-, PNG- eller WebP-bild"):
        clean_image(encode(noise_image(), fmt))


def test_more_than_ten_megabytes_is_refused_before_decoding():
    with pytest.raises(ImageRejected, match="större än 10 MB"):
        clean_image(b"\xff\xd8" + b"\x00" * MAX_BYTES, "jättestor.jpg")


def test_empty_file_is_refused():
    with pytest.raises(ImageRejected, match="tom"):
        clean_image(b"", "tom.jpg")


def test_message_names_the_file_the_resident_chose():
    with pytest.raises(ImageRejected) as info:
        clean_image(b"not an image", "min-bild.jpg")
    assert str(info.value).startswith("min-bild.jpg ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]))
def test_arbitrary_bytes_are_refused_or_cleaned_never_crash(data, magic):
    try:
        cleaned = clean_image(magic + data, "x.jpg")
    except ImageRejected:
        return
    assert_bare_jpeg(cleaned.content)


def iso_media(*brands: bytes) -> bytes:
    """The start of a HEIC/AVIF file: its `ftyp` box (major brand, version, compatible
    brands) and some data Pillow cannot read."""
    box = brands[0] + b"\x00\x00\x00\x00" + b"".join(brands[1:])
    return (8 + len(box)).to_bytes(4, "big") + b"ftyp" + box + b"\x00\x00\x00\x01mdat" * 50


@pytest.mark.parametrize(
    "content",
    [iso_media(b"heic", b"mif1", b"heic"), iso_media(b"mif1", b"heic"), iso_media(b"heix")],
)
def test_a_heic_photo_from_an_iphone_gets_a_message_saying_what_to_do(content):
    # Not "is the file broken?": the photo is fine, only in a format we do not take.
    with pytest.raises(ImageRejected) as info:
        clean_image(content, "IMG_0412.HEIC")
    message = str(info.value)
    assert message.startswith("IMG_0412.HEIC är en HEIC-bild")
    assert "JPEG" in message and "Mest kompatibel" in message and "trasig" not in message


@pytest.mark.parametrize(
    "content",
    [
        iso_media(b"avif", b"avif", b"mif1", b"miaf"),  # AVIF lists mif1 too: not a HEIC
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
    ],
)
def test_avif_and_svg_are_named_as_other_formats_not_broken_files(content):
    with pytest.raises(ImageRejected, match="inte en JPEG-, PNG- eller WebP-bild"):
        clean_image(content, "bild")
