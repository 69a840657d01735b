"""Image uploads are decoded with Pillow; a file name or a browser's content type proves
nothing."""

import io
import re
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
SVG = (
    "SVG images are not accepted: they can carry scripts. Export the drawing as a PNG and "
    "upload that."
)


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
    assert refusal(upload(svg, name="logo.svg", content_type="image/svg+xml")) == SVG


def test_an_svg_named_png_is_refused_as_svg():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    assert refusal(upload(svg, name="chart.png")) == SVG


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


# --- Animations ---


def animation(frames, size=(20, 20), image_format="GIF"):
    buffer = io.BytesIO()
    colours = ["red", "green", "blue"]
    images = [Image.new("RGB", size, colours[n % 3]) for n in range(frames)]
    images[0].save(buffer, format=image_format, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_an_animation_with_too_many_frames_for_its_size_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_ANIMATION_PIXELS", 20 * 20 * 5)
    validate_image_file(upload(animation(5), name="ok.gif"))
    refused = refusal(upload(animation(6), name="long.gif"))
    assert refused == "This animation has too many frames for its size."


# --- Stored without metadata ---

GPS_IFD = 0x8825
ORIENTATION = 0x0112
BODY_SERIAL_NUMBER = 0xA431
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Secret place</rdf:RDF></x:xmpmeta>'


def srgb_profile():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def camera_exif(orientation=1):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[BODY_SERIAL_NUMBER] = "SERIAL-12345"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.5), 3: "E", 4: (13.0, 24.0, 36.0)}
    return exif


def stripped(content, name):
    cleaned = images.without_metadata(upload(content, name=name))
    data = cleaned.read()
    return cleaned, data, Image.open(io.BytesIO(data))


def assert_no_metadata(data, image):
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert BODY_SERIAL_NUMBER not in exif and ORIENTATION not in exif
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp", "Comment"} & set(image.info)
    for secret in (b"SERIAL-12345", b"PhoneMaker", b"Secret place", b"at home"):
        assert secret not in data


def test_a_jpeg_with_gps_comes_out_upright_without_it_but_with_its_colour_profile():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "orange").save(
        buffer,
        "JPEG",
        exif=camera_exif(orientation=6),
        comment=b"at home",
        xmp=XMP,
        icc_profile=srgb_profile(),
    )
    with Image.open(io.BytesIO(buffer.getvalue())) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the photo does carry a position

    cleaned, data, image = stripped(buffer.getvalue(), "IMG_0001.JPG")

    assert re.fullmatch(r"img_0001-[0-9a-f]{16}\.jpg", cleaned.name)
    assert (cleaned.content_type, image.format) == ("image/jpeg", "JPEG")
    assert image.size == (40, 60)  # rotated as the orientation said, before it was dropped
    assert_no_metadata(data, image)
    assert image.info["icc_profile"] == srgb_profile()


def test_a_png_loses_its_text_chunks_and_exif():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "at home")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info, exif=camera_exif())
    _cleaned, data, image = stripped(buffer.getvalue(), "chart.png")
    assert image.format == "PNG" and image.mode == "RGBA"
    assert_no_metadata(data, image)


def test_a_webp_loses_its_exif_and_xmp():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(buffer, "WEBP", exif=camera_exif(), xmp=XMP)
    _cleaned, data, image = stripped(buffer.getvalue(), "photo.webp")
    assert image.format == "WEBP"
    assert_no_metadata(data, image)


def test_an_animated_gif_keeps_its_frames_and_timing_but_not_its_comment():
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[50, 60, 70],
        loop=0,
        comment=b"at home",
    )
    _cleaned, data, image = stripped(buffer.getvalue(), "animation.gif")
    assert image.n_frames == 3
    durations = []
    for frame in range(3):
        image.seek(frame)
        durations.append(image.info["duration"])
    assert durations == [50, 60, 70]
    assert_no_metadata(data, image)


def test_a_stripped_image_is_named_for_what_it_is():
    cleaned, _data, image = stripped(image_bytes("PNG"), "Photo of Jane.JPG")
    # Named for what it is, with a random part so a draft's image cannot be found by guessing.
    assert re.fullmatch(r"photo-of-jane-[0-9a-f]{16}\.png", cleaned.name)
    assert image.format == "PNG"
    again, _data, _image = stripped(image_bytes("PNG"), "Photo of Jane.JPG")
    assert again.name != cleaned.name


def test_the_upload_field_checks_and_strips_what_a_form_receives():
    field = images.ImageUploadField(required=False)
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "orange").save(buffer, "JPEG", exif=camera_exif(orientation=6))
    cleaned = field.clean(upload(buffer.getvalue(), name="photo.jpg"))
    with Image.open(cleaned) as image:
        assert image.size == (40, 60)
        assert not image.getexif()
    with pytest.raises(ValidationError) as caught:
        field.clean(upload(b"<html></html>", name="page.png"))
    assert caught.value.messages == [NOT_READABLE]
    assert field.clean(None) is None
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in field.widget.render("x", None)
