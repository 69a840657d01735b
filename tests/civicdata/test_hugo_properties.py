"""Property-based tests of the Hugo format: any file either reads as a document or is refused
with a HugoError (a message and a line for import_hugo to report), and any essay civicdata can
hold writes out and reads back the same, on its own and through the database."""

import datetime
import json
import string
from dataclasses import replace

import pytest
import tomli_w
import yaml
from django.db import transaction
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from civicdata import hugo
from civicdata.hugo import (
    Block,
    CaseStudyDocument,
    EssayDocument,
    HugoError,
    Section,
    parse_document,
    serialize_essay,
)
from civicdata.hugo_sync import canonical_text, save_essay
from civicdata.markdown import top_level_block_ends
from civicdata.publishing import FrontMatterFormat

# --- Any file ----------------------------------------------------------------------------------

FRONT_MATTER_KEYS = [
    *sorted(hugo.ESSAY_KEYS | hugo.CASE_STUDY_KEYS),
    "description",
    "type",
    "aliases",
    "pubdate",
    "PublishDate",
    "unpublishdate",
    "tags",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates().map(str)
    | st.sampled_from(["portfolio", "in_review", "placeholder", "pilot", "2023-01-02", "a-slug"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["position", "status", "sections", "organization", "name", "limitations"]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
front_matter_data = st.dictionaries(
    st.sampled_from(FRONT_MATTER_KEYS) | st.text(max_size=10), json_values, max_size=8
)

BODY_FRAGMENTS = [
    "{{% inset %}}",
    "{{% /inset %}}",
    "{{< pullquote >}}",
    '{{< pullquote attribution="A \\"B\\"" >}}',
    "{{< pullquote attribution=`x` >}}",
    "{{< /pullquote >}}",
    "{{< inset />}}",
    "{{< unknown >}}",
    "{{% inset %}",
    "{{<",
    "{{%",
    ">}}",
    "Placeholder.",
    "# ",
    "## Heading",
    "##### ",
    "###### #",
    "```",
    "    ",
    "- ",
    "> ",
    "[^1]: note",
    "<div>",
    "---",
    "+++",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\ufeff",
]
body_text = st.lists(st.sampled_from(BODY_FRAGMENTS) | st.text(max_size=10), max_size=25).map(
    "".join
)


def _dumped(data, fmt):
    """`data` written as front matter of the given format (TOML cannot hold null: left out)."""
    if fmt == "yaml":
        return "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"
    if fmt == "json":
        return json.dumps(data) + "\n"
    return "+++\n" + tomli_w.dumps(hugo._without_nulls(data)) + "+++\n"


@st.composite
def hugo_files(draw):
    data = draw(front_matter_data)
    if draw(st.booleans()):  # usually a file that gets past the first required fields
        data.setdefault("title", draw(st.text(min_size=1, max_size=10)))
        data.setdefault("date", "2023-01-02")
    fmt = draw(st.sampled_from(["yaml", "json", "toml"]))
    try:
        front = _dumped(data, fmt)
    except (ValueError, TypeError):  # e.g. nan in JSON or a float TOML cannot write
        front = _dumped({}, fmt)
    return front + draw(body_text)


def assert_read_or_refused(text, **options):
    try:
        document = parse_document(text, default_slug="t", **options)
    except HugoError as error:
        assert error.message
        assert error.line is None or error.line >= 1
    else:
        assert isinstance(document, EssayDocument | CaseStudyDocument)


@given(text=st.text(max_size=400) | body_text, case_study=st.booleans())
def test_any_text_is_a_document_or_a_reported_error(text, case_study):
    assert_read_or_refused(text, case_study=case_study)


@given(text=hugo_files(), case_study=st.booleans())
def test_any_front_matter_and_body_are_a_document_or_a_reported_error(text, case_study):
    assert_read_or_refused(text, case_study=case_study)


# --- Any essay civicdata can hold --------------------------------------------------------------

WORDS = ["data", "civil", "society", "partners", "survey", "trust", "consent", "map", "Ünïcode"]
word = st.sampled_from(WORDS) | st.text(string.ascii_letters, min_size=1, max_size=8)
sentence = st.lists(word, min_size=1, max_size=8).map(" ".join)
paragraph = st.one_of(
    st.lists(sentence, min_size=1, max_size=3).map(lambda s: ". ".join(s) + "."),
    sentence.map(lambda s: f"*{s}* and `code`"),
    st.lists(sentence, min_size=1, max_size=3).map(lambda s: "\n".join(f"- {i}" for i in s)),
    sentence.map(lambda s: f"> {s}"),
    sentence.map(lambda s: f"```\n{s}\n```"),
    sentence.map(lambda s: f"A link to [{s}](https://example.org/)."),
)
markdown = st.lists(paragraph, max_size=4).map("\n\n".join)
# Free text for what front matter holds: any character a file can carry, leading and trailing
# spaces included (nothing in an essay's fields strips them).
free_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30
)
one_line = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r\n"), max_size=30
)
name = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=20
).map(str.strip)


