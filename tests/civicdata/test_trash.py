"""Deleting moves an essay or case study to the trash; editors restore it whole or empty it."""

import pytest
from django.urls import reverse

from civicdata.publishing import Status
from civicdata.roles import AUTHORS, EDITORS
from essays.models import Essay, Section
from portfolio.models import CaseStudy
from tests.essays.test_import import essay_file, write
from tests.essays.test_round_trip import run_export, run_import
from tests.factories import CaseStudyFactory, RoleUserFactory, SectionFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(RoleUserFactory(username="editor", role=EDITORS))
    return client


@pytest.fixture
def essay(render):
    return render(WrittenEssayFactory(slug="doomed", title="Doomed essay", sections=3))


@pytest.fixture
def linking(render, essay):
    linking = WrittenEssayFactory(slug="linking", sections=0)
    SectionFactory(essay=linking, position=1, heading="", body="See [the doomed](doomed.md).")
    return render(linking)


def trash(client, item):
    opts = item._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[item.pk])
    page = client.get(url)
    assert "move it to the trash" in page.content.decode()
    return client.post(url, {"post": "yes"})


def trash_action(client, model_name, action, item):
    app = "portfolio" if model_name == "trashedcasestudy" else "essays"
    return client.post(
        reverse(f"admin:{app}_{model_name}_changelist"),
        {"action": action, "_selected_action": [item.pk]},
    )


def test_deleting_moves_the_essay_to_the_trash_and_readers_lose_it(client, editor, essay, linking):
    assert trash(editor, essay).status_code == 302
    essay.refresh_from_db()
    assert essay.trashed_at is not None
    assert Section.objects.filter(essay=essay).count() == 3  # kept whole

    editor.logout()
    assert client.get(essay.get_absolute_url()).status_code == 404
    assert "Doomed essay" not in client.get("/essays/").content.decode()
    linking.refresh_from_db()
    assert 'href="/essays/doomed/"' not in linking.body_html


@pytest.mark.parametrize(
    ("model", "factory", "said"),
    [
        (Essay, lambda: WrittenEssayFactory(sections=0), "Moved 2 essays to the trash"),
        (CaseStudy, CaseStudyFactory, "Moved 2 case studies to the trash"),
    ],
)
def test_deleting_several_from_the_list_says_they_went_to_the_trash(editor, model, factory, said):
    items = [factory(), factory()]
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    selected = {"action": "delete_selected", "_selected_action": [item.pk for item in items]}
    confirmation = editor.post(changelist, selected).content.decode()
    assert "Move selected" in editor.get(changelist).content.decode()  # the action's name
    assert "trash" in confirmation

    response = editor.post(changelist, {**selected, "post": "yes"}, follow=True)
    text = response.content.decode()
    assert said in text
    assert "Successfully deleted" not in text
    assert model.objects.in_trash().count() == 2


def test_the_trash_lists_it_and_the_admin_list_does_not(editor, essay):
    response = trash(editor, essay)
    message = editor.get(response.url).content.decode()
    assert "The essay “Doomed essay” is in the trash; an editor can restore it" in message
    admin_list = editor.get(reverse("admin:essays_essay_changelist")).content.decode()
    assert "Doomed essay" not in admin_list
    trash_page = editor.get(reverse("admin:essays_trashedessay_changelist"))
    assert "Doomed essay" in trash_page.content.decode()


def test_restoring_brings_it_back_whole_with_the_links_to_it(client, editor, essay, linking):
    trash(editor, essay)
    trash_action(editor, "trashedessay", "restore", essay)
    essay.refresh_from_db()
    assert essay.trashed_at is None and essay.status == Status.PUBLISHED
    assert client.get(essay.get_absolute_url()).status_code == 200
    linking.refresh_from_db()
    assert 'href="/essays/doomed/"' in linking.body_html


def test_emptying_the_trash_deletes_for_good(editor, essay):
    trash(editor, essay)
    trash_action(editor, "trashedessay", "empty_trash", essay)
    assert not Essay.objects.filter(pk=essay.pk).exists()
    assert not Section.objects.filter(essay_id=essay.pk).exists()


def test_emptying_leaves_items_not_in_the_trash(editor, essay):
    trash_action(editor, "trashedessay", "empty_trash", essay)
    assert Essay.objects.filter(pk=essay.pk).exists()


def test_an_author_trashes_their_draft_but_cannot_restore_or_empty(client, render):
    author = RoleUserFactory(username="author", role=AUTHORS)
    draft = render(WrittenEssayFactory(status=Status.DRAFT, created_by=author))
    client.force_login(author)
    assert trash(client, draft).status_code == 302
    assert client.get(reverse("admin:essays_trashedessay_changelist")).status_code == 403
    trash_action(client, "trashedessay", "empty_trash", draft)
    trash_action(client, "trashedessay", "restore", draft)
    draft.refresh_from_db()
    assert draft.trashed_at is not None


def test_a_trashed_essay_is_left_out_of_the_board_outline_and_export(
    client, editor, render, tmp_path
):
    essay = render(WrittenEssayFactory(status=Status.DRAFT, announced=True, slug="gone"))
    Section.objects.filter(essay=essay).update(drafting_status="placeholder")
    shown = render(WrittenEssayFactory(series=essay.series, series_position=900))
    editor.get(trash(editor, essay).url)  # past the "in the trash" message
    assert "Forthcoming" not in client.get(shown.get_absolute_url()).content.decode()
    board = editor.get(reverse("admin:essays_boardsection_changelist")).content.decode()
    assert essay.title not in board
    run_export(tmp_path)
    assert not (tmp_path / "essays" / "gone.md").exists()


def test_importing_a_file_for_a_trashed_essay_is_refused(editor, essay, tmp_path):
    trash(editor, essay)
    result = run_import(write(tmp_path, "doomed.md", essay_file(title="Back again")))
    assert result.failed
    assert "“doomed” is in the trash" in result.err
    essay.refresh_from_db()
    assert essay.title == "Doomed essay"


def test_case_studies_go_to_their_own_trash(client, editor, render):
    case_study = render(CaseStudyFactory(title="Old project"))
    assert trash(editor, case_study).status_code == 302
    assert client.get(case_study.get_absolute_url()).status_code == 404
    trash_action(editor, "trashedcasestudy", "restore", case_study)
    assert CaseStudy.objects.get(pk=case_study.pk).trashed_at is None
