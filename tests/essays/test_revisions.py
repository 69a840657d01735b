"""Revisions of essays: recorded on every save (admin, import, drafting board), shown as a
history, compared side by side, and restored."""

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse
from reversion.models import Revision

from civicdata import revisions
from civicdata.hugo_sync import HugoFile, export_text, import_hugo_files
from essays.models import DraftingStatus, Essay, Inset, Pullquote
from tests.admin_pages import form_data
from tests.essays.test_admin import add_section_row, section_form_index
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    EssayFactory,
    InsetFactory,
    PullquoteFactory,
    SectionFactory,
    UserFactory,
)
from tests.public_factories import EditorFactory

pytestmark = pytest.mark.django_db

FUNDING = "Funding, sustainability and scale"
GRANTS = "---\ntitle: Grants\ndate: 2023-01-02\n---\nOpening.\n\n## Money\n\nPlaceholder.\n"


@pytest.fixture
def essay(render):
    essay = EssayFactory(title="Why data sharing stalls", slug="why-data-sharing-stalls")
    BylineFactory(essay=essay, author=AuthorFactory(name="Ada Okafor"), position=1)
    opening = SectionFactory(essay=essay, position=1, heading="", body="Opening words here.")
    SectionFactory(
        essay=essay, position=2, heading="Trust", body="Agencies hesitate.\n\nLawyers say no."
    )
    SectionFactory(
        essay=essay,
        position=3,
        heading=FUNDING,
        body="Notes: grants end.",
        drafting_status=DraftingStatus.PLACEHOLDER,
    )
    InsetFactory(essay=essay, section=None, body="In short:\n* one\n* two")
    PullquoteFactory(essay=essay, section=opening, after_paragraph=1, body="Opening words here.")
    render(essay)
    return essay


def change_url(essay):
    return reverse("admin:essays_essay_change", args=[essay.pk])


def history_url(essay):
    return reverse("admin:essays_essay_history", args=[essay.pk])


def compare_url(essay, older, newer):
    url = reverse("admin:essays_essay_revisions_compare", args=[essay.pk])
    return f"{url}?older={older.pk}&newer={newer.pk}"


def restore_url(essay, revision):
    return reverse("admin:essays_essay_revision_restore", args=[essay.pk, revision.pk])


def save_in_admin(client, essay, change=None, note=""):
    """Save the essay's change form as a browser would, after `change(data, response)`."""
    response = client.get(change_url(essay))
    data = form_data(response)
    data["revision_note"] = note
    if change is not None:
        change(data, response)
    response = client.post(change_url(essay), data)
    assert response.status_code == 302, response.context["errors"]


def revisions_of(essay):
    """The essay's revisions, oldest first."""
    return [version.revision for version in revisions.versions_of(essay)][::-1]


def words(count):
    return " ".join(["word"] * count)


def editor_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="essays", codename__in=codenames)
    )
    return user


# Recording ---------------------------------------------------------------------------------------


def test_every_part_of_an_essay_is_in_its_revisions():
    """A new kind of part (a model of this app whose rows go with an essay) must be followed by
    its revisions, or restoring would leave it as it is."""
    parts = {
        relation.name
        for relation in Essay._meta.related_objects
        if relation.one_to_many
        and relation.related_model._meta.app_label == "essays"
        and relation.on_delete is models.CASCADE
    }

    assert parts == {relation.name for relation in revisions.parts_of(Essay)}


def test_each_admin_save_adds_one_revision_with_its_user_and_note(admin_client, admin_user, essay):
    save_in_admin(admin_client, essay, note="First pass at the funding section")
    save_in_admin(
        admin_client,
        essay,
        lambda data, response: data.update(title="Why data sharing stalls, and how it starts"),
    )

    first, second = revisions_of(essay)
    assert (first.user, first.comment) == (admin_user, "First pass at the funding section")
    # Without a note, the revision says what the admin saw change.
    assert second.user == admin_user
    assert second.comment.startswith("Changed Title")