@st.composite
def blocks(draw, body, *, lowest=0):
    """Insets and pullquotes of a section, in the order the canonical form writes them."""
    count = len(top_level_block_ends(body)) if body else 0
    found = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([hugo.INSET, hugo.PULLQUOTE]))
        found.append(
            Block(
                kind=kind,
                body=draw(markdown),
                after_paragraph=draw(st.integers(min(lowest, count), count)),
                # An attribution is one line: the canonical form writes line breaks as spaces.
                attribution=draw(one_line) if kind == hugo.PULLQUOTE else "",
            )
        )
    return sorted(found, key=lambda b: (b.after_paragraph, hugo._KIND_ORDER[b.kind]))


@st.composite
def sections(draw, *, opening):
    status = draw(st.sampled_from(hugo.DRAFTING_STATUSES))
    body = draw(markdown)
    heading = "" if opening else draw(sentence)
    # A drafted opening with nothing in it is no section; blocks at its very top are the
    # essay's top blocks.
    assume(not (opening and status == hugo.DRAFTED and not body))
    lowest = 1 if opening and status != hugo.PLACEHOLDER else 0
    return Section(
        heading=heading,
        body=body,
        heading_level=2 if opening else draw(st.integers(1, 6)),
        drafting_status=status,
        editor_note=draw(free_text),
        blocks=draw(blocks(body, lowest=lowest)) if body or not lowest else [],
    )


extra_values = st.recursive(
    st.booleans()
    | st.integers(-(2**53), 2**53)
    | free_text
    # PostgreSQL's jsonb keeps numbers as decimals: 1e117 comes back as a 118-digit integer.
    | st.floats(-1e15, 1e15),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.text(string.ascii_lowercase, min_size=1, max_size=6), children, max_size=3
        )
    ),
    max_leaves=6,
)
moments = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2090, 1, 1)
).map(lambda moment: moment.replace(microsecond=0, tzinfo=datetime.UTC))


any_schedule = st.none() | st.dates() | moments


@st.composite
def essays(draw, *, schedule=any_schedule):
    draft = draw(st.booleans())
    publish_at, expire_at = draw(schedule), draw(schedule)
    if publish_at is not None and expire_at is not None:
        assume(hugo._comparable(expire_at) > hugo._comparable(publish_at))
    series = draw(st.none() | sentence)
    assume(series != "civil society data")
    return EssayDocument(
        title=draw(name.filter(bool)),
        slug=draw(st.from_regex(r"[a-z0-9][-a-z0-9_]{0,30}", fullmatch=True)),
        date=draw(st.dates(datetime.date(1990, 1, 1)) | moments),
        draft=draft,
        status=draw(st.sampled_from([None, *hugo.DRAFT_STATUSES])) if draft else None,
        publish_at=publish_at,
        expire_at=expire_at,
        authors=draw(st.lists(name.filter(bool), max_size=3, unique=True)),
        series=series,
        weight=draw(st.none() | st.integers(1, hugo._MAX_INTEGER)),
        summary=draw(free_text),
        announced=draw(st.booleans()),
        top_blocks=draw(blocks("")),
        sections=(
            draw(st.lists(sections(opening=True), max_size=1))
            + draw(st.lists(sections(opening=False), max_size=4))
        ),
        extra=draw(
            st.dictionaries(
                st.from_regex(r"x[a-z_]{0,8}", fullmatch=True), extra_values, max_size=3
            )
        ),
        front_matter_format=draw(st.sampled_from(FrontMatterFormat.values)),
    )


@given(document=essays())
def test_any_essay_written_out_reads_back_the_same(document):
    text = serialize_essay(document)
    assert parse_document(text, default_slug=document.slug) == document
    assert serialize_essay(parse_document(text, default_slug=document.slug)) == text


# The database keeps publication times as moments and texts within their columns' lengths.
stored_essays = essays(schedule=st.none() | moments).filter(
    lambda document: len(document.title) <= 200
)


@pytest.mark.django_db
@settings(max_examples=100)  # each example renders and saves an essay
@given(document=stored_essays)
def test_any_essay_imported_exports_as_it_came_in(document):
    source = serialize_essay(document)
    with transaction.atomic():
        _action, essay = save_essay(document, source=source)
        exported = canonical_text(essay)
        transaction.set_rollback(True)
    # Without a weight, an essay joins the end of its series: its place is written out then.
    expected = replace(document, weight=document.weight or essay.series_position)
    assert parse_document(exported, default_slug=document.slug) == expected


def test_a_nul_character_is_refused_with_its_line_not_left_to_fail_in_the_database():
    with pytest.raises(HugoError, match="NUL character") as caught:
        parse_document("---\ntitle: T\ndate: 2023-01-02\n---\n\nText\x00.\n", default_slug="t")
    assert caught.value.line == 6
