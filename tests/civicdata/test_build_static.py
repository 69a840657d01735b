"""build_static: the published site as plain files, identical to what the live site serves, with
nothing unpublished in it, rewritten only where something changed."""

import datetime
import io
import json
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from civicdata.publishing import Status
from civicdata.static_build import MANIFEST_NAME, build_site
from tests.factories import CaseStudyFactory, SeriesFactory, TopicFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db

HOST = "civicdata.example.org"
BASE_URL = f"https://{HOST}"
LIVE_SITE_URL = "https://live.civicdata.example.org"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT collected once for the whole session, as a deployment would."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture(autouse=True)
def deployment(settings, tmp_path, collected_static):
    settings.STATIC_ROOT = collected_static
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [HOST]
    settings.CIVICDATA_LIVE_SITE_URL = LIVE_SITE_URL


def stored_image(name, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 30), colour).save(buffer, "PNG")
    return default_storage.save(name, ContentFile(buffer.getvalue()))


@pytest.fixture
def site(render):
    """A published essay and case study (with a hero image), and one of each kind of item
    readers must not see: a draft, a scheduled, an expired and a trashed essay, and a draft
    case study with its own hero image."""
    now = timezone.now()
    series = SeriesFactory(title="Open ledgers", slug="open-ledgers")
    published = render(WrittenEssayFactory(series=series, title="Counting what counts"))
    hidden = [
        render(WrittenEssayFactory(series=series, title="Drafty thoughts", status=Status.DRAFT)),
        render(
            WrittenEssayFactory(
                series=series,
                title="Tomorrows news",
                publish_at=now + datetime.timedelta(days=2),
            )
        ),
        render(
            WrittenEssayFactory(
                series=series, title="Yesterdays news", expire_at=now - datetime.timedelta(days=1)
            )
        ),
        render(WrittenEssayFactory(series=series, title="Binned words", trashed_at=now)),
        render(
            CaseStudyFactory(
                title="Secret pilot",
                status=Status.DRAFT,
                hero_image=stored_image("case-studies/secret.png", "red"),
                hero_image_alt="A secret",
            )
        ),
    ]
    case_study = CaseStudyFactory(
        title="Court records",
        hero_image=stored_image("case-studies/court.png", "teal"),
        hero_image_alt="A courthouse",
    )
    case_study.topics.add(TopicFactory(name="Justice"))
    render(case_study)
    return {"essay": published, "case_study": case_study, "series": series, "hidden": hidden}


def build(outdir):
    return build_site(outdir, base_url=BASE_URL)


def built_files(outdir):
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in outdir.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }


def page_path(name):
    """The address a built page answers: `essays/x/index.html` is /essays/x/."""
    for index in ("index.html", "index.xml"):
        if name == index or name.endswith(f"/{index}"):
            return "/" + name.removesuffix(index)
    return "/" + name


def is_page(name):
    return not name.startswith(("static/", "media/")) and name != "favicon.ico"


def live(path):
    return Client(HTTP_HOST=HOST).get(path, secure=True)


def test_every_built_page_is_what_the_live_site_serves_for_its_path(site, tmp_path):
    outdir = tmp_path / "site"
    build(outdir)

    pages = {name: content for name, content in built_files(outdir).items() if is_page(name)}
    essay, case_study = site["essay"], site["case_study"]
    assert sorted(pages) == sorted(
        [
            "index.html",
            "essays/index.html",
            f"essays/{essay.slug}/index.html",
            "series/open-ledgers/index.html",
            "series/open-ledgers/feed/index.xml",
            "portfolio/index.html",
            f"portfolio/{case_study.slug}/index.html",
            "feed/index.xml",
            "sitemap.xml",
            "robots.txt",
            "404.html",
        ]
    )
    for name, content in pages.items():
        response = live(page_path(name))
        assert response.status_code == (404 if name == "404.html" else 200), name
        assert content == response.content, name
    assert (
        f'<link rel="canonical" href="{BASE_URL}/essays/{essay.slug}/">'.encode()
        in (pages[f"essays/{essay.slug}/index.html"])
    )
    assert f'action="{LIVE_SITE_URL}/search/"'.encode() in pages["index.html"]


def test_no_draft_scheduled_expired_or_trashed_item_is_anywhere_in_the_build(site, tmp_path):
    outdir = tmp_path / "site"
    build(outdir)

    files = built_files(outdir)
    for item in site["hidden"]:
        for name, content in files.items():
            assert item.slug.encode() not in content, (item.slug, name)
            assert item.title.encode() not in content, (item.title, name)
            assert item.slug not in name
    media = sorted(name for name in files if name.startswith("media/"))
    hero = site["case_study"].hero_image.name
    # The published hero (named by og:image) and its renditions; never the draft's.
    assert f"media/{hero}" in media
    assert len(media) == 1 + 5  # 480 and 800 wide in WebP and PNG, 900 wide in WebP
    page = files[f"portfolio/{site['case_study'].slug}/index.html"].decode()
    assert all(f"/{name}" in page for name in media)
    draft_hero = site["hidden"][-1].hero_image.name
    assert default_storage.exists(draft_hero)
    assert not any(draft_hero in name for name in files)
    assert len(list(default_storage.listdir("renditions")[0])) == 2  # the draft's are not built


