"""Backup and restore: a populated site, backed up and restored into an empty database and media
folder, reads back page for page, revision for revision and file for file."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image
from reversion.models import Revision, Version

from civicdata import revisions
from essays.models import Essay, Section
from portfolio.models import CaseStudy
from reviews.models import ReviewComment, ReviewLink
from reviews.services import add_review_comment, create_review_link, record_opening
from tests.factories import CaseStudyFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

DEMO = Path(settings.BASE_DIR) / "demo-content"


def png(size, colour):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site(render):
    """The demo content, a written essay with an uploaded image, a case study with a hero image,
    a revision and a review link that was opened and commented on."""
    call_command("import_hugo", str(DEMO), stdout=io.StringIO())
    editor = EditorFactory(username="editor")
    chart = default_storage.save("markdown-images/chart.png", ContentFile(png((900, 60), "teal")))
    essay = WrittenEssayFactory(title="Counting with care", sections=3)
    section = essay.sections.order_by("position").last()
    section.body += f"\n\n![A bar chart](/media/{chart})"
    section.save()
    with revisions.recording(user=editor, comment="Added the chart"):
        render(essay)
        revisions.include(essay)
    case_study = CaseStudyFactory(
        title="Flood maps",
        hero_image=ContentFile(png((1300, 700), "navy"), name="flood.png"),
        hero_image_alt="A map of the flooded district",
    )
    render(case_study)
    draft = WrittenEssayFactory(title="Not yet", status="draft", sections=2)
    render(draft)
    link, _token = create_review_link(item=draft, created_by=editor, recipient="A partner")
    record_opening(link=link, user_agent="Mozilla/5.0 Firefox/120.0")
    add_review_comment(link=link, body="Please name us.", name="Partner")
    return essay


def public_pages():
    """Every public page's address: lists, every published essay and case study, feeds, sitemap
    and a search."""
    paths = ["/", "/essays/", "/portfolio/", "/feed/", "/sitemap.xml", "/search/?q=data"]
    paths += [essay.get_absolute_url() for essay in Essay.objects.published()]
    paths += [case_study.get_absolute_url() for case_study in CaseStudy.objects.published()]
    paths += [essay.series.get_absolute_url() for essay in Essay.objects.published()]
    return sorted(set(paths))


def snapshot(client):
    cache.clear()
    pages = {}
    for path in public_pages():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content
    return pages


def media_files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def revisions_held():
    return sorted(
        (version.revision.comment, version.content_type.model, version.object_id, version.format,
         version.serialized_data)
        for version in Version.objects.select_related("revision", "content_type")
    )  # fmt: skip


def test_a_restored_site_shows_every_page_revision_and_image_as_before(
    site, client, media_root, tmp_path, settings
):
    pages = snapshot(client)
    held = revisions_held()
    files = media_files(media_root)
    review_links = list(ReviewLink.objects.values_list("selector", "verifier_digest"))
    assert any(name.startswith("renditions/") for name in files)
    assert held and ReviewComment.objects.exists()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False)
    restored_media = tmp_path / "restored-media"
    settings.MEDIA_ROOT = restored_media
    assert not Essay.objects.exists() and not Version.objects.exists()
    call_command("restore", str(archive), stdout=io.StringIO())

    assert snapshot(client) == pages
    assert revisions_held() == held
    assert media_files(restored_media) == files
    assert list(ReviewLink.objects.values_list("selector", "verifier_digest")) == review_links
    # New rows still get fresh ids after the restored ones.
    WrittenEssayFactory(title="After the restore", sections=1)
    assert Revision.objects.count() >= 1


def test_restore_refuses_a_database_that_holds_content(site, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    sections = Section.objects.count()
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Section.objects.count() == sections


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_text("hello")
    with pytest.raises(CommandError, match="is not a civicdata backup archive"):
        call_command("restore", str(not_an_archive), stdout=io.StringIO())
