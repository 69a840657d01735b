"""The published site as plain files (`manage.py build_static OUTDIR`), for nginx or any static
host to serve with no Python.

Every page is requested through Django's test client, anonymously, against the real URLconf, so
a built page is the very bytes the live site sends for that path. The pages are those the
sitemap lists (one place says what readers may open), the feeds, sitemap.xml, robots.txt and a
404 page; then the collected static files and the media files those pages name (a draft's image
is named by no published page, so it is never copied).

A directory path becomes `path/index.html` (`path/index.xml` for a feed). A file is written only
when its bytes changed, and a manifest in OUTDIR lists what the last build wrote, so a page no
longer published is removed on the next build and nothing else in OUTDIR is touched.

Internal links stay as the live site writes them, relative to the root of the host
(`/essays/<slug>/`), because rendered texts are stored with them; so the build is served at the
root of its base URL, never under a sub-path. Absolute addresses (canonical, OpenGraph, feeds,
sitemap) name the base URL, passed as each request's host and scheme.

Search needs the server: with CIVICDATA_LIVE_SITE_URL set, the search form of every page (live
or built) sends readers to the live site's search; without it, built pages leave search out and
the built 404 page says so (`site_search`).
"""

import json
import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.http.request import split_domain_port
from django.test import Client, override_settings
from django.urls import reverse

from civicdata.reversing import reverse_remembered
from civicdata.sitemaps import SITEMAPS, SeriesSitemap

# A WSGI environ key of the build's requests. Headers reach the environ only as HTTP_*, so no
# reader's request can carry it.
BUILD_FLAG = "civicdata.static_build"
MANIFEST_NAME = ".civicdata-build.json"
NOT_FOUND_PAGE = "404.html"


class StaticBuildError(Exception):
    pass


def site_search(request):
    """Context processor: where the site header's search form sends readers (`search_url`),
    and whether a static build left search out (`search_left_out`)."""
    if settings.CIVICDATA_LIVE_SITE_URL:
        search = reverse_remembered("search")
        return {"search_url": settings.CIVICDATA_LIVE_SITE_URL.rstrip("/") + search}
    if request.META.get(BUILD_FLAG):
        return {"search_url": "", "search_left_out": True}
    return {"search_url": reverse_remembered("search")}


@dataclass(frozen=True)
class BaseURL:
    scheme: str
    host: str

    @classmethod
    def parse(cls, url):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise StaticBuildError(f"The base URL must be http:// or https:// and a host: {url}")
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise StaticBuildError(
                f"The base URL must be the root of a host, without a path: {url}. Pages link "
                "to each other from the root (/essays/...), as the live site does."
            )
        return cls(scheme=parts.scheme, host=parts.netloc)

    def __str__(self):
        return f"{self.scheme}://{self.host}"


@dataclass
class BuildReport:
    pages: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    search_left_out: bool = False
    notes: list[str] = field(default_factory=list)


def build_site(outdir, *, base_url="http://localhost"):
    """Write the published site under `outdir` (see the module docstring); return what was
    written, left unchanged and removed."""
    base = BaseURL.parse(base_url)
    output = _Output(Path(outdir))
    report = BuildReport(search_left_out=not settings.CIVICDATA_LIVE_SITE_URL)
    # Not through the page cache (civicdata/caching.py): its keys do not vary with BUILD_FLAG,
    # so a built page (no search form) would be kept and served to live readers, or the reverse.
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[split_domain_port(base.host)[0]],
        CIVICDATA_PAGE_CACHE=False,
    ):
        client = Client(HTTP_HOST=base.host, **{BUILD_FLAG: True})
        secure = base.scheme == "https"
        pages = {}
        for path in page_paths():
            response = client.get(path, secure=secure)
            if response.status_code != 200:
                raise StaticBuildError(f"{path} answered {response.status_code}, not 200.")
            pages[file_name(path, response["Content-Type"])] = response.content
        with _quiet(logging.getLogger("django.request")):  # the 404 asked for is no news
            response = client.get(f"/{NOT_FOUND_PAGE}", secure=secure)
        if response.status_code != 404:
            raise StaticBuildError(f"/{NOT_FOUND_PAGE} answered {response.status_code}, not 404.")
        pages[NOT_FOUND_PAGE] = response.content
    report.pages = len(pages)
    for name, content in pages.items():
        output.put(name, content)
    _copy_static_files(output, report)
    _copy_media_named_in(pages.values(), base, output, report)
    report.written, report.unchanged = output.written, output.unchanged
    report.removed = output.finish()
    return report


