"""The Hugo round trip: import, export, import the export into an empty database, export again;
the two exports are the same bytes. Tested on the real sample and on generated essays."""

import datetime
import filecmp
import json
import random
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomli_w
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdata import hugo
from civicdata.hugo_sync import canonical_text
from essays.models import DraftingStatus, Essay, Inset, Pullquote
from essays.services import render_essay
from portfolio.models import CaseStudy
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    EssayFactory,
    InsetFactory,
    PullquoteFactory,
    SectionFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(settings.BASE_DIR)
    / "demo-content"
    / "essays"
    / "whats-different-about-civil-society-data-initiatives.md"
)


# --- Helpers shared with test_import and test_export ------------------------------------------


def run_import(*paths, dry_run=False):
    """Run import_hugo; returns its output and whether it failed (exited non-zero)."""
    out, err = StringIO(), StringIO()
    args = [str(path) for path in paths] + (["--dry-run"] if dry_run else [])
    try:
        call_command("import_hugo", *args, stdout=out, stderr=err)
        failed = False
    except CommandError:
        failed = True
    return SimpleNamespace(out=out.getvalue(), err=err.getvalue(), failed=failed)


def run_export(outdir):
    out = StringIO()
    call_command("export_hugo", str(outdir), stdout=out)
    return out.getvalue()


def empty_the_database():
    """Delete every essay, case study and everything that hangs off them."""
    CaseStudy.objects.all().delete()
    Essay.objects.all().delete()
    for app_label in ("essays", "portfolio"):
        for model in apps.get_app_config(app_label).get_models():
            if not model._meta.proxy:
                model._default_manager.all().delete()


def exported_files(outdir):
    return sorted(path.relative_to(outdir) for path in Path(outdir).rglob("*.md"))


def assert_same_tree(first, second):
    assert exported_files(first) == exported_files(second)
    for relative in exported_files(first):
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


# --- A generator of Hugo essays ---------------------------------------------------------------

WORDS = (
    "data civil society county records partners trust community justice program survey "
    "funding people consent outcomes agency volunteers report map budget questions answers "
    "evidence council residents housing schools health water transit archive"
).split()
AUTHORS = ["Aman", "Bea Ortiz", "Chen Li", "Dana Okafor"]


@dataclass
class ExpectedBlock:
    kind: str
    body: str
    after_paragraph: int
    attribution: str = ""


@dataclass
class ExpectedSection:
    heading: str
    heading_level: int
    body: str
    drafting_status: str = DraftingStatus.DRAFTED
    editor_note: str = ""
    blocks: list = field(default_factory=list)


@dataclass
class GeneratedEssay:
    slug: str
    text: str
    authors: list
    series_slug: str
    weight: int | None
    draft: bool
    summary: str
    date: datetime.date
    extra: dict
    top_blocks: list
    sections: list


