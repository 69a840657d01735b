"""Responsive renditions of stored images, made once and reused.

Each image gets copies at several widths (never wider than itself), in WebP and in its own format
(PNG for a GIF), so a browser downloads what its screen needs. Pages serve them with <picture>,
srcset and sizes, and width and height so nothing shifts while they load.

Where they live: the names are deterministic, keyed by the SHA-256 of the source's bytes,

    renditions/<2 hex digits>/<30 more>/<width>w.<webp|jpg|png>

and written through Django's storage API (the file system in development, object storage in
production). Why names rather than a table of renditions: the same bytes always give the same
names, so an image used twice is rendered once and an image replaced under the same name gets new
renditions by itself (no stale row to invalidate); nothing has to be kept in step between the
database and the storage; and a name never changes content, so a CDN can cache it forever.
Whether a rendition exists is asked of the storage only when an item is saved (rendered), never
when a page is viewed: what a page needs (names, widths, heights) is stored with the item (the
case study's hero) or in its rendered HTML (images in Markdown).

Animated images are served as they are (with their width and height): resizing every frame of
an animation is slow and rarely worth it.
"""

import hashlib
import io
import logging
import posixpath
import warnings
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from PIL import Image, UnidentifiedImageError

from civicdata.images import MAX_PIXELS, STORED_AS

logger = logging.getLogger(__name__)

ROOT = "renditions"
WIDTHS = (480, 800, 1200, 1600)
# The fallback format for each source format: its own, except GIF (a resized GIF loses colours).
FALLBACK_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}
# How wide images are shown: the text column (site.css: 65ch of 1.0625rem text, about 40rem)
# on wide screens, the whole screen width on narrow ones.
COLUMN_SIZES = "(min-width: 44rem) 40rem, 100vw"


@dataclass(frozen=True)
class Candidate:
    """One file a browser may choose: a rendition, or the original itself."""

    name: str  # the storage name
    width: int
    height: int


@dataclass(frozen=True)
class ResponsiveImage:
    """An image and its renditions, with what a page needs to serve them."""

    name: str  # the original's storage name
    width: int = 0  # 0: not known (the image could not be read)
    height: int = 0
    content_type: str = ""  # the fallback candidates' type
    webp: tuple[Candidate, ...] = field(default_factory=tuple)
    fallback: tuple[Candidate, ...] = field(default_factory=tuple)  # may include the original

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ResponsiveImage":
        return cls(
            name=data["name"],
            width=data.get("width", 0),
            height=data.get("height", 0),
            content_type=data.get("content_type", ""),
            webp=tuple(Candidate(**candidate) for candidate in data.get("webp", ())),
            fallback=tuple(Candidate(**candidate) for candidate in data.get("fallback", ())),
        )

    @classmethod
    def stored_for(cls, name: str, data: dict | None) -> "ResponsiveImage":
        """The renditions stored for the image at `name`, or the bare original when the stored
        ones are for another image (changed without being rendered again) or missing."""
        if data and data.get("name") == str(name):
            return cls.from_dict(data)
        return cls(name=str(name))

    @property
    def generated(self) -> list[Candidate]:
        """The renditions (not the original) this image has."""
        return [c for c in (*self.webp, *self.fallback) if c.name != self.name]

    def html(
        self,
        *,
        alt: str,
        sizes: str = COLUMN_SIZES,
        css_class: str = "",
        title: str = "",
        lazy: bool = True,
        storage=None,
    ) -> SafeString:
        """<picture> with a WebP <source> and an <img> in the original's format; a plain <img>
        when there is nothing to choose from. `lazy`: below the fold (loading="lazy"); an image
        at the top of the page is fetched first instead (fetchpriority="high")."""
        storage = storage or default_storage
        fallback = self.fallback or (Candidate(self.name, self.width, self.height),)
        attributes = {"src": storage.url(fallback[-1].name)}
        if len(fallback) > 1:
            attributes["srcset"] = _srcset(fallback, storage)
            attributes["sizes"] = sizes
        if self.width and self.height:
            attributes.update(width=self.width, height=self.height)
        attributes["alt"] = alt
        if title:
            attributes["title"] = title
        if css_class:
            attributes["class"] = css_class
        if lazy:
            attributes.update(loading="lazy", decoding="async")
        else:
            attributes["fetchpriority"] = "high"
        img = format_html("<img{}>", _attributes(attributes))
        if not self.webp:
            return img
        source = format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">', _srcset(self.webp, storage), sizes
        )
        return format_html("<picture>{}{}</picture>", source, img)


def _srcset(candidates, storage) -> str:
    return ", ".join(f"{storage.url(c.name)} {c.width}w" for c in candidates)


def _attributes(attributes) -> SafeString:
    return format_html_join("", ' {}="{}"', attributes.items())


def folder_for(digest: str) -> str:
    return f"{ROOT}/{digest[:2]}/{digest[2:32]}"


