"""Image uploads, checked by decoding them with Pillow rather than trusting a file name."""

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


def validate_image_file(file):
    """Refuse anything that is not a real JPEG, PNG, WebP or GIF of a sensible size."""
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This image is larger than %(limit)d MB.", params={"limit": MAX_UPLOAD_BYTES >> 20}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels.")
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() misses truncated pixel data; decoding finds it
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError("This file is not a readable JPEG, PNG, WebP or GIF image.") from None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError("Only JPEG, PNG, WebP and GIF images are accepted.")