def test_revision_holds_the_essay_with_all_its_parts(admin_client, essay):
    save_in_admin(admin_client, essay)

    (revision,) = revisions_of(essay)
    snapshot = revisions.Snapshot.of_revision(revision, essay)
    assert snapshot.item.title == "Why data sharing stalls"
    assert [s.heading for s in snapshot.parts["sections"]] == ["", "Trust", FUNDING]
    assert [b.author.name for b in snapshot.parts["bylines"]] == ["Ada Okafor"]
    assert [i.body for i in snapshot.parts["insets"]] == ["In short:\n* one\n* two"]
    assert [p.body for p in snapshot.parts["pullquotes"]] == ["Opening words here."]


def test_a_save_that_fails_validation_records_nothing(admin_client, essay):
    response = admin_client.get(change_url(essay))
    data = add_section_row(form_data(response), response, heading="Clash", position="2")

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 200
    assert not Revision.objects.exists()


def test_revision_note_field_is_on_the_change_form_not_on_the_essay(admin_client, essay):
    response = admin_client.get(change_url(essay))

    assert 'name="revision_note"' in response.content.decode()
    assert not hasattr(Essay, "revision_note")


def test_import_records_a_revision_named_after_the_file(tmp_path):
    path = tmp_path / "grants.md"
    path.write_text(GRANTS)

    import_hugo_files([HugoFile(path, "essays/grants.md", False)])
    import_hugo_files([HugoFile(path, "essays/grants.md", False)])  # unchanged: no revision

    essay = Essay.objects.get(slug="grants")
    (revision,) = revisions_of(essay)
    assert revision.comment == "Imported from essays/grants.md"
    assert revision.user is None


def test_import_serializes_each_row_once(tmp_path, monkeypatch):
    from django.core import serializers

    path = tmp_path / "grants.md"
    path.write_text(GRANTS.replace("title: Grants", "title: Grants\nauthor: Ada"))
    serialized = []
    serialize = serializers.serialize

    def counting(format, objects, **options):
        objects = list(objects)
        serialized.extend(objects)
        return serialize(format, objects, **options)

    monkeypatch.setattr(serializers, "serialize", counting)

    import_hugo_files([HugoFile(path, "grants.md", False)])

    essay = Essay.objects.get(slug="grants")
    rows = [essay, *essay.sections.all(), *essay.bylines.all()]
    assert sorted(map(repr, serialized)) == sorted(map(repr, rows))


def test_dry_run_import_records_nothing(tmp_path):
    path = tmp_path / "grants.md"
    path.write_text(GRANTS)

    import_hugo_files([HugoFile(path, "grants.md", False)], dry_run=True)

    assert not Revision.objects.exists()


def test_marking_sections_drafted_on_the_board_records_a_revision(admin_client, admin_user, essay):
    funding = essay.sections.get(heading=FUNDING)

    response = admin_client.post(
        reverse("admin:essays_boardsection_changelist"),
        {"action": "mark_drafted", "_selected_action": [funding.pk]},
    )

    assert response.status_code == 302
    (revision,) = revisions_of(essay)
    assert revision.user == admin_user
    assert revision.comment == f"Marked drafted: “{FUNDING}”."
    stored = revisions.Snapshot.of_revision(revision, essay).parts["sections"][2]
    assert stored.drafting_status == DraftingStatus.DRAFTED


def test_changing_a_status_in_the_board_list_records_a_revision(admin_client, admin_user, essay):
    funding = essay.sections.get(heading=FUNDING)
    response = admin_client.get(reverse("admin:essays_boardsection_changelist"))
    formset = response.context["cl"].formset
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "_save": "Save",
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-drafting_status"] = (
            DraftingStatus.IN_PROGRESS
            if form.instance.pk == funding.pk
            else form.instance.drafting_status
        )
        data[f"form-{index}-assignee"] = ""

    response = admin_client.post(reverse("admin:essays_boardsection_changelist"), data)

    assert response.status_code == 302
    (revision,) = revisions_of(essay)
    assert revision.user == admin_user
    assert FUNDING in revision.comment


# History and comparison --------------------------------------------------------------------------