class EssayGenerator:
    """Random-ish but seeded Hugo essays, with what importing each should give."""

    def __init__(self, seed, essay_count):
        self.rng = random.Random(seed)
        self.essay_count = essay_count
        self.footnotes = 0

    # Markdown pieces, each exactly one top-level block.

    def words(self, low=4, high=12):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self):
        text = self.words()
        choice = self.rng.random()
        if choice < 0.15:
            text += f" [an earlier essay](essay-{self.rng.randrange(self.essay_count):02}.md)"
        elif choice < 0.25:
            text += " [a study](https://example.org/study?id=3)"
        elif choice < 0.35:
            text += f" *{self.words(1, 3)}* and `code`"
        return text[0].upper() + text[1:] + "."

    def paragraph(self):
        text = " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))
        if self.rng.random() < 0.2:
            text += "  \n" + self.sentence()  # a hard line break: trailing spaces are kept
        if self.rng.random() < 0.2:
            text += " "  # a trailing space at the end of the paragraph
        return text

    def chunk(self, previous):
        kinds = ["paragraph", "paragraph", "list", "fence", "quote", "table"]
        if previous == "list":
            kinds.remove("list")  # two lists in a row would be one list
        kind = self.rng.choice(kinds)
        if kind == "list":
            bullet = self.rng.choice(["*", "-", "1."])
            items = [f"{bullet} {self.words(2, 6)}" for _ in range(self.rng.randint(2, 4))]
            if self.rng.random() < 0.3:
                items[0] += "\n  " + self.words(2, 4)  # a continuation line
            return kind, "\n".join(items)
        if kind == "fence":
            marker = self.rng.choice(["```", "~~~"])
            return kind, f"{marker}python\n# a comment, not a heading\n## nor this\nx = 1\n{marker}"
        if kind == "quote":
            return kind, f"> {self.sentence()}\n> {self.sentence()}"
        if kind == "table":
            return kind, "| name | count |\n|---|:--:|\n| records | 12 |\n| people | 3 |"
        return kind, self.paragraph()

    def chunks(self, low, high):
        """Blocks of Markdown, maybe with footnote definitions (which are not blocks) after."""
        chunks, previous = [], None
        for _ in range(self.rng.randint(low, high)):
            previous, text = self.chunk(previous)
            chunks.append(text)
        definitions = []
        if chunks and self.rng.random() < 0.3:
            self.footnotes += 1
            label = f"n{self.footnotes}"
            index = self.rng.randrange(len(chunks))
            if not chunks[index].startswith(("|", "```", "~~~")):
                chunks[index] += f" A note.[^{label}]"
                definitions.append(f"[^{label}]: {self.sentence()}")
        return chunks, definitions

    # Shortcodes, written in the many ways Hugo accepts.

    def block(self):
        if self.rng.random() < 0.5:
            body = f"{self.words(2, 5)}:\n* {self.words(2, 5)}\n* {self.words(2, 5)}"
            opening, closing = self.rng.choice(
                [
                    ("{{% inset %}}", "{{% /inset %}}"),
                    ("{{< inset >}}", "{{< /inset >}}"),
                    ("{{%inset%}}", "{{% /inset %}}"),
                ]
            )
            text = f"{opening}\n{body}\n{closing}"
            return ExpectedBlock(hugo.INSET, body, 0), text
        body = self.sentence()
        attribution = ""
        choice = self.rng.random()
        if choice < 0.25:
            attribution = 'Aman "the editor"'
            opening = '{{< pullquote attribution="Aman \\"the editor\\"" >}}'
        elif choice < 0.4:
            attribution = "A county clerk"
            opening = "{{% pullquote attribution=`A county clerk` %}}"
        else:
            opening = self.rng.choice(["{{< pullquote >}}", "{{<pullquote >}}", "{{< pullquote>}}"])
        closing = self.rng.choice(["{{< /pullquote >}}", "{{</pullquote>}}"])
        if opening.startswith("{{%"):
            closing = "{{% /pullquote %}}"
        if self.rng.random() < 0.3:
            text = f"{opening}{body}{closing}"  # all on one line
        else:
            text = f"{opening}\n{body}\n{closing}"
        return ExpectedBlock(hugo.PULLQUOTE, body, 0, attribution), text

    def gap(self):
        return self.rng.choice(["\n\n", "\n\n", "\n\n\n", "\n"])

    def text_with_blocks(self, chunks, definitions, spots):
        """Chunks with a block after each chunk index in `spots`; returns (text, blocks).
        Around a shortcode the spacing varies; between two chunks it is one blank line."""
        pieces, blocks = [], []  # (is_shortcode, text)
        for index in range(len(chunks) + 1):
            for _ in range(spots.count(index)):
                block, text = self.block()
                block.after_paragraph = index
                blocks.append(block)
                pieces.append((True, text))
            if index < len(chunks):
                pieces.append((False, chunks[index]))
        pieces.extend((False, definition) for definition in definitions)
        text = ""
        for previous, current in zip([None, *pieces], pieces, strict=False):
            if previous is not None:
                text += self.gap() if previous[0] or current[0] else "\n\n"
            text += current[1]
        return text, blocks

    def spots(self, count, lowest=0):
        if count < lowest:
            return []
        return [self.rng.randint(lowest, count) for _ in range(self.rng.choice([0, 0, 1, 2]))]

    # Whole sections and essays.

    def heading_line(self, level, heading):
        style = self.rng.random()
        if style < 0.2:
            return f"{'#' * level}   {heading}   {'#' * self.rng.randint(1, 3)}"
        if style < 0.3:
            # Indented by one space: more could make it part of a list just before it.
            return f" {'#' * level} {heading}"
        return f"{'#' * level} {heading}"

    def section(self, number):
        heading = f"{self.words(1, 4).capitalize()} {number}"
        if self.rng.random() < 0.1:
            heading += " in C#"
        level = self.rng.randint(1, 6)
        line = self.heading_line(level, heading)
        after_heading = self.rng.choice(["\n\n", "\n"])
        if self.rng.random() < 0.35:
            return self.placeholder(heading, level, line, after_heading)
        chunks, definitions = self.chunks(0, 4)
        text, blocks = self.text_with_blocks(chunks, definitions, self.spots(len(chunks)))
        body = "\n\n".join([*chunks, *definitions])
        expected = ExpectedSection(heading, level, body, blocks=blocks)
        return expected, line + (after_heading + text if text else "")

    def placeholder(self, heading, level, line, after_heading):
        chunks, definitions = self.chunks(0, 2) if self.rng.random() < 0.6 else ([], [])
        text, blocks = self.text_with_blocks(chunks, definitions, self.spots(len(chunks)))
        body = "\n\n".join([*chunks, *definitions])
        if not text:
            content = hugo.MARKER
        elif text.startswith("{{"):
            content = f"{hugo.MARKER}\n\n{text}"
        elif chunks and chunks[0][0].isalpha() and self.rng.random() < 0.3:
            content = f"{hugo.MARKER}  {text}"  # draft text on the marker's own line
        else:
            separator = self.rng.choice(["\n", "\n\n"])
            content = f"{hugo.MARKER}{separator}{text}"
        expected = ExpectedSection(
            heading, level, body, drafting_status=DraftingStatus.PLACEHOLDER, blocks=blocks
        )
        return expected, line + after_heading + content

    def essay(self, number):
        rng = self.rng
        slug = f"essay-{number:02}"
        top_pieces, top_blocks = [], []
        for _ in range(rng.choice([0, 0, 1, 2])):
            block, text = self.block()
            top_blocks.append(block)
            top_pieces.append(text)
        sections, texts = [], []
        if rng.random() < 0.7:
            chunks, definitions = self.chunks(1, 3)
            text, blocks = self.text_with_blocks(chunks, definitions, self.spots(len(chunks), 1))
            sections.append(
                ExpectedSection("", 2, "\n\n".join([*chunks, *definitions]), blocks=blocks)
            )
            texts.append(text)
        for index in range(rng.randint(1, 5)):
            expected, text = self.section(index + 1)
            sections.append(expected)
            texts.append(text)

        # What the text cannot say, civicdata's front matter says.
        notes = []
        for position, section in enumerate(sections, start=1):
            if rng.random() < 0.2:
                entry = {"position": position, "editor_note": f"Check with {rng.choice(AUTHORS)}."}
                section.editor_note = entry["editor_note"]
                if section.drafting_status == DraftingStatus.DRAFTED and rng.random() < 0.5:
                    entry["drafting_status"] = section.drafting_status = "in_progress"
                notes.append(entry)

        front, expected_fields = self.front_matter(number, slug, notes)
        fmt = rng.choice(["yaml", "toml", "json"])
        if fmt == "toml":
            front.pop("params", None)  # TOML has no null
        expected_fields["extra"] = hugo.json_safe(
            {k: v for k, v in front.items() if k in ("tags", "aliases", "lastmod", "params")}
        )
        if "summary" in front and "description" in front:
            expected_fields["extra"]["description"] = front["description"]
        if isinstance(front["date"], datetime.datetime):
            expected_fields["extra"]["date"] = front["date"].isoformat()
        body = "".join(piece + self.gap() for piece in top_pieces) + "\n\n".join(texts)
        return GeneratedEssay(
            slug=slug,
            text=self.front_matter_text(front, fmt) + rng.choice(["\n", "\n\n", ""]) + body + "\n",
            top_blocks=top_blocks,
            sections=sections,
            **expected_fields,
        )

    def front_matter(self, number, slug, notes):
        rng = self.rng
        authors = rng.sample(AUTHORS, rng.randint(1, 3))
        front = {"title": f"Essay {number}: {self.words(2, 6)}"}
        if len(authors) == 1 and rng.random() < 0.7:
            front["author"] = authors[0]
        else:
            front["authors"] = authors
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        front["date"] = day
        if rng.random() < 0.2:  # a date with a time: the time is kept for export
            front["date"] = datetime.datetime(
                day.year, day.month, day.day, 9, 30, tzinfo=datetime.UTC
            )
        front["draft"] = rng.random() < 0.3
        series_slug = settings.CIVICDATA_DEFAULT_SERIES["slug"]
        choice = rng.random()
        if choice < 0.3:
            front["series"], series_slug = "Open data in practice", "open-data-in-practice"
        elif choice < 0.45:
            front["series"], series_slug = ["Counting people"], "counting-people"
        weight = None
        if rng.random() < 0.8:
            front["weight"] = weight = 100 + number
        summary = ""
        if rng.random() < 0.5:
            front["summary"] = summary = self.sentence()
        if rng.random() < 0.4:
            front["description"] = self.sentence()
            summary = summary or front["description"]
        if rng.random() < 0.5:
            front["tags"] = ["data", self.rng.choice(WORDS)]
        if rng.random() < 0.3:
            front["aliases"] = [f"/old/{slug}/"]
        if rng.random() < 0.3:
            front["lastmod"] = day + datetime.timedelta(days=3)
        if rng.random() < 0.3:
            front["params"] = {"nested": {"values": [1, 2.5, True, None], "label": "x"}}
        if notes:
            front["civicdata"] = {"sections": notes}
        keys = list(front)
        rng.shuffle(keys)
        front = {key: front[key] for key in ["title", *[k for k in keys if k != "title"]]}
        return front, {
            "authors": authors,
            "series_slug": series_slug,
            "weight": weight,
            "draft": front["draft"],
            "summary": summary,
            "date": day,
        }

    @staticmethod
    def front_matter_text(front, fmt):
        if fmt == "toml":
            return "+++\n" + tomli_w.dumps(front) + "+++\n"
        if fmt == "json":
            return json.dumps(front, indent=2, default=str) + "\n"
        return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"


