"""Responsive renditions: several widths, WebP and the original's format, made once, served with
srcset, sizes, width and height, for hero images and images uploaded into Markdown."""

import io
import json
import re
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from civicdata import renditions
from civicdata.markdown import render
from tests.factories import CaseStudyFactory
from tests.public_factories import EditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored(name, size, image_format="PNG", **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format, **options)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def files_with_times(media_root):
    return {path: path.stat().st_mtime_ns for path in media_root.rglob("*") if path.is_file()}


def rendition_names(media_root):
    return sorted(
        path.name for path in media_root.rglob("*") if path.is_file() and "renditions" in path.parts
    )


# ---- What is made ----------------------------------------------------------------------------


def test_a_wide_image_gets_every_width_in_webp_and_its_own_format(media_root):
    name = stored("markdown-images/wide.jpg", (2000, 100), "JPEG")
    image = renditions.ensure_renditions(name)
    assert [(c.width, c.height) for c in image.webp] == [
        (480, 24),
        (800, 40),
        (1200, 60),
        (1600, 80),
    ]
    assert [c.width for c in image.fallback] == [480, 800, 1200, 1600]
    assert image.content_type == "image/jpeg"
    assert rendition_names(media_root) == sorted(
        f"{width}w.{extension}" for width in (480, 800, 1200, 1600) for extension in ("jpg", "webp")
    )
    for candidate in image.generated:
        with default_storage.open(candidate.name) as file, Image.open(file) as made:
            assert made.size == (candidate.width, candidate.height)


def test_a_narrow_image_is_never_upscaled_and_is_its_own_largest_fallback():
    name = stored("markdown-images/narrow.png", (300, 30))
    image = renditions.ensure_renditions(name)
    assert [c.width for c in image.webp] == [300]
    assert image.fallback == (renditions.Candidate(name, 300, 30),)
    assert [c.name for c in image.generated] == [image.webp[0].name]


def test_names_are_keyed_by_the_content_so_the_same_image_is_rendered_once(media_root):
    first = renditions.ensure_renditions(stored("markdown-images/a.png", (900, 30)))
    made = []
    second = renditions.ensure_renditions(stored("markdown-images/b.png", (900, 30)), made=made)
    assert [c.name for c in first.webp] == [c.name for c in second.webp]
    assert made == []


def test_renditions_are_made_once(media_root):
    name = stored("markdown-images/chart.png", (1000, 50))
    renditions.ensure_renditions(name)
    before = files_with_times(media_root)
    made = []
    renditions.ensure_renditions(name, made=made)
    assert made == []
    assert files_with_times(media_root) == before


def test_forcing_makes_them_again_in_place(media_root):
    name = stored("markdown-images/chart.png", (1000, 50))
    renditions.ensure_renditions(name)
    before = set(files_with_times(media_root))
    made = []
    renditions.ensure_renditions(name, force=True, made=made)
    assert len(made) == 5  # 480, 800 and 1000 in WebP; 480 and 800 in PNG
    assert set(files_with_times(media_root)) == before  # replaced, no suffixed copies


def test_a_gif_falls_back_to_png_and_a_webp_needs_no_second_format():
    gif = renditions.ensure_renditions(stored("markdown-images/d.gif", (600, 20), "GIF"))
    assert gif.content_type == "image/png"
    assert [c.name.rsplit(".", 1)[1] for c in gif.fallback] == ["png", "png"]
    webp = renditions.ensure_renditions(stored("markdown-images/p.webp", (600, 20), "WEBP"))
    assert webp.webp == ()
    assert [c.width for c in webp.fallback] == [480, 600]
    assert "<source" not in webp.html(alt="x")


def test_an_animation_is_served_as_it_is_with_its_size(media_root):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (700, 20), colour) for colour in ("red", "blue")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    name = default_storage.save("markdown-images/anim.gif", ContentFile(buffer.getvalue()))
    image = renditions.ensure_renditions(name)
    assert image.generated == []
    assert rendition_names(media_root) == []
    html = image.html(alt="A moving chart")
    assert html.startswith("<img ") and "srcset" not in html
    assert 'width="700" height="20"' in html


@pytest.mark.parametrize("content", [None, b"<html>not an image</html>"])
def test_a_missing_or_unreadable_file_gets_no_renditions(content):
    if content is not None:
        default_storage.save("markdown-images/bad.png", ContentFile(content))
    assert renditions.ensure_renditions("markdown-images/bad.png") is None


# ---- How they are served ----------------------------------------------------------------------


def test_picture_markup_escapes_the_alt_text():
    image = renditions.ensure_renditions(stored("markdown-images/e.png", (500, 20)))
    html = image.html(alt='A "chart" <script>alert(1)</script>', title="T&C")
    assert 'alt="A &quot;chart&quot; &lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'title="T&amp;C"' in html
    assert "<script>" not in html


def test_the_json_kept_with_a_case_study_reads_back_the_same():
    image = renditions.ensure_renditions(stored("case-studies/f.png", (900, 30)))
    data = json.loads(json.dumps(image.to_dict()))  # as a JSONField stores it
    assert renditions.ResponsiveImage.stored_for(image.name, data) == image
    assert renditions.ResponsiveImage.stored_for("case-studies/other.png", data) == (
        renditions.ResponsiveImage(name="case-studies/other.png")
    )


