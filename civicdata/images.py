"""Image uploads, checked by decoding them with Pillow rather than trusting a file name."""

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

_NOT_READABLE = "This file is not a readable JPEG, PNG, WebP or GIF image."
_TOO_MANY_PIXELS = "This image has too many pixels."
_UNREADABLE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
# Pillow's own decompression-bomb guard: an error, or a warning that may be configured as one.
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


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
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() misses truncated pixel data; decoding finds it
    except ValidationError:
        raise
    except _BOMB_ERRORS:
        raise ValidationError(_TOO_MANY_PIXELS) from None
    except _UNREADABLE_ERRORS:
        raise ValidationError(_NOT_READABLE) from None
    finally:
        file.seek(position)
