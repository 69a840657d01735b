"""Case studies in Hugo files: every field maps to front matter and back, losslessly."""

import datetime

import pytest

from civicdata import hugo
from civicdata.hugo_sync import canonical_text, export_text
from portfolio.models import CaseStudy, Stage, Topic
from tests.essays.test_round_trip import (
    assert_same_tree,
    empty_the_database,
    run_export,
    run_import,
)
from tests.factories import (
    CaseStudyFactory,
    DataSourceFactory,
    EssayFactory,
    PartnerFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FULL_FILE = """\
---
title: Open budgets
date: 2023-01-02
draft: false
summary: What it did.
stage: running
topics:
- Budgets
- data sharing
partners:
- organization: City hall
  role: Budget records
data_sources:
- name: Budget ledger
  owner: Finance office
  description: Every line of the budget.
  limitations: Off-budget spending is missing.
- name: Survey
  limitations: 'Only residents who answered.

    Renters are under-counted.'
data_subjects: Residents of the city.
protections: Aggregates only.
results_used_by: The council.
funding_model: A city contract.
outcomes: 'Budgets published monthly.

  The first portal failed.'
related_essays:
- an-essay
image: x.png
---

How it worked.
"""


def write(folder, name, text):
    path = folder / "portfolio" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_stages_hugo_knows_are_the_models_stages():
    assert hugo.STAGES == tuple(Stage.values)


def test_every_case_study_field_is_read_from_front_matter(tmp_path):
    EssayFactory(slug="an-essay")
    TopicFactory(name="Data sharing", slug="data-sharing")
    result = run_import(write(tmp_path, "open-budgets.md", FULL_FILE))
    assert not result.failed, result.err

    case_study = CaseStudy.objects.get(slug="open-budgets")
    assert case_study.stage == Stage.RUNNING
    assert sorted(topic.name for topic in case_study.topics.all()) == ["Budgets", "Data sharing"]
    assert Topic.objects.count() == 2  # "data sharing" is the existing topic, not a new one
    assert [
        (s.name, s.owner, s.description, s.limitations, s.position)
        for s in case_study.data_sources.all()
    ] == [
        ("Budget ledger", "Finance office", "Every line of the budget.", "Off-budget spending "
         "is missing.", 1),
        ("Survey", "", "", "Only residents who answered.\nRenters are under-counted.", 2),
    ]  # fmt: skip
    assert case_study.data_subjects == "Residents of the city."
    assert case_study.protections == "Aggregates only."
    assert case_study.results_used_by == "The council."
    assert case_study.funding_model == "A city contract."
    assert case_study.outcomes == "Budgets published monthly.\nThe first portal failed."
    assert case_study.front_matter_extra == {"image": "x.png"}


def test_an_imported_case_study_exports_as_it_came_in(tmp_path):
    EssayFactory(slug="an-essay")
    source = write(tmp_path / "in", "open-budgets.md", FULL_FILE)
    assert not run_import(source).failed
    text, as_imported = export_text(CaseStudy.objects.get())
    assert as_imported
    assert text == FULL_FILE


@pytest.fixture
def edited_case_study(render):
    """A case study as an editor leaves it in the admin: every field, Windows line ends."""
    case_study = CaseStudyFactory(
        title="A project",
        slug="a-project",
        date=datetime.date(2023, 1, 2),
        summary="What it did.",
        body="How it worked.",
        stage=Stage.HANDED_OVER,
        data_subjects="Tenants in the county.\r\n\r\nAnd their landlords.\r\n",
        protections="Names removed.",
        results_used_by="Legal aid lawyers.",
        funding_model="A grant.",
        outcomes="Fewer evictions.",
    )
    case_study.topics.add(TopicFactory(name="Housing"), TopicFactory(name="courts"))
    PartnerFactory(case_study=case_study, organization="Legal aid", role="", position=1)
    DataSourceFactory(
        case_study=case_study,
        name="Eviction filings",
        owner="County court",
        description="",
        limitations="Filings are not evictions.\r\nMany settle.",
        position=1,
    )
    return render(case_study)


def test_canonical_case_study_with_every_field(edited_case_study):
    assert canonical_text(edited_case_study) == (
        "---\n"
        "title: A project\n"
        "date: 2023-01-02\n"
        "draft: false\n"
        "summary: What it did.\n"
        "stage: handed_over\n"
        "topics:\n"
        "- courts\n"
        "- Housing\n"
        "partners:\n"
        "- organization: Legal aid\n"
        "data_sources:\n"
        "- name: Eviction filings\n"
        "  owner: County court\n"
        "  limitations: 'Filings are not evictions.\n"
        "\n"
        "    Many settle.'\n"
        "data_subjects: 'Tenants in the county.\n"
        "\n"
        "\n"
        "  And their landlords.'\n"
        "protections: Names removed.\n"
        "results_used_by: Legal aid lawyers.\n"
        "funding_model: A grant.\n"
        "outcomes: Fewer evictions.\n"
        "---\n"
        "\n"
        "How it worked.\n"
    )


def test_canonical_case_study_is_a_fixed_point(edited_case_study):
    text = canonical_text(edited_case_study)
    assert hugo.serialize_case_study(hugo.parse_document(text, default_slug="a-project",
                                                          case_study=True)) == text  # fmt: skip


@pytest.mark.parametrize("front_matter_format", ["yaml", "toml", "json"])
def test_edited_case_study_round_trips_through_its_canonical_form(
    tmp_path, edited_case_study, front_matter_format
):
    CaseStudy.objects.filter(pk=edited_case_study.pk).update(
        front_matter_format=front_matter_format
    )
    run_export(tmp_path / "first")
    first = (tmp_path / "first" / "portfolio" / "a-project.md").read_text()

    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    again = CaseStudy.objects.get()
    assert canonical_text(again) == first
    assert again.stage == Stage.HANDED_OVER
    assert {topic.name for topic in again.topics.all()} == {"courts", "Housing"}
    assert again.data_sources.get().limitations == "Filings are not evictions.\nMany settle."
    assert again.data_subjects == "Tenants in the county.\n\nAnd their landlords."
    run_export(tmp_path / "second")
    assert_same_tree(tmp_path / "first", tmp_path / "second")


def test_a_case_study_without_the_new_fields_exports_as_before(render):
    case_study = render(CaseStudyFactory(title="Plain", slug="plain", summary=""))
    text = canonical_text(case_study)
    for key in ("stage", "topics", "data_sources", "data_subjects", "outcomes"):
        assert f"\n{key}:" not in text


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("stage: finished", "p.md:4: 'stage' must be one of scoping, pilot, running"),
        (
            "data_sources:\n- name: Ledger\n  owner: City",
            "p.md:4: the data source “Ledger” needs its limitations",
        ),
        ("data_sources:\n- owner: City\n  limitations: x", "each data source needs a name"),
        ("data_sources:\n- name: L\n  limits: x", "'data_sources' must be a list of mappings"),
        ("data_sources: Ledger", "'data_sources' must be a list of mappings"),
        ("topics: [Housing, housing]", "the topics “Housing” and “housing” are the same topic"),
        ("topics: ['!!!']", "the topic “!!!” needs letters or digits"),
        ("outcomes: [a, b]", "'outcomes' must be a string"),
    ],
)
def test_bad_case_study_front_matter_is_reported_and_nothing_saved(tmp_path, front_matter, message):
    text = f"---\ntitle: P\ndate: 2023-01-01\n{front_matter}\n---\n\nText.\n"
    result = run_import(write(tmp_path, "p.md", text))
    assert result.failed
    assert message in result.err
    assert not CaseStudy.objects.exists()
    assert not Topic.objects.exists()