# ---- Images uploaded into Markdown ------------------------------------------------------------


def test_an_uploaded_image_in_markdown_gets_its_renditions_size_and_lazy_loading(media_root):
    name = stored("markdown-images/chart.png", (1000, 50))
    html = render(f'Look:\n\n![A bar chart](/media/{name} "Budget")').html
    picture = re.search(r"<picture>.*?</picture>", html).group(0)
    assert re.findall(r"/(\d+)w\.webp (\d+)w", picture) == [("480", "480"), ("800", "800"), (
        "1000", "1000")]  # fmt: skip
    image = re.search(r"<img [^>]*>", picture).group(0)
    for attribute in (
        'width="1000"',
        'height="50"',
        'alt="A bar chart"',
        'title="Budget"',
        'loading="lazy"',
        'decoding="async"',
        'sizes="(min-width: 44rem) 40rem, 100vw"',
    ):
        assert attribute in image
    assert (
        'srcset="/media/renditions/' in image and "/media/markdown-images/chart.png 1000w" in image
    )


def test_rendering_the_same_text_again_makes_no_new_files(media_root):
    name = stored("markdown-images/chart.png", (1000, 50))
    first = render(f"![A chart](/media/{name})").html
    before = files_with_times(media_root)
    assert render(f"![A chart](/media/{name})").html == first
    assert files_with_times(media_root) == before


@pytest.mark.parametrize(
    "src",
    [
        "https://example.org/chart.png",
        "chart.png",
        "/media/case-studies/hero.png",  # not uploaded into Markdown
        "/media/markdown-images/../case-studies/hero.png",
        "/media/markdown-images/missing.png",
        "/media/markdown-images/chart.png?size=1",
    ],
)
def test_other_images_are_left_as_they_are(src):
    stored("case-studies/hero.png", (900, 30))
    stored("markdown-images/chart.png", (900, 30))
    html = render(f"![A chart]({src})").html
    assert "<picture" not in html and "srcset" not in html
    assert "<img " in html


def test_authors_cannot_write_srcset_or_picture_themselves():
    html = render(
        '<picture><source srcset="https://evil.example/x.png"></picture>'
        '<img src="a.png" srcset="https://evil.example/y.png 2x" alt="x">'
    ).html
    assert "srcset" not in html and "<picture" not in html and "<source" not in html


def test_the_preview_shows_the_renditions_readers_will_get(client):
    name = stored("markdown-images/chart.png", (900, 30))
    client.force_login(EditorFactory(username="editor"))
    response = client.post(
        reverse("markdownx_markdownify"), {"content": f"![A chart](/media/{name})"}
    )
    assert "<picture>" in response.content.decode()


def test_a_photo_dropped_into_markdown_loses_its_gps_position(client, media_root):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.5)}
    exif[0xA431] = "SERIAL-12345"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "orange").save(buffer, "JPEG", exif=exif)
    client.force_login(EditorFactory(username="editor"))
    response = client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 200, response.content
    (saved,) = [path for path in media_root.rglob("*") if path.is_file()]
    with Image.open(saved) as image:
        assert image.size == (1200, 900)  # kept full size: renditions make the smaller ones
        assert not image.getexif()
    assert b"SERIAL-12345" not in saved.read_bytes()


# ---- rebuild_renditions ------------------------------------------------------------------------


def rebuild(*args):
    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def site(render):
    hero = stored("case-studies/hero.png", (900, 30))
    chart = stored("markdown-images/chart.png", (600, 20))
    case_study = CaseStudyFactory(
        hero_image=hero, hero_image_alt="A table", body=f"![A chart](/media/{chart})"
    )
    return render(case_study)


def test_rebuild_makes_missing_renditions_and_renders_the_pages_again(site, media_root):
    for path in media_root.rglob("*"):
        if path.is_file() and "renditions" in path.parts:
            path.unlink()
    out, _err = rebuild()
    assert "2 images, 8 renditions made, 0 unreadable; rendered 1 case studies and 0 essays" in out
    assert len(rendition_names(media_root)) == 8  # hero: 5, chart: 3
    site.refresh_from_db()
    assert site.hero_image_renditions["width"] == 900
    assert "<picture>" in site.body_html


def test_rebuild_twice_makes_nothing_the_second_time(site, media_root):
    rebuild()
    before = files_with_times(media_root)
    out, _err = rebuild()
    assert "0 renditions made" in out
    assert files_with_times(media_root) == before


def test_rebuild_with_force_makes_everything_again(site):
    out, _err = rebuild("--force")
    assert "8 renditions made" in out


def test_rebuild_with_prune_deletes_renditions_of_images_gone(site, media_root):
    orphan = stored("markdown-images/gone.png", (700, 20))
    renditions.ensure_renditions(orphan)
    default_storage.delete(orphan)
    assert len(rendition_names(media_root)) == 8 + 3
    out, _err = rebuild("--prune")
    assert "pruned 3 renditions of images no longer stored." in out
    assert len(rendition_names(media_root)) == 8


def test_rebuild_reports_images_it_cannot_read(site):
    default_storage.save("markdown-images/bad.png", ContentFile(b"not an image"))
    out, err = rebuild()
    assert "1 unreadable" in out
    assert "could not read markdown-images/bad.png" in err