def generate_site(folder, *, seed=20220224, count=24):
    generator = EssayGenerator(seed, count)
    essays = [generator.essay(number) for number in range(count)]
    folder.mkdir(parents=True, exist_ok=True)
    for essay in essays:
        (folder / f"{essay.slug}.md").write_text(essay.text, encoding="utf-8")
    return essays


def block_rows(blocks):
    return [(b.body, b.after_paragraph, getattr(b, "attribution", "")) for b in blocks]


def expected_rows(blocks, kind):
    return [(b.body, b.after_paragraph, b.attribution) for b in blocks if b.kind == kind]


def assert_imported_as_generated(generated: GeneratedEssay):
    essay = Essay.objects.get(slug=generated.slug)
    assert [b.author.name for b in essay.bylines.order_by("position")] == generated.authors
    assert essay.series.slug == generated.series_slug
    if generated.weight is not None:
        assert essay.series_position == generated.weight
    assert (essay.status == "draft") == generated.draft
    assert essay.summary == generated.summary
    assert essay.date == generated.date
    assert essay.front_matter_extra == generated.extra
    sections = list(essay.sections.order_by("position"))
    assert [
        (s.heading, s.heading_level if s.heading else 2, s.body, s.drafting_status, s.editor_note)
        for s in sections
    ] == [
        (s.heading, s.heading_level, s.body, s.drafting_status, s.editor_note)
        for s in generated.sections
    ]
    for kind, model in ((hugo.INSET, Inset), (hugo.PULLQUOTE, Pullquote)):
        top = model.objects.filter(essay=essay, section=None).order_by("pk")
        assert block_rows(top) == expected_rows(generated.top_blocks, kind)
        for section, expected in zip(sections, generated.sections, strict=True):
            placed = model.objects.filter(section=section).order_by("pk")
            assert block_rows(placed) == expected_rows(expected.blocks, kind), section.heading