def test_history_lists_each_revision_with_who_and_note(admin_client, admin_user, essay):
    save_in_admin(admin_client, essay, note="Tightened the opening")

    response = admin_client.get(history_url(essay))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tightened the opening" in page
    assert f"<td>{admin_user.get_username()}</td>" in page
    assert restore_url(essay, revisions_of(essay)[0]) in page


def test_diff_names_the_section_and_says_placeholder_to_words_drafted(admin_client, essay):
    save_in_admin(admin_client, essay)
    funding = essay.sections.get(heading=FUNDING)

    def draft_funding(data, response):
        row = section_form_index(response, funding)
        data[f"{row}-body"] = words(640)
        data[f"{row}-drafting_status"] = DraftingStatus.DRAFTED

    save_in_admin(admin_client, essay, draft_funding, note="Drafted the funding section")
    older, newer = revisions_of(essay)

    response = admin_client.get(compare_url(essay, older, newer))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{FUNDING}: placeholder → 640 words drafted" in page
    assert "<ins>" in page  # the new words, side by side with the notes they replaced
    assert "Trust" not in page.split("In short", 1)[1]  # unchanged sections are not listed
    assert "Sections drafted" not in page and "Sections total" not in page  # derived, not edits


def test_diff_shows_changed_headings_added_removed_and_moved_sections(admin_client, essay):
    save_in_admin(admin_client, essay)
    trust, funding = essay.sections.get(heading="Trust"), essay.sections.get(heading=FUNDING)

    def rework(data, response):
        data[f"{section_form_index(response, trust)}-heading"] = "Trust between agencies"
        data[f"{section_form_index(response, trust)}-position"] = "3"
        data[f"{section_form_index(response, funding)}-position"] = "2"
        add_section_row(data, response, heading="Afterword", body="The end, in four words.")

    save_in_admin(admin_client, essay, rework)
    older, newer = revisions_of(essay)

    def remove_afterword(data, response):
        afterword = essay.sections.get(heading="Afterword")
        data[f"{section_form_index(response, afterword)}-DELETE"] = "on"

    save_in_admin(admin_client, essay, remove_afterword)
    newest = revisions_of(essay)[-1]

    page = admin_client.get(compare_url(essay, older, newer)).content.decode()
    assert "heading “Trust” → “Trust between agencies”" in page
    assert "moved from position" in page
    assert "Afterword: added at position 4, 5 words drafted" in page
    page = admin_client.get(compare_url(essay, newer, newest)).content.decode()
    assert "Afterword: removed (was at position 4, 5 words drafted)" in page


def test_diff_shows_changed_front_fields_and_pullquotes(admin_client, essay):
    save_in_admin(admin_client, essay)
    pullquote = essay.pullquotes.get()

    def edit(data, response):
        data["title"] = "Data sharing, stalled"
        data["status"] = "draft"
        prefix = next(
            inline.formset.prefix
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is Pullquote
        )
        assert data[f"{prefix}-0-id"] == str(pullquote.pk)
        data[f"{prefix}-0-body"] = "Opening words, quoted."

    save_in_admin(admin_client, essay, edit)

    page = admin_client.get(compare_url(essay, *revisions_of(essay))).content.decode()
    assert "Title: Why data sharing stalls → Data sharing, stalled" in page
    assert "Status: Published → Draft" in page
    assert "Pullquotes" in page
    assert "body changed" in page


def test_diff_escapes_html_in_the_content(admin_client, essay):
    trust = essay.sections.get(heading="Trust")
    save_in_admin(admin_client, essay)

    def inject(data, response):
        data[f"{section_form_index(response, trust)}-body"] = (
            'Agencies <script>alert("x")</script> hesitate.\n\nLawyers say no.'
        )
        data[f"{section_form_index(response, trust)}-heading"] = "<b>Trust</b>"

    save_in_admin(admin_client, essay, inject)

    page = admin_client.get(compare_url(essay, *revisions_of(essay))).content.decode()
    assert "<script>alert" not in page
    assert "<b>Trust</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Trust&lt;/b&gt;" in page


