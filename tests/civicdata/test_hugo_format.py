"""The Hugo file format on its own: parsing text into documents and writing them back."""

import datetime
from dataclasses import replace

import pytest

from civicdata import hugo
from civicdata.hugo import HugoError, parse_document, parse_essay_body, serialize_essay


def essay(body, front="title: T\ndate: 2023-01-02\n"):
    return parse_document(f"---\n{front}---\n\n{body}", default_slug="t")


def assert_canonical_fixed_point(text):
    """serialize(parse(text)) is canonical; parsing and writing that again changes nothing."""
    canonical = serialize_essay(parse_document(text, default_slug="t"))
    assert serialize_essay(parse_document(canonical, default_slug="t")) == canonical
    return canonical


# --- Front matter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("---\ntitle: T\ndate: 2023-01-02\n---\n\nBody.\n", "yaml"),
        ("--- \ntitle: T\ndate: 2023-01-02\n---  \n\nBody.\n", "yaml"),
        ('+++\ntitle = "T"\ndate = 2023-01-02\n+++\n\nBody.\n', "toml"),
        ('{"title": "T", "date": "2023-01-02"}\n\nBody.\n', "json"),
        ("\ufeff---\r\ntitle: T\r\ndate: 2023-01-02\r\n---\r\n\r\nBody.\r\n", "yaml"),
    ],
)
def test_front_matter_formats(text, fmt):
    doc = parse_document(text, default_slug="t")
    assert (doc.title, doc.date, doc.front_matter_format) == ("T", datetime.date(2023, 1, 2), fmt)
    assert doc.sections[0].body == "Body."


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"])
def test_a_character_yaml_reads_as_a_line_break_is_written_so_it_reads_back(character):
    document = essay("Body.\n")
    document = replace(document, title=f"Data{character}work", summary=f"{character}")
    written = serialize_essay(document)
    assert parse_document(written, default_slug="t") == document


def test_yaml_refuses_anchors_and_aliases():
    with pytest.raises(HugoError, match="anchors and aliases are not allowed") as caught:
        hugo.split_front_matter("---\ntitle: T\nbase: &base {a: 1}\ncopy: *base\n---\n")
    assert caught.value.line == 3
    with pytest.raises(HugoError, match="anchors and aliases"):
        hugo.split_front_matter("---\ntitle: &t T\n---\n")


def test_yaml_refuses_object_tags():
    with pytest.raises(HugoError, match="invalid YAML"):
        hugo.split_front_matter("---\nx: !!python/object/apply:os.system ['true']\n---\n")


def test_body_line_is_where_the_body_starts():
    assert hugo.split_front_matter("---\na: 1\nb: 2\n---\nBody").body_line == 5
    assert hugo.split_front_matter('{"a": 1,\n "b": 2}\nBody').body_line == 2


def test_unknown_fields_are_kept_json_safe():
    doc = essay(
        "Text.",
        "title: T\ndate: 2023-01-02\nlastmod: 2023-01-03T04:05:06Z\ntags: [a]\n"
        "summary: S\ndescription: D\nparams: {when: 2023-01-01, n: 1.5}\n",
    )
    assert doc.summary == "S"
    assert doc.extra == {
        "lastmod": "2023-01-03T04:05:06+00:00",
        "tags": ["a"],
        "description": "D",
        "params": {"when": "2023-01-01", "n": 1.5},
    }


def test_description_is_the_summary_when_there_is_none():
    doc = essay("Text.", "title: T\ndate: 2023-01-02\ndescription: D\n")
    assert (doc.summary, doc.extra) == ("D", {})


def test_a_date_with_a_time_is_kept_whole():
    doc = essay("Text.", "title: T\ndate: 2023-01-02T10:00:00+02:00\n")
    assert doc.date == datetime.datetime.fromisoformat("2023-01-02T10:00:00+02:00")


def test_weight_zero_is_no_weight_as_in_hugo():
    assert essay("Text.", "title: T\ndate: 2023-01-02\nweight: 0\n").weight is None