# --- The round trip ----------------------------------------------------------------------------


def test_sample_round_trip_is_byte_for_byte(tmp_path):
    assert not run_import(SAMPLE).failed
    run_export(tmp_path / "first")
    exported = tmp_path / "first" / "essays" / SAMPLE.name
    assert exported.read_bytes() == SAMPLE.read_bytes()

    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    run_export(tmp_path / "second")
    assert_same_tree(tmp_path / "first", tmp_path / "second")


def test_generated_essays_import_as_written(tmp_path):
    generated = generate_site(tmp_path / "site" / "essays")
    result = run_import(tmp_path / "site")
    assert not result.failed, result.err
    assert f"created {len(generated)}, updated 0, unchanged 0, failed 0" in result.out
    for essay in generated:
        assert_imported_as_generated(essay)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_essays_round_trip(tmp_path, seed):
    generated = generate_site(tmp_path / "site" / "essays", seed=seed)
    assert not run_import(tmp_path / "site", SAMPLE).failed
    run_export(tmp_path / "first")
    for essay in generated:  # nobody edited them: the files come back as they were
        exported = (tmp_path / "first" / "essays" / f"{essay.slug}.md").read_text()
        assert exported == essay.text

    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    run_export(tmp_path / "second")
    assert_same_tree(tmp_path / "first", tmp_path / "second")


