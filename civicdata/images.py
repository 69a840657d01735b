"""Image uploads, checked by decoding them with Pillow rather than trusting a file name, then
stored without the metadata a camera or phone wrote into them.

`validate_image_file` says whether a file is a JPEG, PNG, WebP or GIF of a sensible size;
`without_metadata` re-encodes an accepted upload upright and without EXIF (GPS position, camera
serial numbers), XMP, comments or text chunks, keeping only the colour profile; `ImageUploadField`
does both for a form (the case-study admin); the markdownx upload view calls them too.
"""

import io
import secrets
import warnings
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.text import slugify
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# What an accepted image is stored as; the browser's content type and the file name are ignored.
STORED_AS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# An animation's frames together: a small file of many large frames is a decompression bomb too.
MAX_ANIMATION_PIXELS = 200_000_000
# The file's own information kept when it is re-encoded: colour, transparency and animation
# timing. Everything else (exif, xmp, comment, PNG text chunks, Photoshop blocks) is dropped.
KEPT_INFO = {"icc_profile", "transparency", "duration", "loop", "background"}

_NOT_READABLE = "This file is not a readable JPEG, PNG, WebP or GIF image."
_SVG = (
    "SVG images are not accepted: they can carry scripts. Export the drawing as a PNG and "
    "upload that."
)
_TOO_MANY_PIXELS = "This image has too many pixels."
_TOO_MANY_FRAMES = "This animation has too many frames for its size."
_UNREADABLE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
# Pillow's own decompression-bomb guard: an error, or a warning that may be configured as one.
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_SAVE_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90, "method": 4},
    "GIF": {"optimize": True},
}


def validate_image_file(file):
    """Refuse anything that is not a real JPEG, PNG, WebP or GIF of a sensible size.

    Only the header is read until the format and size are known to be acceptable, so no
    decoder for another format (TIFF, EPS, …) ever runs on an upload.
    """
    try:
        size = file.size
    except OSError:  # a stored file that has gone missing
        raise ValidationError(_NOT_READABLE) from None
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This image is larger than %(limit)d MB.", params={"limit": MAX_UPLOAD_BYTES >> 20}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError("Only JPEG, PNG, WebP and GIF images are accepted.")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_TOO_MANY_PIXELS)
            if width * height * getattr(image, "n_frames", 1) > MAX_ANIMATION_PIXELS:
                raise ValidationError(_TOO_MANY_FRAMES)
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() misses truncated pixel data; decoding finds it
    except ValidationError:
        raise
    except _BOMB_ERRORS:
        raise ValidationError(_TOO_MANY_PIXELS) from None
    except _UNREADABLE_ERRORS:
        raise ValidationError(_SVG if _looks_like_svg(file) else _NOT_READABLE) from None
    finally:
        file.seek(position)


def _looks_like_svg(file) -> bool:
    try:
        file.seek(0)
        start = file.read(4096)
    except (OSError, ValueError):
        return False
    return isinstance(start, bytes) and b"<svg" in start.lower()


def without_metadata(file) -> SimpleUploadedFile:
    """A validated image re-encoded in its own format, upright, with no metadata but its
    colour profile: EXIF (GPS position, camera and lens serial numbers, dates), XMP, comments and
    text chunks are gone. Named `<the upload's name>.<its real extension>`.

    The EXIF orientation is applied before the EXIF is dropped, so a phone photo stays the right
    way up. Raises ValidationError if the image cannot be decoded in full.
    """
    position = file.tell() if hasattr(file, "tell") else 0
    buffer = io.BytesIO()
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                if image_format not in STORED_AS:
                    raise ValidationError("Only JPEG, PNG, WebP and GIF images are accepted.")
                if getattr(image, "n_frames", 1) > 1:
                    _save_animation(image, buffer)
                else:
                    _save_still(image, buffer)
    except ValidationError:
        raise
    except _BOMB_ERRORS:
        raise ValidationError(_TOO_MANY_PIXELS) from None
    except _UNREADABLE_ERRORS:
        raise ValidationError(_NOT_READABLE) from None
    finally:
        file.seek(position)
    content_type, extension = STORED_AS[image_format]
    stem = slugify(PurePath(getattr(file, "name", "") or "image").stem)[:60] or "image"
    # A random part: media may be served publicly, and a draft's image must not be found by
    # guessing its name.
    stem = f"{stem}-{secrets.token_hex(8)}"
    return SimpleUploadedFile(f"{stem}.{extension}", buffer.getvalue(), content_type)


def _kept_info(info) -> dict:
    return {key: value for key, value in info.items() if key in KEPT_INFO}


def _save_still(image, buffer):
    image_format = image.format
    upright = ImageOps.exif_transpose(image)  # a copy, with the orientation applied
    upright.info = _kept_info(image.info)
    options = dict(_SAVE_OPTIONS[image_format])
    if "icc_profile" in upright.info:
        options["icc_profile"] = upright.info["icc_profile"]
    if image_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    upright.save(buffer, image_format, **options)


def _save_animation(image, buffer):
    image_format = image.format
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        copy = frame.copy()
        copy.info = _kept_info(frame.info)
        frames.append(copy)
    first = frames[0]
    first.info = _kept_info(image.info)
    options = dict(_SAVE_OPTIONS[image_format])
    options.pop("optimize", None)
    if "icc_profile" in first.info:
        options["icc_profile"] = first.info["icc_profile"]
    first.save(
        buffer,
        image_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        **options,
    )


class ImageUploadField(forms.FileField):
    """A form field for image uploads: the file must pass `validate_image_file`, and what is
    kept is `without_metadata(file)`. Unlike Django's ImageField, no decoder runs before
    civicdata's own checks, and every refusal says why in civicdata's words."""

    widget = forms.ClearableFileInput(
        attrs={"accept": ",".join(content_type for content_type, _ext in STORED_AS.values())}
    )

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        validate_image_file(upload)
        return without_metadata(upload)


class UploadedImageField(models.ImageField):
    """A model ImageField whose forms (the admin's too) use ImageUploadField: every upload is
    checked and stored without its metadata."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})