def page_paths():
    """The path of every page readers may open: the sitemap's, the feeds, sitemap.xml and
    robots.txt."""
    paths = []
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        paths += [sitemap.location(item) for item in sitemap.items()]
    paths += [
        reverse("essays:series_feed", kwargs={"slug": series.slug})
        for series in SeriesSitemap().items()
    ]
    return [*paths, reverse("feed"), reverse("sitemap"), reverse("robots_txt")]


def file_name(path, content_type):
    """The file a static server answers `path` with: `index.html` (or `index.xml` for a feed)
    in the directory a path ending in / names."""
    name = path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.xml" if "xml" in content_type else "index.html"
    return name


def _copy_static_files(output, report):
    """Every collected static file (run collectstatic first), under STATIC_URL, with the names
    pages use (hashed when the storage hashes them); and /favicon.ico, which the live site
    redirects to the static one."""
    root = Path(settings.STATIC_ROOT)
    if not settings.STATIC_URL.startswith("/"):
        report.notes.append(f"Static files are served from {settings.STATIC_URL}: not copied.")
        return
    prefix = settings.STATIC_URL.lstrip("/")
    for path in sorted(root.rglob("*")):
        if path.is_file():
            output.put(prefix + path.relative_to(root).as_posix(), path.read_bytes())
    with staticfiles_storage.open("favicon.ico") as favicon:
        output.put("favicon.ico", favicon.read())


def _copy_media_named_in(pages, base, output, report):
    """The media files (renditions, hero images) that the built pages name, and no other."""
    media_url = settings.MEDIA_URL
    if not media_url.startswith("/"):
        report.notes.append(f"Media files are served from {media_url}: not copied.")
        return
    # Relative or on the base URL's host, in an attribute, a srcset or escaped in a feed.
    named = re.compile(
        rf"(?:{re.escape(str(base))})?{re.escape(media_url)}([^\s\"'<>,&?#]+)".encode()
    )
    names = {unquote(match.decode()) for page in pages for match in named.findall(page)}
    for name in sorted(names):
        if ".." in PurePosixPath(name).parts or not default_storage.exists(name):
            continue
        with default_storage.open(name) as file:
            output.put(media_url.lstrip("/") + name, file.read())


class _Output:
    """OUTDIR, written file by file only where the bytes differ, with a manifest of what the
    build wrote so the next build removes what it no longer writes."""

    def __init__(self, root):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest = self.root / MANIFEST_NAME
        self.names = set()
        self.written = []
        self.unchanged = 0

    def put(self, name, content):
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root) or path == self.manifest:
            raise StaticBuildError(f"Refusing to write outside the build: {name}")
        if name in self.names:
            return
        self.names.add(name)
        if path.is_file() and path.read_bytes() == content:
            self.unchanged += 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, content)
        self.written.append(name)

    def finish(self):
        """Remove the files of the last build that this one did not write; save the manifest."""
        removed = sorted(set(self._last_build()) - self.names)
        for name in removed:
            path = self.root / name
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == self.root or (parent.is_dir() and any(parent.iterdir())):
                    break
                if parent.is_dir():
                    parent.rmdir()
        manifest = json.dumps({"files": sorted(self.names)}, indent=1).encode()
        if not self.manifest.is_file() or self.manifest.read_bytes() != manifest:
            _replace(self.manifest, manifest)
        return removed

    def _last_build(self):
        try:
            return json.loads(self.manifest.read_text())["files"]
        except FileNotFoundError:
            return []


def _replace(path, content):
    """Write whole or not at all: a server reading OUTDIR meanwhile never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)


@contextmanager
def _quiet(logger):
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
