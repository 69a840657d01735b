"""Migrations never drop content: a database written by the first migrations of essays and
portfolio still holds all of it once migrated to the latest."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = [("essays", "0001_initial"), ("portfolio", "0001_initial")]


def migrate(targets):
    """Migrate to `targets` and return the historical apps as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_an_empty_database_migrates_from_the_first_migrations_to_the_latest():
    migrate(FIRST)
    apps = migrate(latest())
    assert apps.get_model("essays", "Essay").objects.count() == 0
    assert not MigrationExecutor(connection).migration_plan(latest())


def test_content_written_by_the_first_migrations_is_all_there_after_the_latest():
    old = migrate(FIRST)
    Series = old.get_model("essays", "Series")
    Author = old.get_model("essays", "Author")
    Essay = old.get_model("essays", "Essay")
    series = Series.objects.create(title="Data in civil society", slug="civil-society-data")
    essay = Essay.objects.create(
        title="Counting with care",
        slug="counting-with-care",
        series=series,
        series_position=1,
        date=datetime.date(2022, 2, 24),
        status="published",
        summary="Why counting people is never neutral.",
        front_matter_extra={"tags": ["census"], "aliases": ["/old/counting/"]},
        front_matter_format="toml",
        hugo_source="+++\ntitle = 'Counting with care'\n+++\n",
    )
    old.get_model("essays", "Byline").objects.create(
        essay=essay, author=Author.objects.create(name="Aman"), position=1
    )
    Section = old.get_model("essays", "Section")
    opening = Section.objects.create(essay=essay, position=1, body="Opening words.")
    part = Section.objects.create(
        essay=essay,
        position=2,
        heading="Who is counted",
        heading_level=5,
        body="Draft notes.",
        drafting_status="placeholder",
        editor_note="Ask the partners.",
    )
    old.get_model("essays", "Inset").objects.create(
        essay=essay, section=None, after_paragraph=0, body="In short: ask first."
    )
    old.get_model("essays", "Pullquote").objects.create(
        essay=essay, section=opening, after_paragraph=1, body="Nothing about us", attribution="A"
    )
    CaseStudy = old.get_model("portfolio", "CaseStudy")
    case_study = CaseStudy.objects.create(
        title="Flood maps",
        slug="flood-maps",
        date=datetime.date(2023, 5, 1),
        status="draft",
        body="What we mapped.",
        hero_image="case-studies/flood.png",
        hero_image_alt="A flooded district",
    )
    case_study.related_essays.add(essay)
    old.get_model("portfolio", "Partner").objects.create(
        case_study=case_study, organization="River Trust", role="data holder", position=1
    )

    ContentType = old.get_model("contenttypes", "ContentType")
    essay_type, _ = ContentType.objects.get_or_create(app_label="essays", model="essay")
    InternalLink = old.get_model("essays", "InternalLink")
    CaseStudy.objects.create(
        title="Open budgets",
        slug="open-budgets",
        date=datetime.date(2023, 6, 1),
        status="published",
    )
    for slug, resolved in (("open-budgets", True), ("flood-maps", False), ("gone", False)):
        InternalLink.objects.create(
            source_type_id=essay_type.pk,
            source_id=essay.pk,
            target_kind="case_study",
            target_slug=slug,
            resolved=resolved,
        )

    new = migrate(latest())

    essay = new.get_model("essays", "Essay").objects.get(slug="counting-with-care")
    assert (essay.title, essay.series.slug, essay.series_position, essay.status) == (
        "Counting with care",
        "civil-society-data",
        1,
        "published",
    )
    assert essay.date == datetime.date(2022, 2, 24)
    assert essay.summary == "Why counting people is never neutral."
    assert essay.front_matter_extra == {"tags": ["census"], "aliases": ["/old/counting/"]}
    assert (essay.front_matter_format, essay.hugo_source) == (
        "toml",
        "+++\ntitle = 'Counting with care'\n+++\n",
    )
    assert [byline.author.name for byline in essay.bylines.all()] == ["Aman"]
    assert list(
        essay.sections.order_by("position").values_list(
            "position", "heading", "heading_level", "body", "drafting_status", "editor_note"
        )
    ) == [
        (1, "", 2, "Opening words.", "drafted", ""),
        (2, "Who is counted", 5, "Draft notes.", "placeholder", "Ask the partners."),
    ]
    assert part.pk in set(essay.sections.values_list("pk", flat=True))
    # Drafting progress and the case studies links lead to are now stored when rendering.
    assert (essay.sections_total, essay.sections_drafted) == (2, 1)
    links = new.get_model("essays", "InternalLink").objects.filter(source_id=essay.pk)
    assert dict(links.values_list("target_slug", "case_study__slug")) == {
        "open-budgets": "open-budgets",
        "flood-maps": None,  # a draft: the link led nowhere
        "gone": None,
    }
    assert list(essay.insets.values_list("section", "after_paragraph", "body")) == [
        (None, 0, "In short: ask first.")
    ]
    assert list(
        essay.pullquotes.values_list("section", "after_paragraph", "body", "attribution")
    ) == [(opening.pk, 1, "Nothing about us", "A")]
    case_study = new.get_model("portfolio", "CaseStudy").objects.get(slug="flood-maps")
    assert (case_study.title, case_study.status, case_study.body, case_study.date) == (
        "Flood maps",
        "draft",
        "What we mapped.",
        datetime.date(2023, 5, 1),
    )
    assert (case_study.hero_image.name, case_study.hero_image_alt) == (
        "case-studies/flood.png",
        "A flooded district",
    )
    assert list(case_study.related_essays.values_list("slug", flat=True)) == ["counting-with-care"]
    assert list(case_study.partners.values_list("organization", "role", "position")) == [
        ("River Trust", "data holder", 1)
    ]


def test_an_id_once_given_is_never_given_again_when_a_table_is_rebuilt():
    """StoreColumnsLast rebuilds the essay table on SQLite: the id of an essay deleted before
    it must not go to a new essay, which would inherit its revisions and audit trail."""
    old = migrate([("essays", "0010_internal_link_case_study"), ("portfolio", "0005_trash")])
    Essay = old.get_model("essays", "Essay")
    series = old.get_model("essays", "Series").objects.create(title="Series", slug="series")
    kept, deleted = (
        Essay.objects.create(
            title=slug, slug=slug, series=series, series_position=position, date="2022-02-24"
        )
        for position, slug in enumerate(["kept", "deleted"], start=1)
    )
    deleted_id = deleted.pk
    deleted.delete()

    new = migrate(latest())

    Essay = new.get_model("essays", "Essay")
    added = Essay.objects.create(
        title="added", slug="added", series_id=series.pk, series_position=3, date="2022-02-24"
    )
    assert added.pk > deleted_id > kept.pk
