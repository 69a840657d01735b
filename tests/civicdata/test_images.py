"""Image uploads are decoded with Pillow; a file name or a browser's content type proves
nothing."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from civicdata import images
from civicdata.images import validate_image_file

NOT_READABLE = "This file is not a readable JPEG, PNG, WebP or GIF image."
WRONG_FORMAT = "Only JPEG, PNG, WebP and GIF images are accepted."
TOO_MANY_PIXELS = "This image has too many pixels."


def image_bytes(image_format, size=(40, 30), mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, color=(200, 80, 20) if mode == "RGB" else 1).save(
        buffer, format=image_format, **save_options
    )
    return buffer.getvalue()


def upload(content, name="upload.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width, height):
    """A tiny PNG whose header claims a huge image: a decompression bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        validate_image_file(file)
    return " ".join(caught.value.messages)


# --- Accepted ---


@pytest.mark.parametrize(
    ("image_format", "name", "mode"),
    [
        ("JPEG", "photo.jpg", "RGB"),
        ("PNG", "chart.png", "RGB"),
        ("PNG", "palette.png", "P"),
        ("WEBP", "photo.webp", "RGB"),
        ("GIF", "diagram.gif", "P"),
    ],
)
def test_real_jpeg_png_webp_and_gif_images_are_accepted(image_format, name, mode):
    validate_image_file(upload(image_bytes(image_format, mode=mode), name=name))


def test_an_animated_gif_is_accepted():
    buffer = io.BytesIO()
    frames = [Image.new("P", (20, 20), color=n) for n in range(3)]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    validate_image_file(upload(buffer.getvalue(), name="animation.gif"))


def test_an_image_is_judged_by_its_content_not_its_name():
    validate_image_file(upload(image_bytes("PNG"), name="really-a-png.jpg"))


def test_the_file_can_still_be_saved_in_full_after_validation():
    content = image_bytes("JPEG")
    file = upload(content, name="photo.jpg")
    file.read(10)
    validate_image_file(file)
    assert file.tell() == 10  # left where the caller had it
    file.seek(0)
    assert file.read() == content


# --- Refused ---


def test_an_html_page_named_png_is_refused():
    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    assert refusal(upload(html, name="innocent.png")) == NOT_READABLE


def test_an_svg_is_refused():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )
    assert refusal(upload(svg, name="logo.svg", content_type="image/svg+xml")) == NOT_READABLE


def test_a_truncated_png_is_refused():
    content = image_bytes("PNG", size=(200, 200), mode="RGB")
    assert refusal(upload(content[: len(content) // 2], name="cut.png")) == NOT_READABLE


def test_a_truncated_jpeg_is_refused():
    content = image_bytes("JPEG", size=(300, 300), quality=95)
    assert refusal(upload(content[: len(content) // 2], name="cut.jpg")) == NOT_READABLE


def test_a_png_with_a_corrupt_checksum_is_refused():
    content = bytearray(image_bytes("PNG", size=(50, 50)))
    content[-20] ^= 0xFF  # inside the image data
    assert refusal(upload(bytes(content), name="corrupt.png")) == NOT_READABLE


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8_000, 8_000),  # 64 million pixels: over civicdata's limit, under Pillow's warning
        (10_000, 10_000),  # 100 million: Pillow warns (an error under pytest's settings)
        (30_000, 30_000),  # 900 million: Pillow refuses outright
        (2**31 - 1, 1),  # absurd width
    ],
)
def test_a_png_declaring_a_huge_size_is_refused_as_too_many_pixels(width, height):
    assert refusal(upload(png_declaring(width, height), name="bomb.png")) == TOO_MANY_PIXELS


def test_a_decompression_bomb_by_pillows_own_limit_is_refused_as_too_many_pixels(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert refusal(upload(image_bytes("PNG", size=(50, 50)))) == TOO_MANY_PIXELS


def test_an_image_just_over_civicdatas_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 40 * 30 - 1)
    assert refusal(upload(image_bytes("PNG", size=(40, 30)))) == TOO_MANY_PIXELS
    monkeypatch.setattr(images, "MAX_PIXELS", 40 * 30)
    validate_image_file(upload(image_bytes("PNG", size=(40, 30))))


@pytest.mark.parametrize(("image_format", "name"), [("BMP", "scan.bmp"), ("TIFF", "scan.tiff")])
def test_real_images_in_other_formats_are_refused_by_format(image_format, name):
    assert refusal(upload(image_bytes(image_format), name=name)) == WRONG_FORMAT


def test_an_image_in_another_format_is_refused_before_it_is_decoded(monkeypatch):
    """Decoders for formats civicdata does not accept (TIFF, EPS, …) never run on uploads."""
    decoded = []
    original_load = ImageFile.ImageFile.load

    def spy_load(self):
        decoded.append(self.format)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)
    assert refusal(upload(image_bytes("TIFF"), name="scan.tiff")) == WRONG_FORMAT
    assert "TIFF" not in decoded


def test_an_eps_file_is_refused_by_format():
    eps = (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
        b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
    )
    assert refusal(upload(eps, name="figure.png")) == WRONG_FORMAT


def test_an_empty_file_is_refused():
    assert refusal(upload(b"", name="empty.png")) == NOT_READABLE


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(monkeypatch):
    opened = []
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: opened.append(args))
    too_big = b"\x89PNG\r\n\x1a\n" + b"\x00" * images.MAX_UPLOAD_BYTES
    assert refusal(upload(too_big, name="huge.png")) == "This image is larger than 10 MB."
    assert opened == []


def test_a_file_exactly_at_the_size_limit_is_judged_by_its_content():
    at_limit = b"\x00" * images.MAX_UPLOAD_BYTES
    assert refusal(upload(at_limit, name="zeros.png")) == NOT_READABLE


# --- Through the model field ---


@pytest.mark.django_db
def test_a_case_study_whose_stored_image_has_vanished_gets_a_message_not_a_crash(
    settings, tmp_path
):
    from tests.factories import CaseStudyFactory

    settings.MEDIA_ROOT = tmp_path
    case_study = CaseStudyFactory(hero_image="case-studies/gone.png", hero_image_alt="A chart")
    with pytest.raises(ValidationError) as caught:
        case_study.full_clean()
    assert caught.value.message_dict["hero_image"] == [NOT_READABLE]


@pytest.mark.django_db
def test_a_case_study_with_a_fake_image_upload_is_refused_on_the_image_field(settings, tmp_path):
    from tests.factories import CaseStudyFactory

    settings.MEDIA_ROOT = tmp_path
    case_study = CaseStudyFactory.build(hero_image_alt="A chart")
    case_study.hero_image = upload(b"<html>not an image</html>", name="chart.png")
    with pytest.raises(ValidationError) as caught:
        case_study.full_clean()
    assert caught.value.message_dict["hero_image"] == [NOT_READABLE]
