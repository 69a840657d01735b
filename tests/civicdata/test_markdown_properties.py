"""Property-based tests of the Markdown renderer: whatever an author (or an attacker with an
author's account) types, readers get only allow-listed HTML."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicdata.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    render,
    render_markdown,
)

# Pieces of Markdown and HTML that have broken sanitizers before, glued together at random with
# arbitrary text between them.
HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example>",
    "<a href=javascript:alert(1)>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<a href=' data:text/html,<script>alert(1)</script>'>x</a>",
    '<p style="background:url(javascript:alert(1))" onclick="x()">',
    "<math><mi xlink:href=javascript:alert(1)>",
    "<style>*{}</style>",
    "<form action=/x><input name=a>",
    "<!-- a comment -->",
    "<![CDATA[ x ]]>",
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    "[link](data:text/html;base64,PHNjcmlwdD4=)",
    "[link](vbscript:msgbox(1))",
    "![image](data:image/svg+xml,<svg onload=alert(1)>)",
    '![image](javascript:alert(1) "title")',
    "<javascript:alert(1)>",
    "<https://example.org/a>",
    "www.example.org",
    "mailto:someone@example.org",
    "[^1]",
    "[^1]: a footnote",
    "| a | b |\n|:-|-:|\n| c | d |",
    "```html\n<script>x</script>\n```",
    "    indented code",
    "> a quote",
    "- item",
    "1. item",
    "# heading",
    "***",
    "*emphasis*",
    "~~struck~~",
    "`code`",
    "\\",
    "&amp;",
    "&#0;",
    "\x00",
    "\u2028",
    "\n",
    "\n\n",
    '"',
    "'",
    "<",
    ">",
    "](",
    ")",
]

hostile_markdown = st.lists(
    st.sampled_from(HOSTILE_FRAGMENTS) | st.text(max_size=8), max_size=30
).map("".join)
any_markdown = st.text(max_size=300) | hostile_markdown

ATTRIBUTES = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
for tag in ALLOWED_CLASSES:
    ATTRIBUTES.setdefault(tag, set()).add("class")
ATTRIBUTES.setdefault("a", set()).add("rel")  # nh3 sets rel="noopener noreferrer" itself
URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class _Inventory(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser would read them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_sanitized(html):
    inventory = _Inventory()
    inventory.feed(html)
    inventory.close()
    for tag, attrs in inventory.elements:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in {html!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name in ATTRIBUTES.get(tag, set()), f"<{tag} {name}> in {html!r}"
            if name == "class":
                assert set((value or "").split()) <= ALLOWED_CLASSES[tag], html
            if name in URL_ATTRIBUTES:
                # What a browser reads: it drops ASCII whitespace and control characters first.
                url = re.sub(r"[\x00-\x20]", "", value or "")
                scheme = _SCHEME.match(url)
                assert scheme is None or scheme.group(1).lower() in ALLOWED_URL_SCHEMES, (
                    f"{name}={value!r} in {html!r}"
                )


@given(text=any_markdown)
def test_whatever_an_author_types_readers_get_only_allow_listed_html(text):
    rendered = render(text, resolve_image=None)
    for block in rendered.blocks:
        assert_sanitized(block)
    assert_sanitized(rendered.footnotes)


@given(text=any_markdown)
def test_the_block_count_places_insets_where_the_renderer_cuts(text):
    from civicdata.markdown import top_level_block_ends

    assert len(top_level_block_ends(text)) == len(render(text, resolve_image=None).blocks)


@pytest.mark.django_db
@given(text=any_markdown)
def test_the_admin_preview_of_anything_is_sanitized(text):
    assert_sanitized(render_markdown(text))