def plan(name: str, digest: str, image_format: str, width: int, height: int, animated=False):
    """The renditions an image of this format and size gets: (webp, fallback) candidates.

    Widths are those of WIDTHS narrower than the image, plus the image's own width when it is
    no wider than the widest (never upscaled). At its own width in its own format, the candidate
    is the original itself.
    """
    fallback_format = FALLBACK_FORMAT[image_format]
    if animated:
        return (), ()
    folder = folder_for(digest)
    widths = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        widths.append(width)

    def candidate(w, candidate_format):
        if w == width and candidate_format == image_format:
            return Candidate(name, width, height)
        extension = STORED_AS[candidate_format][1]
        return Candidate(f"{folder}/{w}w.{extension}", w, max(1, round(height * w / width)))

    webp = () if image_format == "WEBP" else tuple(candidate(w, "WEBP") for w in widths)
    fallback = tuple(candidate(w, fallback_format) for w in widths)
    return webp, fallback


def ensure_renditions(
    name: str, *, storage=None, force=False, made: list | None = None
) -> ResponsiveImage | None:
    """The image at `name` with its renditions, making those that do not exist yet (all of them
    with `force`); the names of the files made are added to `made`. None when the file is
    missing or not an image civicdata accepts."""
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as error:
        logger.warning("No renditions for %s: %s", name, error)
        return None
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in STORED_AS or width * height > MAX_PIXELS:
                    logger.warning("No renditions for %s: not an accepted image", name)
                    return None
                animated = getattr(image, "n_frames", 1) > 1
                webp, fallback = plan(name, digest, image_format, width, height, animated)
                formats = {c.name: "WEBP" for c in webp}
                formats.update({c.name: FALLBACK_FORMAT[image_format] for c in fallback})
                result = ResponsiveImage(
                    name=name,
                    width=width,
                    height=height,
                    content_type=STORED_AS[FALLBACK_FORMAT[image_format]][0],
                    webp=webp,
                    fallback=fallback,
                )
                missing = [c for c in result.generated if force or not storage.exists(c.name)]
                if missing:
                    _make(image, missing, formats, storage)
                    if made is not None:
                        made.extend(c.name for c in missing)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        logger.warning("No renditions for %s: %s", name, error)
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        logger.warning("No renditions for %s: too many pixels", name)
        return None
    return result


def _make(image, candidates, formats, storage):
    image.load()
    icc_profile = image.info.get("icc_profile")
    mode = "RGBA" if image.has_transparency_data or "A" in image.mode else "RGB"
    base = image.convert(mode) if image.mode != mode else image
    for candidate in candidates:
        target_format = formats[candidate.name]
        resized = base.resize(
            (candidate.width, candidate.height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        if target_format == "JPEG" and resized.mode != "RGB":
            resized = resized.convert("RGB")
        options = dict(SAVE_OPTIONS[target_format])
        if icc_profile:
            options["icc_profile"] = icc_profile
        buffer = io.BytesIO()
        resized.save(buffer, target_format, **options)
        if storage.exists(candidate.name):  # only when forced: replace it
            storage.delete(candidate.name)
        saved = storage.save(candidate.name, ContentFile(buffer.getvalue()))
        if saved != candidate.name:  # made meanwhile by another process: keep theirs
            storage.delete(saved)


def digest_of(name: str, *, storage=None) -> str | None:
    """The SHA-256 of a stored file, or None if it cannot be read."""
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except (OSError, ValueError):
        return None


def rendition_folders(*, storage=None) -> list[str]:
    """Every folder of renditions in the storage (one per source image ever rendered)."""
    storage = storage or default_storage
    if not storage.exists(ROOT):
        return []
    folders = []
    for first in storage.listdir(ROOT)[0]:
        folders.extend(f"{ROOT}/{first}/{rest}" for rest in storage.listdir(f"{ROOT}/{first}")[0])
    return folders


def delete_folder(folder: str, *, storage=None) -> int:
    """Delete the files of one folder of renditions; returns how many."""
    storage = storage or default_storage
    files = storage.listdir(folder)[1]
    for file_name in files:
        storage.delete(f"{folder}/{file_name}")
    return len(files)


def media_name_for(src: str) -> str | None:
    """The storage name of an image uploaded into Markdown (through markdownx), from the URL
    the text uses; None for any other image."""
    try:
        image_url, media_url = urlsplit((src or "").strip()), urlsplit(settings.MEDIA_URL)
    except ValueError:
        return None
    if (image_url.scheme, image_url.netloc) not in {("", ""), (media_url.scheme, media_url.netloc)}:
        return None
    if image_url.query or not image_url.path.startswith(media_url.path):
        return None
    name = unquote(image_url.path[len(media_url.path) :])
    normalized = posixpath.normpath(name)
    if normalized != name or not name.startswith(settings.MARKDOWNX_MEDIA_PATH):
        return None
    return name


def responsive_image_for(src: str) -> ResponsiveImage | None:
    """An uploaded Markdown image with its renditions (made now if missing), or None for an
    image from elsewhere. The Markdown renderer's image hook."""
    name = media_name_for(src)
    if name is None:
        return None
    return ensure_renditions(name)
