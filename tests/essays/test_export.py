"""export_hugo: every item, as imported while unedited, in canonical form once edited."""

import datetime
import json
import tomllib

import pytest

from civicdata.hugo_sync import canonical_text, export_text
from essays.models import DraftingStatus, Essay
from essays.services import render_essay
from portfolio.services import render_case_study
from tests.essays.test_import import PORTFOLIO_SAMPLE
from tests.essays.test_round_trip import SAMPLE, run_export, run_import
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    CaseStudyFactory,
    EssayFactory,
    InsetFactory,
    PartnerFactory,
    PullquoteFactory,
    SectionFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db


def test_sample_exports_byte_for_byte(tmp_path):
    run_import(SAMPLE, PORTFOLIO_SAMPLE)
    output = run_export(tmp_path)
    assert (tmp_path / "essays" / SAMPLE.name).read_bytes() == SAMPLE.read_bytes()
    exported_case_study = tmp_path / "portfolio" / PORTFOLIO_SAMPLE.name
    assert exported_case_study.read_bytes() == PORTFOLIO_SAMPLE.read_bytes()
    assert "exported 1 essays and 1 case studies" in output
    assert "(2 exactly as imported, 0 from the database)" in output


def test_windows_line_ends_and_a_byte_order_mark_come_back_unchanged(tmp_path):
    source = "\ufeff---\r\ntitle: CRLF\r\ndate: 2023-01-02\r\n---\r\n\r\nText.\r\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crlf.md").write_bytes(source.encode())
    assert not run_import(tmp_path / "in").failed
    assert Essay.objects.get().sections.get().body == "Text."
    run_export(tmp_path / "out")
    assert (tmp_path / "out" / "essays" / "crlf.md").read_bytes() == source.encode()


def test_every_item_is_exported_drafts_included(tmp_path):
    EssayFactory(slug="published-essay")
    EssayFactory(slug="draft-essay", status="draft")
    CaseStudyFactory(slug="draft-study", status="draft")
    run_export(tmp_path)
    assert sorted(p.name for p in (tmp_path / "essays").iterdir()) == [
        "draft-essay.md",
        "published-essay.md",
    ]
    assert "\ndraft: true\n" in (tmp_path / "essays" / "draft-essay.md").read_text()
    assert "\ndraft: false\n" in (tmp_path / "essays" / "published-essay.md").read_text()
    assert "\ndraft: true\n" in (tmp_path / "portfolio" / "draft-study.md").read_text()


def test_canonical_essay_front_matter_and_body(render):
    series = SeriesFactory(title="Field notes", slug="field-notes")
    essay = EssayFactory(
        title="A canonical essay",
        slug="canonical",
        series=series,
        series_position=3,
        date=datetime.date(2023, 5, 6),
        summary="In short.",
        front_matter_extra={"tags": ["b", "a"], "aliases": ["/old/"], "lastmod": "2023-05-07"},
    )
    for position, name in enumerate(["Bea Ortiz", "Aman"], start=1):
        BylineFactory(essay=essay, author=AuthorFactory(name=name), position=position)
    opening = SectionFactory(essay=essay, position=1, heading="", body="First.\n\nSecond.")
    drafting = SectionFactory(
        essay=essay,
        position=2,
        heading="Half done",
        heading_level=3,
        body="Some text.",
        drafting_status=DraftingStatus.IN_PROGRESS,
        editor_note="Ask Aman.",
    )
    SectionFactory(
        essay=essay,
        position=3,
        heading="Later",
        heading_level=3,
        body="Notes so far.",
        drafting_status=DraftingStatus.PLACEHOLDER,
    )
    InsetFactory(essay=essay, section=None, body="Lead:\n* one\n* two")
    PullquoteFactory(essay=essay, section=opening, after_paragraph=1, body="Quoted.")
    InsetFactory(essay=essay, section=opening, after_paragraph=1, body="* boxed")
    PullquoteFactory(
        essay=essay, section=drafting, after_paragraph=5, body="At the end.", attribution="Bea"
    )
    render(essay)
    assert canonical_text(essay) == (
        "---\n"
        "title: A canonical essay\n"
        "authors:\n"
        "- Bea Ortiz\n"
        "- Aman\n"
        "date: 2023-05-06\n"
        "draft: false\n"
        "series: Field notes\n"
        "weight: 3\n"
        "summary: In short.\n"
        "civicdata:\n"
        "  sections:\n"
        "  - position: 2\n"
        "    drafting_status: in_progress\n"
        "    editor_note: Ask Aman.\n"
        "aliases:\n"
        "- /old/\n"
        "lastmod: '2023-05-07'\n"
        "tags:\n"
        "- b\n"
        "- a\n"
        "---\n"
        "\n"
        "{{% inset %}}\n"
        "Lead:\n"
        "* one\n"
        "* two\n"
        "{{% /inset %}}\n"
        "\n"
        "First.\n"
        "\n"
        "{{% inset %}}\n"
        "* boxed\n"
        "{{% /inset %}}\n"
        "\n"
        "{{< pullquote >}}\n"
        "Quoted.\n"
        "{{< /pullquote >}}\n"
        "\n"
        "Second.\n"
        "\n"
        "### Half done\n"
        "\n"
        "Some text.\n"
        "\n"
        '{{< pullquote attribution="Bea" >}}\n'
        "At the end.\n"
        "{{< /pullquote >}}\n"
        "\n"
        "### Later\n"
        "\n"
        "Placeholder.\n"
        "Notes so far.\n"
    )


