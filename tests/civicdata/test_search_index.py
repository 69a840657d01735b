"""The stored search index stays in step with what readers can see: an item is found exactly
while its page is public, by the text its page shows now, never by text it no longer has.

Every test here runs on SQLite (FTS5) and on PostgreSQL (tsvector) alike.
"""

import datetime
import html
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicdata.publishing import Status
from civicdata.trash import empty_trash, move_to_trash, restore_from_trash
from essays.models import Essay
from portfolio.forms import CONFIRM_FIELD
from portfolio.models import CaseStudy
from search_index.models import SearchDocument
from tests.admin_pages import form_data
from tests.civicdata.test_search import essay_with, result_titles
from tests.factories import CaseStudyFactory, SeriesFactory
from tests.public_factories import EditorFactory

pytestmark = pytest.mark.django_db

TITLE = "Tracked item"


def found(client, words):
    """The titles a reader's search for `words` lists."""
    return result_titles(client.get("/search/", {"q": words}))


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def new_item(kind, render, *, text, **fields):
    if kind == "essay":
        return essay_with(render, title=TITLE, body=text, **fields)
    return render(CaseStudyFactory(title=TITLE, body=text, **fields))


def rewrite(item, render, text):
    """Change the item's text and render it, as saving it in the admin does."""
    if isinstance(item, Essay):
        section = item.sections.get()
        section.body = text
        section.save()
    else:
        item.body = text
        item.save()
    return render(item)


def list_action(client, item, action):
    opts = item._meta
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    item.refresh_from_db()


@pytest.mark.parametrize("kind", ["essay", "case study"])
def test_an_item_is_found_exactly_while_readers_can_see_it(
    client, editor_client, editor, render, clock, kind
):
    item = new_item(kind, render, text="About the quokka census.", status=Status.DRAFT)
    assert found(client, "quokka") == []

    list_action(editor_client, item, "publish_now")
    assert found(client, "quokka") == [TITLE]

    rewrite(item, render, "About the wombat census.")
    assert found(client, "wombat") == [TITLE]
    assert found(client, "quokka") == []  # the old text is gone from the index

    list_action(editor_client, item, "unpublish")
    assert found(client, "wombat") == []
    list_action(editor_client, item, "publish_now")
    assert found(client, "wombat") == [TITLE]

    move_to_trash([item], user=editor)
    assert found(client, "wombat") == []
    restore_from_trash([item], render_item=render, user=editor)
    assert found(client, "wombat") == [TITLE]

    item.publish_at = timezone.now() + datetime.timedelta(days=1)
    item.save()
    assert found(client, "wombat") == []  # scheduled: not yet
    clock.advance(datetime.timedelta(days=2))
    assert found(client, "wombat") == [TITLE]  # its moment came; nothing had to run

    item.expire_at = timezone.now() + datetime.timedelta(days=1)
    item.save()
    assert found(client, "wombat") == [TITLE]
    clock.advance(datetime.timedelta(days=2))
    assert found(client, "wombat") == []  # taken down


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_the_text_of_an_item_readers_cannot_see_is_never_found(client, render, status):
    essay_with(render, title="Unseen essay", body="The numbat memo.", status=status)
    render(CaseStudyFactory(title="Unseen study", body="The numbat file.", status=status))
    assert SearchDocument.objects.count() == 2  # indexed, as every item not in the trash is
    for words in ("numbat", "unseen", "memo", "file"):
        assert found(client, words) == []


def test_a_drafts_text_is_not_found_by_editors_either(client, editor, render):
    essay_with(render, title="Unseen essay", body="The numbat memo.", status=Status.DRAFT)
    client.force_login(editor)
    assert found(client, "numbat") == []


def test_an_edit_in_the_admin_replaces_the_text_found(client, editor_client, render):
    case_study = render(CaseStudyFactory(title="Harbour pilots", body="Tide tables for ferries."))
    change = reverse("admin:portfolio_casestudy_change", args=[case_study.pk])
    data = form_data(editor_client.get(change))
    data.update(title="River pilots", body="Flood gauges for barges.", **{CONFIRM_FIELD: "on"})
    assert editor_client.post(change, data).status_code == 302

    assert found(client, "river barges") == ["River pilots"]
    for old_words in ("harbour", "ferries", "tide"):
        assert found(client, old_words) == []


def test_an_item_deleted_for_good_leaves_the_index(editor, render):
    case_study = render(CaseStudyFactory(title="Doomed study"))
    move_to_trash([case_study], user=editor)
    restore_from_trash([case_study], render_item=render, user=editor)
    move_to_trash([case_study], user=editor)
    case_study.refresh_from_db()
    empty_trash([case_study], user=editor)
    assert not SearchDocument.objects.exists()


def test_imported_items_are_found(client, settings):
    call_command("import_hugo", str(settings.BASE_DIR / "demo-content"), stdout=io.StringIO())
    published = {
        *Essay.objects.published().values_list("title", flat=True),
        *CaseStudy.objects.published().values_list("title", flat=True),
    }
    titles = {html.unescape(title) for title in found(client, "recidivism")}
    assert titles
    assert titles <= published


def test_rebuilding_the_index_finds_every_visible_item_again(client, render):
    essay_with(render, title="Lost essay", body="About the bilby.")
    render(CaseStudyFactory(title="Lost study", body="About the bilby too."))
    essay_with(render, title="Lost draft", body="About the bilby.", status=Status.DRAFT)
    SearchDocument.objects.all().delete()  # an index emptied by hand
    assert found(client, "bilby") == []

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Indexed 3 essays and case studies.\n"
    assert sorted(found(client, "bilby")) == ["Lost essay", "Lost study"]


def test_factory_items_are_found_by_title_and_summary_before_rendering(client):
    CaseStudyFactory(title="Unrendered study", summary="A dugong survey.")
    assert found(client, "dugong") == ["Unrendered study"]


@pytest.mark.django_db(transaction=True)
def test_items_written_before_the_index_existed_are_found_after_migrating(client):
    executor = MigrationExecutor(connection)
    executor.migrate([("search_index", None)])
    series = SeriesFactory()
    Essay.objects.create(
        series=series,
        series_position=1,
        title="Old essay",
        slug="old-essay",
        date=datetime.date(2020, 1, 1),
        summary="Written long ago.",
        body_html='<h2 id="x">Echidna counts</h2><p>Spines &amp; all.</p>',
        status=Status.PUBLISHED,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert found(client, "echidna") == ["Old essay"]
    assert found(client, "spines") == ["Old essay"]