def test_comparing_a_revision_of_another_essay_is_not_found(admin_client, essay, render):
    other = EssayFactory()
    SectionFactory(essay=other, position=1)
    render(other)
    save_in_admin(admin_client, essay)
    save_in_admin(admin_client, other)
    (mine,), (theirs,) = revisions_of(essay), revisions_of(other)

    response = admin_client.get(compare_url(essay, mine, theirs))

    assert response.status_code == 404


# Restoring ---------------------------------------------------------------------------------------


@pytest.fixture
def reworked(admin_client, essay):
    """The essay saved once (revision 1), then reworked: a section with its inset deleted, a
    section added, another rewritten, the byline changed, the title changed (revision 2)."""
    trust = essay.sections.get(heading="Trust")
    InsetFactory(essay=essay, section=trust, after_paragraph=1, body="Trust, in short.")
    save_in_admin(admin_client, essay, note="Before the rework")

    def rework(data, response):
        data["title"] = "Reworked"
        data[f"{section_form_index(response, trust)}-DELETE"] = "on"
        funding = essay.sections.get(heading=FUNDING)
        data[f"{section_form_index(response, funding)}-body"] = words(12)
        data[f"{section_form_index(response, funding)}-position"] = "2"
        add_section_row(data, response, heading="Afterword", body="New words.", position="3")
        prefix = next(
            inline.formset.prefix
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is Inset
        )
        for index in range(int(data[f"{prefix}-TOTAL_FORMS"])):
            if data.get(f"{prefix}-{index}-section") == str(trust.pk):
                data[f"{prefix}-{index}-DELETE"] = "on"

    save_in_admin(admin_client, essay, rework, note="The rework")
    return essay


def parts(essay):
    return {
        "sections": list(
            essay.sections.values_list("pk", "position", "heading", "body", "drafting_status")
        ),
        "insets": list(essay.insets.values_list("pk", "section", "after_paragraph", "body")),
        "pullquotes": list(essay.pullquotes.values_list("pk", "section", "body")),
        "bylines": list(essay.bylines.values_list("pk", "author", "position")),
    }


def test_restore_brings_back_the_exact_text_and_parts(admin_client, reworked):
    before_rework = revisions_of(reworked)[0]
    stored = revisions.Snapshot.of_revision(before_rework, reworked)
    expected = {
        name: sorted(
            tuple(getattr(row, column) for column in columns) for row in stored.parts[name]
        )
        for name, columns in {
            "sections": ("pk", "position", "heading", "body", "drafting_status"),
            "insets": ("pk", "section_id", "after_paragraph", "body"),
            "pullquotes": ("pk", "section_id", "body"),
            "bylines": ("pk", "author_id", "position"),
        }.items()
    }

    response = admin_client.post(restore_url(reworked, before_rework))

    assert response.status_code == 302
    assert response.url == change_url(reworked)
    reworked.refresh_from_db()
    assert reworked.title == "Why data sharing stalls"
    assert {name: sorted(rows) for name, rows in parts(reworked).items()} == expected
    assert not reworked.sections.filter(heading="Afterword").exists()
    # Rendered again: readers get the restored text, with the inset back in its section.
    assert "Lawyers say no." in reworked.body_html
    assert "Trust, in short." in reworked.body_html
    assert "New words." not in reworked.body_html
    assert reworked.word_count == sum(
        len(s.body.split()) for s in reworked.sections.all() if not s.is_placeholder
    )


def test_restore_is_a_new_revision_by_the_restorer(admin_client, admin_user, reworked):
    before_rework = revisions_of(reworked)[0]

    admin_client.post(restore_url(reworked, before_rework), {"note": "The rework went too far"})

    first, second, restore = revisions_of(reworked)
    assert restore.user == admin_user
    assert restore.comment.startswith("Restored from the revision of ")
    assert f"by {admin_user.get_username()}." in restore.comment
    assert "The rework went too far" in restore.comment
    # The rework is still in the history, and the restore holds what the essay is now.
    assert second.comment == "The rework"
    page = admin_client.get(compare_url(reworked, first, restore)).content.decode()
    assert "No differences." in page