def test_slug_defaults_to_the_file_name_and_must_be_a_slug():
    assert essay("Text.").slug == "t"
    assert essay("Text.", "title: T\ndate: 2023-01-02\nslug: my-slug\n").slug == "my-slug"
    with pytest.raises(HugoError, match="a slug is lowercase"):
        parse_document("---\ntitle: T\ndate: 2023-01-02\n---\n", default_slug="no spaces")


def test_json_safe():
    assert hugo.json_safe({"d": datetime.date(2023, 1, 2), "t": (1, "x")}) == {
        "d": "2023-01-02",
        "t": [1, "x"],
    }
    with pytest.raises(HugoError, match="not a number"):
        hugo.json_safe(float("inf"))
    with pytest.raises(HugoError, match="not a string"):
        hugo.json_safe({1: "x"})
    with pytest.raises(HugoError, match="set is not supported"):
        hugo.json_safe({"s"})


# --- Shortcodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "{{< pullquote >}}\nQuoted.\n{{< /pullquote >}}",
        "{{<pullquote >}}\nQuoted.\n{{< /pullquote >}}",
        "{{<pullquote>}}Quoted.{{</pullquote>}}",
        "{{%   pullquote   %}}\n\nQuoted.\n\n{{%/pullquote%}}",
        "{{< pullquote >}}Quoted.\n{{< /pullquote >}}",
    ],
)
def test_shortcode_spacing_and_delimiters(written):
    doc = essay(f"Before.\n\n{written}\n\nAfter.")
    (block,) = doc.sections[0].blocks
    assert (block.kind, block.body, block.after_paragraph) == (hugo.PULLQUOTE, "Quoted.", 1)
    assert doc.sections[0].body == "Before.\n\nAfter."


@pytest.mark.parametrize(
    ("tag", "attribution"),
    [
        ('{{< pullquote attribution="Aman" >}}', "Aman"),
        ('{{< pullquote attribution = "A \\"quoted\\" \\\\ name" >}}', 'A "quoted" \\ name'),
        ("{{% pullquote attribution=`raw \\n` %}}", "raw \\n"),
    ],
)
def test_pullquote_attribution(tag, attribution):
    closing = "{{% /pullquote %}}" if tag.startswith("{{%") else "{{< /pullquote >}}"
    (block,) = essay(f"{tag}Q{closing}").top_blocks
    assert block.attribution == attribution
    canonical = serialize_essay(essay(f"{tag}Q{closing}"))
    assert essay(canonical.split("---\n", 2)[2]).top_blocks[0].attribution == attribution


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("{{% inset %}}\n* a", 6, "'inset' is never closed"),
        ("Text.\n\n{{% /inset %}}", 8, "with no opening tag"),
        ("{{< pullquote >}}\n{{< pullquote >}}", 7, "cannot be nested"),
        ("{{< inset >}}\n{{< /pullquote >}}", 7, "while 'inset' (line 6) is open"),
        ('{{< ref "x.md" >}}', 6, "unknown shortcode 'ref'"),
        ('{{< inset class="x" >}}\n{{< /inset >}}', 6, "unknown parameter 'class' for 'inset'"),
        ('{{< pullquote attribution="a" attribution="b" >}}', 6, "given twice"),
        ('{{< pullquote >}}Q{{< /pullquote attribution="x" >}}', 6, "takes no parameters"),
        ("{{< pullquote />}}", 6, "self-closing"),
        ("{{< pullquote %}}Q{{% /pullquote %}}", 6, "mixes"),
        ("Text {{< pullquote", 6, "not closed with"),
        ("## Head {{< pullquote >}}Q{{< /pullquote >}}", 6, "heading's line"),
    ],
)
def test_shortcode_errors_name_the_line(body, line, message):
    with pytest.raises(HugoError) as caught:
        essay(body)
    assert message in caught.value.message
    assert caught.value.line == line


# --- Sections ------------------------------------------------------------------------------------


def test_headings_of_every_level_start_sections():
    doc = essay("Opening.\n\n# One\n\nA.\n\n###### Six #####\nB.\n\n### Three\n")
    assert [(s.heading, s.heading_level, s.body) for s in doc.sections] == [
        ("", 2, "Opening."),
        ("One", 1, "A."),
        ("Six", 6, "B."),
        ("Three", 3, ""),
    ]


