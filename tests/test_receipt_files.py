"""Receipt files: the type comes from the bytes, images are re-encoded without EXIF or GPS, turned
upright and capped, PDFs are kept with a thumbnail, and anything else is refused in words."""

import io

import pytest
from PIL import Image

from app.receipts.files import HEIC, JPEG, PDF, PNG, WEBP, UnsupportedFile, prepare, sniff

# EXIF tags: Orientation, and the pointer to the GPS block.
ORIENTATION, GPS_INFO = 0x0112, 0x8825


def image_bytes(kind: str, size=(400, 300), **save) -> bytes:
    image = Image.new("RGB", size, "white")
    # A dark block in the top-left corner, to see which way the image was turned.
    image.paste((0, 0, 0), (0, 0, size[0] // 10, size[1] // 15))
    out = io.BytesIO()
    image.save(out, kind, **save)
    return out.getvalue()


def photo_with_gps_turned_right() -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was held turned: show it rotated 90 degrees clockwise
    exif.get_ifd(GPS_INFO).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    return image_bytes("JPEG", size=(4000, 3000), exif=exif)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes("JPEG"), JPEG),
        (image_bytes("PNG"), PNG),
        (image_bytes("WEBP"), WEBP),
        (image_bytes("HEIF"), HEIC),
        (image_bytes("PDF"), PDF),
        (image_bytes("GIF"), None),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", None),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None),
        (b"", None),
    ],
)
def test_type_is_read_from_the_bytes(data, kind):
    assert sniff(data) == kind


def test_photo_loses_exif_and_gps_is_turned_upright_and_capped():
    kept = prepare(photo_with_gps_turned_right(), max_side=1000, thumbnail_side=200)
    assert kept.content_type == JPEG
    image = opened(kept.content)
    assert image.size == (750, 1000)  # turned upright, then capped
    assert not image.getexif()
    assert "exif" not in image.info and b"GPS" not in kept.content
    # The dark corner was top-left in the sensor's frame; turned clockwise it is top-right.
    assert image.getpixel((745, 20))[0] < 60 and image.getpixel((5, 5))[0] > 200
    thumbnail = opened(kept.thumbnail)
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (150, 200))


def test_small_image_is_not_enlarged_and_png_stays_png_without_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret location")
    kept = prepare(image_bytes("PNG", pnginfo=info), max_side=2400, thumbnail_side=320)
    assert kept.content_type == PNG and kept.extension == "png"
    assert opened(kept.content).size == (400, 300)
    assert b"secret location" not in kept.content


@pytest.mark.parametrize("kind", ["WEBP", "HEIF"])
def test_webp_and_heic_are_kept_as_jpeg(kind):
    kept = prepare(image_bytes(kind), max_side=2400, thumbnail_side=320)
    assert (kept.content_type, opened(kept.content).format, opened(kept.content).size) == (JPEG, "JPEG", (400, 300))


def test_pdf_is_kept_as_it_came_with_a_thumbnail_of_its_first_page():
    data = image_bytes("PDF", size=(600, 800))
    kept = prepare(data, max_side=2400, thumbnail_side=320)
    assert (kept.content, kept.content_type, kept.extension) == (data, PDF, "pdf")
    thumbnail = opened(kept.thumbnail)
    assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\0" * 20, "is not a JPEG, PNG, HEIC or WebP image or a PDF"),
        (b"<html><body>hello</body></html>", "is not a JPEG, PNG, HEIC or WebP image or a PDF"),
        (image_bytes("JPEG")[:200], "is damaged or cut short and could not be opened"),
        (b"\xff\xd8\xff" + b"\0" * 100, "is damaged or cut short and could not be opened"),
        (b"%PDF-1.4 this is not really a PDF", "is a damaged PDF that could not be opened"),
    ],
)
def test_other_and_damaged_files_are_refused_in_words(data, message):
    with pytest.raises(UnsupportedFile) as refused:
        prepare(data, max_side=2400, thumbnail_side=320)
    assert str(refused.value) == message


def test_an_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)
    for size in [(400, 150), (400, 300)]:  # past the limit (Pillow warns), past twice it (Pillow refuses)
        with pytest.raises(UnsupportedFile) as refused:
            prepare(image_bytes("PNG", size=size), max_side=2400, thumbnail_side=320)
        assert str(refused.value) == "has too many pixels to open safely"