def test_one_author_and_the_default_series(render):
    from essays.models import Series

    essay = EssayFactory(series=Series.get_default(), series_position=1, summary="")
    BylineFactory(essay=essay, author=AuthorFactory(name="Aman"))
    SectionFactory(essay=essay, position=1, heading="", body="Text.")
    render(essay)
    text = canonical_text(essay)
    assert "\nauthor: Aman\n" in text
    assert "series" not in text
    assert "summary" not in text
    assert "civicdata" not in text


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_front_matter_keeps_its_format(render, fmt):
    essay = EssayFactory(
        front_matter_format=fmt, date=datetime.date(2023, 5, 6), front_matter_extra={"x": 1}
    )
    SectionFactory(essay=essay, position=1, heading="", body="Text.")
    render(essay)
    text = canonical_text(essay)
    if fmt == "toml":
        front = tomllib.loads(text.split("+++\n")[1])
        assert front["date"] == datetime.date(2023, 5, 6)
    else:
        front, end = json.JSONDecoder().raw_decode(text)
        assert front["date"] == "2023-05-06"
        assert text[end:] == "\n\nText.\n"
    assert list(front) == ["title", "date", "draft", "series", "weight", "summary", "x"]


def test_an_edited_essay_exports_its_canonical_form(tmp_path):
    run_import(SAMPLE)
    essay = Essay.objects.get()
    assert export_text(essay) == (SAMPLE.read_text(), True)
    essay.summary = "Now with a summary."
    essay.save()
    text, as_imported = export_text(essay)
    assert not as_imported
    assert text == canonical_text(essay)
    assert "summary: Now with a summary.\n" in text
    output = run_export(tmp_path)
    assert "(0 exactly as imported, 1 from the database)" in output
    assert (tmp_path / "essays" / SAMPLE.name).read_text() == text


def test_an_edited_section_changes_the_export(tmp_path):
    run_import(SAMPLE)
    essay = Essay.objects.get()
    section = essay.sections.get(heading="Rethinking the role of data")
    section.drafting_status = DraftingStatus.DRAFTED
    section.body = "Now written."
    section.save()
    render_essay(essay)
    text, as_imported = export_text(essay)
    assert not as_imported
    assert "##### Rethinking the role of data\n\nNow written.\n\n#####" in text


def test_canonical_case_study(render):
    essay = EssayFactory(slug="an-essay")
    case_study = CaseStudyFactory(
        title="A project",
        slug="a-project",
        date=datetime.date(2023, 1, 2),
        summary="What it did.",
        body="\n\nHow it worked.\r\n\r\n## Results\r\n\r\nGood ones.\n\n",
        front_matter_extra={"related_essays": ["still-missing"], "image": "x.png"},
    )
    PartnerFactory(case_study=case_study, organization="Courts", role="Records", position=1)
    PartnerFactory(case_study=case_study, organization="Library", role="", position=2)
    case_study.related_essays.add(essay)
    render_case_study(case_study)
    assert canonical_text(case_study) == (
        "---\n"
        "title: A project\n"
        "date: 2023-01-02\n"
        "draft: false\n"
        "summary: What it did.\n"
        "partners:\n"
        "- organization: Courts\n"
        "  role: Records\n"
        "- organization: Library\n"
        "related_essays:\n"
        "- an-essay\n"
        "- still-missing\n"
        "image: x.png\n"
        "---\n"
        "\n"
        "How it worked.\n"
        "\n"
        "## Results\n"
        "\n"
        "Good ones.\n"
    )