def test_headings_in_code_lists_quotes_and_setext_are_text():
    body = (
        "```\n# not a heading\n```\n\n~~~\n## nor this\n~~~\n\n    # indented code\n\n"
        "* item\n\n  # in the item\n\n> # quoted\n\nSetext\n======"
    )
    doc = essay(body)
    assert len(doc.sections) == 1
    assert doc.sections[0].body == body


def test_no_opening_section_without_opening_text():
    doc = essay("\n\n## First\n\nText.")
    assert [s.heading for s in doc.sections] == ["First"]


def test_placeholder_keeps_whatever_follows_the_marker():
    doc = essay(
        "## A\nPlaceholder.\n\n## B\n\nPlaceholder.  Notes on its line.\n\n"
        "## C\nPlaceholder.\nDraft text\ngoes on.\n\nMore draft.\n\n## D\n\nNot a Placeholder."
    )
    assert [(s.heading, s.drafting_status, s.body) for s in doc.sections] == [
        ("A", "placeholder", ""),
        ("B", "placeholder", "Notes on its line."),
        ("C", "placeholder", "Draft text\ngoes on.\n\nMore draft."),
        ("D", "drafted", "Not a Placeholder."),
    ]


def test_trailing_spaces_inside_lines_are_kept():
    doc = essay("Line one  \nline two \n\n\n\nNext. \n\n\n")
    # Only the blank lines around a section's text go; the text itself is kept as written.
    assert doc.sections[0].body == "Line one  \nline two \n\n\n\nNext. "


# --- Placement -----------------------------------------------------------------------------------


def test_blocks_before_the_opening_text_are_at_the_top():
    doc = essay(
        "{{% inset %}}\n* a\n{{% /inset %}}\n{{< pullquote >}}Q{{< /pullquote >}}\n\nOpening."
    )
    assert [b.kind for b in doc.top_blocks] == ["inset", "pullquote"]
    assert doc.sections[0].blocks == []


def test_blocks_before_the_first_heading_without_opening_text_are_at_the_top():
    doc = essay("{{% inset %}}\n* a\n{{% /inset %}}\n\n## First\n\nText.")
    assert len(doc.top_blocks) == 1
    assert [s.heading for s in doc.sections] == ["First"]


@pytest.mark.parametrize(
    ("before", "count"),
    [
        ("", 0),
        ("One.", 1),
        ("One.\n\nTwo.", 2),
        ("* a\n* b\n\n* loose", 1),
        ("Para.\n* list right after", 2),
        ("```\n# code\n\n\nmore\n```", 1),
        ("Note.[^1]\n\n[^1]: A footnote.", 1),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\n> quote", 2),
    ],
)
def test_after_paragraph_counts_top_level_blocks(before, count):
    doc = essay(f"## S\n\n{before}\n\n{{{{< pullquote >}}}}Q{{{{< /pullquote >}}}}\n\nLast.")
    assert doc.sections[0].blocks[0].after_paragraph == count


def test_blocks_in_a_placeholder_count_its_draft_text():
    doc = essay("## S\n\nPlaceholder.\n\n{{% inset %}}\n* a\n{{% /inset %}}\n\nDraft.")
    section = doc.sections[0]
    assert (section.drafting_status, section.body) == ("placeholder", "Draft.")
    assert section.blocks[0].after_paragraph == 0


# --- Writing -------------------------------------------------------------------------------------


def test_the_sample_shape_is_written_canonically():
    text = (
        "---\ntitle: T\ndate: 2023-01-02\n---\n\n{{% inset %}}\nLead: \n* a\n{{% /inset %}}\n\n"
        "One.\n\nTwo. \n\n{{<pullquote >}}\nQ. \n{{< /pullquote >}}\n\n##### H\nPlaceholder.\n"
        '"Draft" text.\n\n##### Empty\nPlaceholder.\n\n\n'
    )
    assert assert_canonical_fixed_point(text) == (
        "---\ntitle: T\ndate: 2023-01-02\ndraft: false\n---\n\n{{% inset %}}\nLead: \n* a\n"
        "{{% /inset %}}\n\nOne.\n\nTwo. \n\n{{< pullquote >}}\nQ. \n{{< /pullquote >}}\n\n"
        '##### H\n\nPlaceholder.\n"Draft" text.\n\n##### Empty\n\nPlaceholder.\n'
    )