def test_the_pages_stylesheet_and_icons_are_in_the_build(site, tmp_path):
    outdir = tmp_path / "site"
    build(outdir)

    files = built_files(outdir)
    assets = re.findall(r'href="/(static/[^"]+)"', files["index.html"].decode())
    assert len(assets) == 3  # the stylesheet and two icons
    assert all(asset in files for asset in assets)
    assert files["favicon.ico"] == (outdir / "static" / "favicon.ico").read_bytes()


def test_a_build_leaves_the_live_sites_page_cache_alone(site, tmp_path, settings):
    settings.CIVICDATA_LIVE_SITE_URL = ""
    settings.CIVICDATA_PAGE_CACHE = True
    cache.clear()
    try:
        build(tmp_path / "site")
        assert b'<form class="site-search"' in live("/").content
        build(tmp_path / "again")
        assert (tmp_path / "again" / "index.html").read_bytes() == (
            tmp_path / "site" / "index.html"
        ).read_bytes()
        assert b'<form class="site-search"' not in (tmp_path / "again" / "index.html").read_bytes()
    finally:
        cache.clear()


def test_building_again_without_changes_writes_nothing(site, tmp_path):
    outdir = tmp_path / "site"
    first = build(outdir)
    times = {path: path.stat().st_mtime_ns for path in outdir.rglob("*") if path.is_file()}

    again = build(outdir)

    assert again.written == [] and again.removed == []
    assert again.unchanged == len(first.written)
    assert {path: path.stat().st_mtime_ns for path in outdir.rglob("*") if path.is_file()} == times


def test_after_an_edit_only_the_pages_showing_it_are_written(site, tmp_path, render):
    outdir = tmp_path / "site"
    build(outdir)
    case_study = site["case_study"]
    case_study.summary = "What the project found."
    case_study.save()
    render(case_study)

    report = build(outdir)

    assert set(report.written) == {
        "feed/index.xml",
        "portfolio/index.html",
        f"portfolio/{case_study.slug}/index.html",
    }
    assert b"What the project found." in (outdir / "portfolio" / "index.html").read_bytes()


def test_a_page_no_longer_published_is_removed_from_the_build(site, tmp_path):
    outdir = tmp_path / "site"
    (outdir / "notes").mkdir(parents=True)
    (outdir / "notes" / "ours.txt").write_text("not the build's")
    build(outdir)
    essay = site["essay"]
    essay.status = Status.UNPUBLISHED
    essay.save()

    report = build(outdir)

    assert report.removed == [
        f"essays/{essay.slug}/index.html",
        "series/open-ledgers/feed/index.xml",
        "series/open-ledgers/index.html",
    ]
    assert not (outdir / "essays" / essay.slug).exists()
    assert not (outdir / "series").exists()
    assert essay.slug not in json.loads((outdir / MANIFEST_NAME).read_text())["files"]
    assert (outdir / "notes" / "ours.txt").read_text() == "not the build's"


def test_without_a_live_site_the_build_leaves_search_out_and_says_so(site, tmp_path, settings):
    settings.CIVICDATA_LIVE_SITE_URL = ""
    outdir = tmp_path / "site"
    out = StringIO()

    call_command("build_static", str(outdir), f"--base-url={BASE_URL}", stdout=out)

    assert "Search left out" in out.getvalue()
    assert "Built 11 pages" in out.getvalue()
    home = (outdir / "index.html").read_text()
    live_home = live("/").content.decode()
    start = live_home.index('<form class="site-search"')
    end = live_home.index("</form>", start) + len("</form>\n")
    assert home == live_home[:start] + live_home[end:]
    assert "it has no search" in (outdir / "404.html").read_text()
    assert "it has no search" not in live("/no-such-page/").content.decode()


def test_the_command_reports_what_it_wrote_kept_and_removed(site, tmp_path):
    outdir = tmp_path / "site"
    call_command("build_static", str(outdir), f"--base-url={BASE_URL}", stdout=StringIO())
    out = StringIO()

    call_command("build_static", str(outdir), f"--base-url={BASE_URL}", stdout=out)

    files = len(json.loads((outdir / MANIFEST_NAME).read_text())["files"])
    assert f"0 files written, {files} unchanged, 0 removed." in out.getvalue()
    assert f"Search sends readers to {LIVE_SITE_URL}." in out.getvalue()


def test_a_base_url_under_a_sub_path_is_refused(tmp_path):
    with pytest.raises(CommandError, match="root of a host"):
        call_command(
            "build_static", str(tmp_path / "site"), "--base-url=https://example.org/civic/"
        )