def test_restore_confirmation_shows_what_restoring_changes(admin_client, reworked):
    before_rework = revisions_of(reworked)[0]

    response = admin_client.get(restore_url(reworked, before_rework))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Title: Reworked → Why data sharing stalls" in page
    assert "Trust: added" in page
    assert "Afterword: removed" in page
    assert Revision.objects.count() == 2  # looking changes nothing


def test_restore_happens_whole_or_not_at_all(reworked, monkeypatch):
    before = parts(reworked)
    before_rework = revisions_of(reworked)[0]

    def broken(essay):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr("essays.services.render_essay", broken)
    with pytest.raises(RuntimeError):
        revisions.restore_revision(item=reworked, revision=before_rework, user=None)

    reworked.refresh_from_db()
    assert reworked.title == "Reworked"
    assert parts(reworked) == before
    assert len(revisions_of(reworked)) == 2


def test_restore_refuses_a_slug_another_essay_took(admin_client, reworked):
    before_rework = revisions_of(reworked)[0]

    def rename(data, response):
        data["slug"] = "renamed"

    save_in_admin(admin_client, reworked, rename)
    EssayFactory(slug="why-data-sharing-stalls")

    response = admin_client.post(restore_url(reworked, before_rework), follow=True)

    assert "Essay with this Slug already exists" in response.content.decode()
    reworked.refresh_from_db()
    assert reworked.slug == "renamed"


def test_restore_of_an_imported_revision_exports_the_file_as_imported(tmp_path, admin_client):
    path = tmp_path / "grants.md"
    path.write_text(GRANTS)
    import_hugo_files([HugoFile(path, "grants.md", False)])
    path.write_text(
        GRANTS.replace("Opening.", "Opening, longer.").replace("Placeholder.", "Drafted now.")
    )
    import_hugo_files([HugoFile(path, "grants.md", False)])
    essay = Essay.objects.get(slug="grants")
    imported, reimported = revisions_of(essay)

    page = admin_client.get(compare_url(essay, imported, reimported)).content.decode()
    assert "Money: placeholder → 2 words drafted" in page  # matched by heading across imports

    admin_client.post(restore_url(essay, imported))

    essay = Essay.objects.prefetch_related("sections", "insets", "pullquotes").get(slug="grants")
    assert export_text(essay) == (GRANTS, True)


# Permissions -------------------------------------------------------------------------------------


def test_only_users_who_may_change_the_essay_restore_it(client, reworked):
    before_rework = revisions_of(reworked)[0]
    viewer = editor_with("view_essay")
    client.force_login(viewer)

    assert client.get(history_url(reworked)).status_code == 200
    assert client.get(compare_url(reworked, *revisions_of(reworked)[:2])).status_code == 200
    assert (
        restore_url(reworked, before_rework)
        not in client.get(history_url(reworked)).content.decode()
    )
    assert client.get(restore_url(reworked, before_rework)).status_code == 403
    assert client.post(restore_url(reworked, before_rework)).status_code == 403
    reworked.refresh_from_db()
    assert reworked.title == "Reworked"

    client.force_login(EditorFactory())  # changing others' essays is an editor's (roles)
    response = client.post(restore_url(reworked, before_rework))
    assert response.status_code == 302
    reworked.refresh_from_db()
    assert reworked.title == "Why data sharing stalls"


def test_people_outside_the_admin_see_no_history(client, reworked):
    before_rework = revisions_of(reworked)[0]

    for url in [history_url(reworked), restore_url(reworked, before_rework)]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response.url
    client.force_login(editor_with())  # staff without any permission on essays
    assert client.get(history_url(reworked)).status_code == 403
    assert client.post(restore_url(reworked, before_rework)).status_code == 403


def test_restore_leaves_the_fields_the_user_may_not_change(admin_user, reworked):
    before_rework = revisions_of(reworked)[0]

    revisions.restore_revision(
        item=reworked, revision=before_rework, user=admin_user, keep={"title"}
    )

    reworked.refresh_from_db()
    assert reworked.title == "Reworked"
    assert reworked.sections.filter(heading="Trust").exists()