def test_a_heading_that_ends_in_hashes_keeps_them():
    doc = essay("## Count the # #\n\nText.")
    assert doc.sections[0].heading == "Count the #"
    canonical = assert_canonical_fixed_point(serialize_essay(doc))
    assert "## Count the # #\n" in canonical
    assert parse_document(canonical, default_slug="t").sections[0].heading == "Count the #"


def test_a_drafted_section_starting_with_the_marker_says_so_in_civicdata():
    doc = essay("## S\n\nText.")
    doc.sections[0].body = "Placeholder. is just how this one starts."
    canonical = serialize_essay(doc)
    assert "drafting_status: drafted" in canonical
    again = parse_document(canonical, default_slug="t")
    assert again.sections[0].drafting_status == "drafted"
    assert again.sections[0].body == "Placeholder. is just how this one starts."
    assert serialize_essay(again) == canonical


def test_an_empty_opening_with_a_note_is_kept():
    doc = essay("## S\n\nText.")
    doc.sections.insert(0, hugo.Section(heading="", body="", editor_note="Write me."))
    canonical = serialize_essay(doc)
    again = parse_document(canonical, default_slug="t")
    assert [(s.heading, s.editor_note) for s in again.sections] == [("", "Write me."), ("S", "")]
    assert serialize_essay(again) == canonical


def test_an_empty_opening_with_nothing_to_keep_is_left_out():
    doc = essay("## S\n\nText.")
    doc.sections.insert(0, hugo.Section(heading="", body="\n\n"))
    assert [s.heading for s in parse_document(serialize_essay(doc), default_slug="t").sections] == [
        "S"
    ]


def test_blocks_at_one_spot_are_written_insets_first():
    doc = essay("One.\n\nTwo.")
    doc.sections[0].blocks = [
        hugo.Block(hugo.PULLQUOTE, "Q", 1),
        hugo.Block(hugo.INSET, "* i", 1),
        hugo.Block(hugo.PULLQUOTE, "Last", 7),
    ]
    body = serialize_essay(doc).split("---\n", 2)[2]
    assert body == (
        "\nOne.\n\n{{% inset %}}\n* i\n{{% /inset %}}\n\n{{< pullquote >}}\nQ\n"
        "{{< /pullquote >}}\n\nTwo.\n\n{{< pullquote >}}\nLast\n{{< /pullquote >}}\n"
    )


def test_toml_front_matter_drops_nulls():
    doc = essay("Text.", "title: T\ndate: 2023-01-02\nparams: {a: null, b: [1, null]}\n")
    doc.front_matter_format = "toml"
    canonical = serialize_essay(doc)
    assert "[params]\nb = [\n    1,\n]\n" in canonical
    assert serialize_essay(parse_document(canonical, default_slug="t")) == canonical


@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_every_format_is_a_fixed_point(fmt):
    doc = essay(
        "{{% inset %}}\n* a\n{{% /inset %}}\n\nOpen.\n\n## S\n\nPlaceholder.\n\n## T\n\nText.",
        "title: 'Quotes \" and: colons'\ndate: 2023-01-02T10:00:00Z\nauthors: [A, B]\n"
        "series: X\nweight: 4\nsummary: ''\ndescription: D\n"
        "civicdata: {announced: true, sections: [{position: 3, drafting_status: in_progress}]}\n",
    )
    doc.front_matter_format = fmt
    canonical = serialize_essay(doc)
    again = parse_document(canonical, default_slug="t")
    assert again == doc
    assert serialize_essay(again) == canonical


def test_parse_essay_body_without_front_matter_uses_file_lines():
    with pytest.raises(HugoError) as caught:
        parse_essay_body("Text.\n\n{{% inset %}}", first_line=10)
    assert caught.value.line == 12