@pytest.mark.parametrize("seed", [4, 5])
def test_canonical_export_is_a_fixed_point(tmp_path, seed):
    """Import the canonical export of every essay into an empty database: its canonical
    export is the same text, and so is serialize(parse(text)) without the database."""
    generate_site(tmp_path / "site" / "essays", seed=seed)
    assert not run_import(tmp_path / "site", SAMPLE).failed
    canonical = {essay.slug: canonical_text(essay) for essay in Essay.objects.all()}
    for slug, text in canonical.items():
        assert hugo.serialize_essay(hugo.parse_document(text, default_slug=slug)) == text

    empty_the_database()
    folder = tmp_path / "canonical" / "essays"
    folder.mkdir(parents=True)
    for slug, text in canonical.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    assert not run_import(folder).failed
    assert {essay.slug: canonical_text(essay) for essay in Essay.objects.all()} == canonical


def test_edited_essay_round_trips_through_its_canonical_form(tmp_path):
    assert not run_import(SAMPLE).failed
    essay = Essay.objects.get()
    section = essay.sections.get(heading="Multiple teams collaborating")
    section.body = "A rewritten first paragraph.\n\n" + section.body
    section.save()
    render_essay(essay)

    run_export(tmp_path / "first")
    first = (tmp_path / "first" / "essays" / SAMPLE.name).read_text()
    assert first != SAMPLE.read_text()
    assert "##### Multiple teams collaborating\n\nA rewritten first paragraph.\n\n" in first
    assert first == canonical_text(essay)

    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    assert canonical_text(Essay.objects.get()) == first  # stable, not drifting
    run_export(tmp_path / "second")
    assert_same_tree(tmp_path / "first", tmp_path / "second")


