"""import_hugo: the sample with every part, idempotence, dry runs, and bad input."""

import datetime
from pathlib import Path

import pytest
from django.test import override_settings

from civicdata.hugo_sync import find_hugo_files
from essays.models import (
    Author,
    DraftingStatus,
    Essay,
    Inset,
    InternalLink,
    Pullquote,
    Section,
    Series,
)
from essays.services import render_essay
from portfolio.models import CaseStudy
from tests.essays.test_round_trip import SAMPLE, run_import
from tests.factories import EssayFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db

PORTFOLIO_SAMPLE = SAMPLE.parent.parent / "portfolio" / "recidivism-data-sharing.md"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def essay_file(title="An essay", body="Some text.", **front):
    lines = [f"title: {title}", "date: 2023-01-02"]
    lines += [f"{key}: {value}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


# --- The sample ----------------------------------------------------------------------------------


def test_sample_imports_with_every_part():
    result = run_import(SAMPLE)
    assert not result.failed, result.err
    assert "created 1, updated 0, unchanged 0, failed 0" in result.out

    essay = Essay.objects.get()
    assert essay.slug == "whats-different-about-civil-society-data-initiatives"
    assert essay.title == "What's different about civil society data initiatives?"
    assert essay.date == datetime.date(2022, 2, 24)
    assert essay.is_published
    assert [author.name for author in essay.authors] == ["Aman"]
    assert essay.series == Series.get_default()
    assert essay.front_matter_format == "yaml"
    assert essay.front_matter_extra == {}
    assert essay.hugo_source == SAMPLE.read_text()

    inset = Inset.objects.get(essay=essay)
    assert inset.section is None
    lead, *points = inset.body.split("\n* ")
    assert lead == "Civil society data initiatives: "
    assert len(points) == 5

    sections = list(essay.sections.order_by("position"))
    assert [s.position for s in sections] == [1, 2, 3, 4, 5, 6]
    assert sections[0].heading == ""
    assert [s.heading_level for s in sections[1:]] == [5] * 5
    assert [s.heading for s in sections[1:]] == [
        "Multiple teams collaborating",
        "The user, the data subject and the stakeholders",
        "Rethinking the role of data",
        "Data, truth and reality",
        "Funding, sustainability, and the project lifecycle",
    ]
    assert [s.drafting_status for s in sections] == ["drafted", "drafted"] + ["placeholder"] * 4
    assert sections[0].body.startswith("Having acknowledged")
    assert sections[0].body.endswith("fresh ideas and opportunities. ")  # trailing space kept
    assert sections[2].body.startswith('"User-centered design" remains')
    assert sections[2].body.endswith("_not clear who the user even is._")
    assert all(s.body == "" for s in sections[3:])

    pullquote = Pullquote.objects.get(essay=essay)
    assert pullquote.section == sections[0]
    assert pullquote.after_paragraph == 4
    assert pullquote.body.startswith("This understanding allows us")
    assert pullquote.attribution == ""

    html = essay.body_html
    assert html.index('class="inset"') < html.index("Having acknowledged")
    assert html.index("fresh ideas and opportunities.") < html.index('class="pullquote"')
    assert html.index('class="pullquote"') < html.index("Multiple teams collaborating")


def test_link_to_a_missing_essay_is_plain_text_and_recorded_unresolved():
    run_import(SAMPLE)
    essay = Essay.objects.get()
    assert "why-is-civil-society-important" not in essay.body_html
    assert "the use of data in civil society" in essay.body_html
    link = InternalLink.objects.get(target_slug="why-is-civil-society-important")
    assert (link.target_kind, link.resolved) == ("essay", False)


def test_sample_site_links_the_essay_to_the_case_study_imported_after_it():
    result = run_import(SAMPLE.parent.parent)
    assert "created 2, updated 0, unchanged 0, failed 0" in result.out
    essay = Essay.objects.get()
    assert '<a href="/portfolio/recidivism-data-sharing/"' in essay.body_html
    assert InternalLink.objects.get(target_slug="recidivism-data-sharing").resolved


def test_link_to_an_essay_imported_later_in_the_run_resolves(tmp_path):
    write(tmp_path, "a.md", essay_file("A", "See [essay B](b.md#part) for more.", weight=1))
    write(tmp_path, "b.md", essay_file("B", "The target.", weight=2))
    assert not run_import(tmp_path).failed
    a = Essay.objects.get(slug="a")
    assert '<a href="/essays/b/#part"' in a.body_html
    assert InternalLink.objects.get(target_slug="b").resolved is True


def test_link_to_a_draft_imported_later_stays_plain_text(tmp_path):
    write(tmp_path, "a.md", essay_file("A", "See [essay B](b.md).", weight=1))
    write(tmp_path, "b.md", essay_file("B", "The target.", weight=2, draft="true"))
    run_import(tmp_path)
    assert "<a" not in Essay.objects.get(slug="a").body_html
    assert InternalLink.objects.get(target_slug="b").resolved is False


# --- Idempotence and dry runs --------------------------------------------------------------------


def test_importing_again_is_unchanged_and_creates_nothing():
    run_import(SAMPLE)
    first = Essay.objects.get()
    result = run_import(SAMPLE)
    assert "created 0, updated 0, unchanged 1, failed 0" in result.out
    assert "unchanged" in result.out.splitlines()[0]
    assert Essay.objects.get().pk == first.pk
    assert Section.objects.count() == 6
    assert Inset.objects.count() == Pullquote.objects.count() == 1


def test_a_changed_file_updates_the_essay_in_place(tmp_path):
    path = write(tmp_path, "essay.md", essay_file(body="First.\n\n## A\n\nOne.\n\n## B\n\nTwo."))
    run_import(path)
    essay = Essay.objects.get()
    path.write_text(essay_file(body="## Only\n\nChanged."))
    result = run_import(path)
    assert "created 0, updated 1, unchanged 0, failed 0" in result.out
    essay.refresh_from_db()
    assert Essay.objects.count() == 1
    assert [(s.position, s.heading, s.body) for s in essay.sections.all()] == [
        (1, "Only", "Changed.")
    ]
    assert essay.series_position == 1  # kept: the file gives no weight
    assert "Changed." in essay.body_html


def test_reimport_overwrites_edits_made_since(tmp_path):
    run_import(SAMPLE)
    essay = Essay.objects.get()
    section = essay.sections.get(position=2)
    section.body = "Edited in the admin."
    section.save()
    render_essay(essay)
    result = run_import(SAMPLE)
    assert "updated 1" in result.out
    assert essay.sections.get(position=2).body.startswith("Civil society data initiatives")


def test_reimport_keeps_who_drafts_a_section(tmp_path):
    run_import(SAMPLE)
    editor = UserFactory()
    Section.objects.filter(heading="Data, truth and reality").update(assignee=editor)
    path = write(tmp_path, "whats-different-about-civil-society-data-initiatives.md", "")
    path.write_text(SAMPLE.read_text().replace("we  might ask", "we might ask"))
    assert "updated 1" in run_import(path).out
    assert Section.objects.get(heading="Data, truth and reality").assignee == editor


def test_dry_run_saves_nothing(tmp_path):
    result = run_import(SAMPLE, dry_run=True)
    assert not result.failed
    assert "(dry run) created" in result.out
    assert "created 1, updated 0, unchanged 0, failed 0 (dry run: nothing was saved)" in result.out
    assert not Essay.objects.exists()
    assert not Section.objects.exists()
    assert not Author.objects.exists()
    assert not InternalLink.objects.exists()


def test_dry_run_of_a_changed_file_leaves_the_essay_as_it_was(tmp_path):
    path = write(tmp_path, "essay.md", essay_file(body="Before."))
    run_import(path)
    path.write_text(essay_file(title="Renamed", body="After."))
    result = run_import(path, dry_run=True)
    assert "updated 1" in result.out
    essay = Essay.objects.get()
    assert (essay.title, essay.sections.get().body) == ("An essay", "Before.")


def test_dry_run_still_reports_bad_files(tmp_path):
    write(tmp_path, "bad.md", "no front matter")
    result = run_import(tmp_path, dry_run=True)
    assert result.failed
    assert "bad.md:1: " in result.err


# --- Bad input -----------------------------------------------------------------------------------

BAD_FILES = [
    pytest.param(
        essay_file(body="Text.\n\n{{% inset %}}\n* a\n* b"),
        8,
        "'inset' is never closed",
        id="unclosed",
    ),
    pytest.param(
        essay_file(body='{{< figure src="x.png" >}}'),
        6,
        "unknown shortcode 'figure'",
        id="unknown-shortcode",
    ),
    pytest.param(
        essay_file(body='{{< pullquote by="Aman" >}}Q{{< /pullquote >}}'),
        6,
        "unknown parameter 'by' for 'pullquote'",
        id="unknown-parameter",
    ),
    pytest.param(
        essay_file(body='{{< pullquote "Aman" >}}Q{{< /pullquote >}}'),
        6,
        "unknown parameter",
        id="positional-parameter",
    ),
    pytest.param(
        essay_file(
            body="{{< pullquote >}}\n{{% inset %}}\n* a\n{{% /inset %}}\n{{< /pullquote >}}"
        ),
        7,
        "cannot be nested",
        id="nested",
    ),
    pytest.param(
        essay_file(body="Text.\n\n{{< /pullquote >}}"),
        8,
        "closing 'pullquote' tag with no opening tag",
        id="closing-without-opening",
    ),
    pytest.param(
        essay_file(body="{{% inset %}}\n* a\n{{< /pullquote >}}"),
        8,
        "while 'inset' (line 6) is open",
        id="mismatched-closing",
    ),
    pytest.param(
        essay_file(body="{{< inset %}}\n* a\n{{% /inset %}}"),
        6,
        "mixes",
        id="mixed-delimiters",
    ),
    pytest.param(
        essay_file(body="Text {{< pullquote\n>}}"),
        6,
        "not closed with >}}",
        id="tag-across-lines",
    ),
    pytest.param("---\ntitle: [unclosed\ndate: 2023-01-02\n---\n", 3, "invalid YAML", id="yaml"),
    pytest.param('+++\ntitle = "A"\ndate = @\ndraft = true\n+++\n', 3, "invalid TOML", id="toml"),
    pytest.param('{\n  "title": "A",\n  "date": \n}\n', 4, "invalid JSON", id="json"),
    pytest.param("---\n- a\n- b\n---\n", 1, "must be a mapping", id="not-a-mapping"),
    pytest.param("---\ntitle: A\ndate: 2023-01-02\n", 1, "never closed", id="front-not-closed"),
    pytest.param("Just text.\n", 1, "does not start with front matter", id="no-front-matter"),
    pytest.param("---\ndate: 2023-01-02\n---\n", 1, "'title' is missing", id="missing-title"),
    pytest.param(
        "---\ntitle: '  '\ndate: 2023-01-02\n---\n", 2, "'title' is empty", id="empty-title"
    ),
    pytest.param("---\ntitle: 12\ndate: 2023-01-02\n---\n", 2, "must be a string", id="title-type"),
    pytest.param("---\ntitle: A\n---\n", 1, "'date' is missing", id="missing-date"),
    pytest.param("---\ntitle: A\ndate: soon\n---\n", 3, "'date' must be a date", id="bad-date"),
    pytest.param(essay_file(draft="maybe"), 4, "'draft' must be true or false", id="draft-type"),
    pytest.param(essay_file(weight="first"), 4, "'weight' must be a whole number", id="weight"),
    pytest.param(essay_file(weight=-2), 4, "'weight' must be a whole number", id="weight-neg"),
    pytest.param(essay_file(slug="Not A Slug"), 4, "a slug is lowercase", id="bad-slug"),
    pytest.param(essay_file(author="[Aman, 3]"), 4, "'author' must be a string", id="authors"),
    pytest.param(
        essay_file(author="Aman", authors="[Bea]"), 5, "either 'author' or 'authors'", id="both"
    ),
    pytest.param(essay_file(series="[A, B]"), 4, "one series", id="two-series"),
    pytest.param(essay_file(series="'!!!'"), 4, "letters or digits", id="series-name"),
    pytest.param(essay_file(civicdata="[1]"), 4, "'civicdata': must be a mapping", id="civicdata"),
    pytest.param(
        essay_file(civicdata="{sections: [{position: 9}]}"),
        1,
        "there is no section 9",
        id="civicdata-position",
    ),
    pytest.param(
        essay_file(body="Text.\n\n##\n\nMore."), 8, "a heading with no text", id="heading"
    ),
    pytest.param(
        essay_file(body="## A {{< pullquote >}}Q{{< /pullquote >}}"),
        6,
        "heading's line",
        id="shortcode-in-heading",
    ),
    pytest.param(
        essay_file(title="x" * 301), 2, "the title is longer than 300 characters", id="long-title"
    ),
    pytest.param(
        essay_file(body="## " + "h" * 301), 6, "heading is longer than 300", id="long-heading"
    ),
    pytest.param(essay_file(lastmod=".nan"), 4, "not a number JSON can hold", id="not-a-number"),
    pytest.param(essay_file(extra="{1: one}"), 4, "is not a string", id="integer-key"),
    pytest.param(essay_file(extra="!!binary aGVsbG8="), 4, "bytes is not supported", id="binary"),
    pytest.param(
        essay_file(extra="!!python/object:os.system {}"), 4, "invalid YAML", id="object-tag"
    ),
    pytest.param("---\ntitle: T\ndate: 2020-13-45\n---\n", 1, "month must be", id="no-such-day"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_FILES)
def test_bad_file_is_reported_and_the_others_still_import(tmp_path, text, line, message):
    write(tmp_path, "a-good.md", essay_file("Good", weight=1))
    write(tmp_path, "bad.md", text)
    write(tmp_path, "z-good.md", essay_file("Also good", weight=2))
    result = run_import(tmp_path)
    assert result.failed
    error = next(line for line in result.err.splitlines() if "bad.md" in line)
    assert error.startswith(f"{tmp_path / 'bad.md'}:{line}: "), error
    assert message in error
    assert "Traceback" not in result.err
    assert "created 2, updated 0, unchanged 0, failed 1" in result.out
    assert sorted(Essay.objects.values_list("slug", flat=True)) == ["a-good", "z-good"]


def test_nothing_is_saved_from_a_file_that_fails_after_writing_began(tmp_path):
    text = essay_file(author="New Person", series="A new series", body="## " + "h" * 301)
    write(tmp_path, "bad.md", text)
    assert run_import(tmp_path).failed
    assert not Essay.objects.exists()
    assert not Author.objects.filter(name="New Person").exists()
    assert not Series.objects.filter(slug="a-new-series").exists()


def test_yaml_alias_bomb_is_refused(tmp_path):
    bomb = "\n".join(
        ["---", "title: Bomb", "date: 2023-01-02", 'a: &a ["lol", "lol", "lol", "lol"]']
        + [
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
            for i in range(8)
        ]
        + ["---", "Text."]
    )
    write(tmp_path, "bomb.md", bomb)
    result = run_import(tmp_path)
    assert result.failed
    assert "bomb.md:4: invalid YAML front matter: anchors and aliases are not allowed" in result.err
    assert not Essay.objects.exists()


@override_settings(CIVICDATA_HUGO_MAX_FILE_BYTES=200)
def test_a_file_over_the_size_limit_is_refused(tmp_path):
    write(tmp_path, "big.md", essay_file(body="word " * 100))
    write(tmp_path, "small.md", essay_file(body="Short."))
    result = run_import(tmp_path)
    assert result.failed
    assert "big.md: the file is larger than the limit of 200 bytes" in result.err
    assert list(Essay.objects.values_list("slug", flat=True)) == ["small"]


def test_invalid_utf8_is_refused_with_its_line(tmp_path):
    write(tmp_path, "latin1.md", essay_file(body="Caf\xe9.").encode("latin-1"))
    result = run_import(tmp_path)
    assert result.failed
    assert "latin1.md:6: the file is not valid UTF-8 text" in result.err


def test_a_nul_character_is_refused(tmp_path):
    write(tmp_path, "nul.md", essay_file(body="Nul\x00 here."))
    assert "nul.md:6: the file contains a NUL character" in run_import(tmp_path).err


def test_two_files_with_one_slug_in_one_run(tmp_path):
    write(tmp_path, "a.md", essay_file("First", slug="same"))
    write(tmp_path, "b.md", essay_file("Second", slug="same"))
    result = run_import(tmp_path)
    assert result.failed
    assert f"b.md:4: the slug “same” is already used by {tmp_path / 'a.md'}" in result.err
    assert Essay.objects.get().title == "First"


def test_weight_used_by_another_essay_names_it(tmp_path):
    EssayFactory(title="The holder", slug="holder", series=Series.get_default(), series_position=3)
    write(tmp_path, "new.md", essay_file(weight=3))
    result = run_import(tmp_path)
    assert result.failed
    assert (
        "new.md:4: weight 3 is already the place of the essay “The holder” (holder)" in result.err
    )


def test_missing_path_is_a_command_error(tmp_path):
    result = run_import(tmp_path / "nowhere")
    assert result.failed
    assert not Essay.objects.exists()


def test_a_folder_reports_the_same_with_one_cpu_as_with_a_reading_process(tmp_path, monkeypatch):
    """With a second CPU the next files are read in a second process: what each file reports,
    and in which order, is the same as when this process reads them all."""
    write(tmp_path, "a.md", essay_file("First", slug="same", body="See [later](c-later.md)."))
    write(tmp_path, "b-bad.md", "---\ntitle: [unclosed\n---\n")
    write(tmp_path, "b-same.md", essay_file("Second", slug="same"))
    write(tmp_path, "b-long.md", essay_file(body="##### " + "Long " * 80 + "\n\nText."))
    write(tmp_path, "c-later.md", essay_file("Later", slug="c-later", body="Back to [a](a.md)."))

    with_reader = run_import(tmp_path, dry_run=True)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    alone = run_import(tmp_path, dry_run=True)

    assert (with_reader.out, with_reader.err) == (alone.out, alone.err)
    assert "b-bad.md:2: invalid YAML front matter" in alone.err
    assert f"b-same.md:4: the slug “same” is already used by {tmp_path / 'a.md'}" in alone.err
    assert "b-long.md:6: the heading is longer than 300 characters" in alone.err
    assert "created 2, updated 0, unchanged 0, failed 3" in alone.out


# --- Front matter --------------------------------------------------------------------------------


def test_toml_front_matter(tmp_path):
    text = (
        '+++\ntitle = "In TOML"\ndate = 2021-03-04T10:00:00Z\ndraft = true\n'
        'authors = ["Bea", "Aman"]\nseries = "Open data"\nweight = 4\n'
        'tags = ["x"]\nlastmod = 2021-03-05\n\n[params]\nkind = "note"\n+++\n\nText.\n'
    )
    write(tmp_path, "toml-essay.md", text)
    assert not run_import(tmp_path).failed
    essay = Essay.objects.get()
    assert essay.front_matter_format == "toml"
    assert essay.status == "draft"
    assert essay.date == datetime.date(2021, 3, 4)
    assert [author.name for author in essay.authors] == ["Bea", "Aman"]
    assert (essay.series.slug, essay.series.title, essay.series_position) == (
        "open-data",
        "Open data",
        4,
    )
    assert essay.front_matter_extra == {
        "date": "2021-03-04T10:00:00+00:00",
        "lastmod": "2021-03-05",
        "params": {"kind": "note"},
        "tags": ["x"],
    }


def test_json_front_matter(tmp_path):
    text = (
        '{\n  "title": "In JSON",\n  "date": "2021-03-04",\n  "author": "Aman",\n'
        '  "description": "Used as the summary.",\n  "aliases": ["/old/"]\n}\n\nText.\n'
    )
    write(tmp_path, "json-essay.md", text)
    assert not run_import(tmp_path).failed
    essay = Essay.objects.get()
    assert essay.front_matter_format == "json"
    assert essay.summary == "Used as the summary."
    assert essay.front_matter_extra == {"aliases": ["/old/"]}
    assert essay.sections.get().body == "Text."


def test_description_is_kept_apart_when_there_is_a_summary(tmp_path):
    write(tmp_path, "e.md", essay_file(summary="The summary.", description="The description."))
    run_import(tmp_path)
    essay = Essay.objects.get()
    assert essay.summary == "The summary."
    assert essay.front_matter_extra == {"description": "The description."}


def test_series_as_a_list_and_positions_without_weight(tmp_path):
    SeriesFactory(title="Counting people", slug="counting-people")
    write(tmp_path, "a.md", essay_file("A", series="[Counting people]"))
    write(tmp_path, "b.md", essay_file("B", series="[Counting people]"))
    write(tmp_path, "c.md", essay_file("C"))
    run_import(tmp_path)
    positions = dict(Essay.objects.values_list("slug", "series_position"))
    assert positions == {"a": 1, "b": 2, "c": 1}
    assert Essay.objects.get(slug="a").series.slug == "counting-people"
    assert Essay.objects.get(slug="c").series == Series.get_default()


def test_civicdata_front_matter_sets_what_the_text_cannot(tmp_path):
    body = "Opening.\n\n## Drafting\n\nHalf done.\n\n## Later\n\nPlaceholder."
    civicdata = (
        "\n  announced: true\n  sections:\n  - position: 2\n    drafting_status: in_progress\n"
        "    editor_note: Ask Aman.\n  - position: 3\n    editor_note: After the survey."
    )
    write(tmp_path, "e.md", essay_file(body=body, civicdata=civicdata, draft="true"))
    assert not run_import(tmp_path).failed
    essay = Essay.objects.get()
    assert essay.announced
    sections = list(essay.sections.order_by("position"))
    assert [(s.drafting_status, s.editor_note) for s in sections] == [
        (DraftingStatus.DRAFTED, ""),
        (DraftingStatus.IN_PROGRESS, "Ask Aman."),
        (DraftingStatus.PLACEHOLDER, "After the survey."),
    ]
    assert "civicdata" not in essay.front_matter_extra


def test_page_bundle_takes_its_folder_name_and_list_pages_are_left_out(tmp_path):
    write(tmp_path, "essays/_index.md", "---\ntitle: Essays\n---\n")
    write(tmp_path, "essays/bundled-essay/index.md", essay_file())
    assert [f.default_slug for f in find_hugo_files([tmp_path])] == ["bundled-essay"]
    assert not run_import(tmp_path).failed
    assert Essay.objects.get().slug == "bundled-essay"


# --- Case studies --------------------------------------------------------------------------------


def test_case_study_imports_with_partners_in_order():
    result = run_import(PORTFOLIO_SAMPLE)
    assert not result.failed, result.err
    case_study = CaseStudy.objects.get()
    assert case_study.slug == "recidivism-data-sharing"
    assert case_study.date == datetime.date(2021, 6, 1)
    assert case_study.summary.startswith("Demo text written by the civicdata developers")
    assert case_study.body.startswith("*This case study is demo content")
    assert "## What the data could not say" in case_study.body
    partners = list(case_study.partners.order_by("position"))
    assert len(partners) == 7
    assert (partners[0].organization, partners[0].role) == (
        "Sheriff's office",
        "Jail booking and release records",
    )
    assert partners[-1].organization == "Community-based organizations"
    assert "<h2>The question</h2>" in case_study.body_html
    assert not Essay.objects.exists()
    assert "unchanged 1" in run_import(PORTFOLIO_SAMPLE).out


def test_case_study_related_essays_missing_ones_are_kept(tmp_path):
    EssayFactory(slug="known")
    text = (
        "---\ntitle: A project\ndate: 2023-01-01\ntype: portfolio\n"
        "related_essays: [known, not-yet]\n---\n\nText.\n"
    )
    write(tmp_path, "project.md", text)  # not under portfolio/: its type says what it is
    result = run_import(tmp_path)
    assert not result.failed
    assert "related essay “not-yet” is not in the database; kept for export" in result.err
    case_study = CaseStudy.objects.get()
    assert [essay.slug for essay in case_study.related_essays.all()] == ["known"]
    assert case_study.front_matter_extra == {"type": "portfolio", "related_essays": ["not-yet"]}


def test_case_study_refuses_shortcodes(tmp_path):
    write(
        tmp_path, "portfolio/p.md", essay_file(body="Text.\n\n{{< pullquote >}}Q{{< /pullquote >}}")
    )
    result = run_import(tmp_path)
    assert result.failed
    assert "p.md:8: case studies do not take shortcodes" in result.err


def test_case_study_partners_must_be_mappings(tmp_path):
    write(tmp_path, "portfolio/p.md", essay_file(partners="[Sheriff]"))
    assert "p.md:4: 'partners' must be a list of mappings" in run_import(tmp_path).err


@pytest.mark.parametrize(
    "front",
    ['title: "A\\0title"', 'tags: ["fine", "bad\\0"]', 'extra: {"k": "\\u0000"}'],
    ids=["yaml-title", "yaml-list", "yaml-mapping"],
)
def test_a_nul_written_as_an_escape_in_front_matter_is_refused(tmp_path, front):
    write(tmp_path, "escaped.md", f"---\ndate: 2023-01-02\n{front}\n---\n\nText.\n")
    result = run_import(tmp_path)
    assert result.failed
    assert "escaped.md:3: the front matter holds a NUL character" in result.err
    assert not Essay.objects.exists()