def essay_with_every_awkward_part():
    """An essay as an editor could leave it in the admin, with what a file cannot say directly."""
    series = SeriesFactory(title="Field notes", slug="field-notes")
    essay = EssayFactory(
        slug="awkward",
        series=series,
        series_position=7,
        summary="",
        announced=True,
        front_matter_format="toml",
        front_matter_extra={
            "description": "Kept apart from the (empty) summary.",
            "date": "2022-02-24T09:30:00+02:00",
            "params": {"empty": None, "list": [1, None, "x"]},
            "tags": ["a", "b"],
        },
    )
    for position, name in enumerate(["Bea Ortiz", "Aman", "Chen Li"], start=1):
        BylineFactory(essay=essay, author=AuthorFactory(name=name), position=position)
    opening = SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body="\r\n\r\nOpening text with Windows line ends.\r\nSecond line.  \r\n\r\n",
    )
    in_progress = SectionFactory(
        essay=essay,
        position=4,
        heading="Numbers ending in #",
        heading_level=3,
        body="Placeholder. is how this drafted section happens to start.\n\n* a\n* b",
        drafting_status=DraftingStatus.IN_PROGRESS,
        editor_note="Two lines\nof notes.",
    )
    placeholder = SectionFactory(
        essay=essay,
        position=9,
        heading="Still to write",
        heading_level=6,
        body="Draft text.\n\nMore draft.",
        drafting_status=DraftingStatus.PLACEHOLDER,
    )
    drafted = SectionFactory(
        essay=essay, position=12, heading="Plain", body="```\n# code\n```\n\nAfter the code."
    )
    PullquoteFactory(essay=essay, section=None, body="A top pullquote.", attribution='A "B" \\ C')
    InsetFactory(essay=essay, section=opening, after_paragraph=0, body="Lead:\n* x")
    PullquoteFactory(essay=essay, section=opening, after_paragraph=1, body="After the opening.")
    InsetFactory(essay=essay, section=in_progress, after_paragraph=1, body="* between")
    PullquoteFactory(essay=essay, section=in_progress, after_paragraph=1, body="Also between.")
    InsetFactory(essay=essay, section=placeholder, after_paragraph=0, body="* under the marker")
    PullquoteFactory(essay=essay, section=drafted, after_paragraph=99, body="At the very end.")
    render_essay(essay)
    return essay


def test_essay_edited_in_the_admin_round_trips(tmp_path):
    essay = essay_with_every_awkward_part()
    first = canonical_text(essay)
    for expected in (
        "+++\n",
        "date = 2022-02-24 09:30:00+02:00\n",
        'summary = ""\n',
        "[civicdata]\nannounced = true\n",
        "### Numbers ending in # #\n",
        "###### Still to write\n\nPlaceholder.\n\n{{% inset %}}\n* under the marker\n",
        '{{< pullquote attribution="A \\"B\\" \\\\ C" >}}',
        "After the code.\n\n{{< pullquote >}}\nAt the very end.\n{{< /pullquote >}}\n",
    ):
        assert expected in first
    assert "\r" not in first

    run_export(tmp_path / "first")
    assert (tmp_path / "first" / "essays" / "awkward.md").read_text() == first
    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    again = Essay.objects.get(slug="awkward")
    assert canonical_text(again) == first
    assert again.announced is True
    assert again.date == datetime.date(2022, 2, 24)
    sections = list(again.sections.order_by("position"))
    assert [s.drafting_status for s in sections] == [
        DraftingStatus.DRAFTED,
        DraftingStatus.IN_PROGRESS,
        DraftingStatus.PLACEHOLDER,
        DraftingStatus.DRAFTED,
    ]
    assert sections[1].body.startswith("Placeholder. is how")
    assert sections[1].editor_note == "Two lines\nof notes."
    # The inset at the start of the opening is written above its text, so it reads back as a
    # block at the very top, after the top pullquote's inset-first ordering.
    assert Inset.objects.filter(essay=again, section=None).count() == 1
    run_export(tmp_path / "second")
    assert_same_tree(tmp_path / "first", tmp_path / "second")


def test_empty_opening_with_a_note_survives_the_round_trip(tmp_path):
    essay = EssayFactory(slug="empty-opening", summary="")
    SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body="",
        drafting_status=DraftingStatus.IN_PROGRESS,
        editor_note="Write an opening.",
    )
    SectionFactory(essay=essay, position=2, heading="First", body="Text.")
    render_essay(essay)
    first = canonical_text(essay)
    assert "empty_opening: true" in first

    run_export(tmp_path / "first")
    empty_the_database()
    assert not run_import(tmp_path / "first").failed
    opening = Essay.objects.get().sections.get(position=1)
    assert (opening.heading, opening.body, opening.editor_note) == ("", "", "Write an opening.")
    assert opening.drafting_status == DraftingStatus.IN_PROGRESS
    assert canonical_text(Essay.objects.get()) == first


def test_two_exports_of_the_same_database_are_identical(tmp_path):
    generate_site(tmp_path / "site" / "essays", count=6)
    assert not run_import(tmp_path / "site").failed
    run_export(tmp_path / "a")
    run_export(tmp_path / "b")
    comparison = filecmp.dircmp(tmp_path / "a" / "essays", tmp_path / "b" / "essays")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
