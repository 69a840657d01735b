"""The Markdown renderer: what readers get must be safe HTML, and ordinary Markdown must still
read the way it did on the Hugo site."""

import random
import re
from html.parser import HTMLParser

import pytest

from civicdata.links import ESSAY, InternalTarget
from civicdata.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    count_words,
    internal_targets,
    render,
    top_level_block_ends,
)

# --- An HTML parser based checker: what a browser would see, not what a string contains. ---

_SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text a reader would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, [(name, value), ...])
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        self.elements.append((f"/{tag}", []))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.elements.append(("!--", [("data", data)]))


def collect(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def url_scheme(value):
    """The scheme a browser would see: entities are already decoded by the parser, tabs and
    newlines anywhere are ignored, and leading/trailing controls and spaces are stripped."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def assert_safe(html):
    """The invariants every rendered fragment must meet, whatever the author typed."""
    collector = collect(html)
    for tag, attrs in collector.elements:
        if tag == "!--":
            pytest.fail(f"an HTML comment survived: {html!r}")
        name = tag.lstrip("/")
        assert name in ALLOWED_TAGS, f"<{name}> is not allowed: {html!r}"
        allowed = set(ALLOWED_ATTRIBUTES.get(name, ()))
        if name in ALLOWED_CLASSES:
            allowed.add("class")
        if name == "a":
            allowed.add("rel")
        for attr, value in attrs:
            assert not attr.startswith("on"), f"event handler {attr} survived: {html!r}"
            assert attr != "style", f"style attribute survived: {html!r}"
            assert attr in allowed, f"{attr} is not allowed on <{name}>: {html!r}"
            if attr == "class":
                assert set((value or "").split()) <= ALLOWED_CLASSES[name], html
            if attr in _URL_ATTRIBUTES:
                scheme = url_scheme(value or "")
                assert scheme in (None, *_SAFE_SCHEMES), f"{attr}={value!r} in {html!r}"
    return collector


def rendered_html(text, **kwargs):
    result = render(text, **kwargs)
    for block in result.blocks:
        assert_safe(block)  # each block stands alone in the page, so each must be safe alone
    assert_safe(result.footnotes)
    return result.html


# --- Hostile input. ---

HOSTILE = {
    # <script> in its spellings
    "script": "<script>alert('XSS')</script>",
    "script-upper": "<SCRIPT>alert('XSS')</SCRIPT>",
    "script-mixed-case-src": "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "script-split-by-script": "<scr<script>ipt>alert('XSS')</script>",
    "script-newline-in-tag": "<script\n>alert('XSS')</script\n>",
    "script-inline": "Some text <script>alert('XSS')</script> and more.",
    "script-in-div": "<div><script>alert('XSS')</script></div>",
    "script-with-blank-line": "<script>\nalert('XSS')\n\nalert('XSS')\n</script>",
    "script-in-blockquote": "> <script>alert('XSS')</script>",
    "script-in-template": "<template><script>alert('XSS')</script></template>",
    "svg-script": "<svg><script>alert('XSS')</script></svg>",
    "svg-onload": "<svg/onload=alert('XSS')>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "math-href": "<math href=\"javascript:alert('XSS')\">click</math>",
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS')>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "title-and-lang-on-any-tag": '<div title="x" lang="en"><p title="y">a</p></div>',
    # Event handlers
    "img-onerror": "<img src=x onerror=alert('XSS')>",
    "img-onerror-mixed-case": "<IMG SRC=x OnErRoR=alert('XSS')>",
    "img-onerror-inline": 'Look: <img src="a.png" onerror="alert(1)"> here.',
    "img-onerror-unclosed": "<img src=x onerror=alert('XSS')",
    "body-onload": "<body onload=alert('XSS')>",
    "a-onclick": '<a href="https://example.org" onclick="alert(1)">x</a>',
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>s</summary>x</details>",
    "p-onmouseover": '<p onmouseover="alert(1)">hover</p>',
    "div-slash-onmouseover": "<div/onmouseover='alert(1)'>x</div>",
    "abbr-onmouseover": '<abbr title="x" onmouseover=alert(1)>y</abbr>',
    "input-onfocus": "<input autofocus onfocus=alert(1)>",
    "custom-tag-handler": "<xss onafterscriptexecute=alert(1)>x</xss>",
    # Dangerous schemes in Markdown links, images and reference definitions
    "md-link-javascript": "[x](javascript:alert('XSS'))",
    "md-link-javascript-mixed-case": "[x](JaVaScRiPt:alert('XSS'))",
    "md-link-javascript-angle": "[x](<javascript:alert('XSS')>)",
    "md-autolink-javascript": "<javascript:alert('XSS')>",
    "md-link-vbscript": "[x](vbscript:msgbox('XSS'))",
    "md-link-data": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-image-data-svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "md-image-data-png": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "md-image-javascript": "![x](javascript:alert('XSS'))",
    "md-reference-javascript": "[x][evil]\n\n[evil]: javascript:alert('XSS')",
    "md-reference-data": "[x][evil]\n\n[evil]: <data:text/html,<script>alert(1)</script>>",
    "md-reference-image": "![x][evil]\n\n[evil]: javascript:alert('XSS')",
    # Obfuscated schemes
    "md-link-tab-entity": "[x](jav&#x09;ascript:alert('XSS'))",
    "md-link-decimal-entity": "[x](&#106;avascript:alert('XSS'))",
    "md-link-newline": "[x](java\nscript:alert('XSS'))",
    "md-link-colon-entity": "[x](javascript&colon;alert('XSS'))",
    "html-href-tab-entity": "<a href=\"jav&#x09;ascript:alert('XSS')\">x</a>",
    "html-href-all-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'
    ),
    "html-href-newline": "<a href=\"java\nscript:alert('XSS')\">x</a>",
    "html-href-leading-space": "<a href=\" javascript:alert('XSS')\">x</a>",
    "html-href-leading-control": "<a href=\"&#x01;javascript:alert('XSS')\">x</a>",
    "html-href-colon-entity": "<a href=\"javascript&colon;alert('XSS')\">x</a>",
    "html-href-vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "html-href-data": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "html-img-src-newline": "<img src=\"jav&#x0A;ascript:alert('XSS')\">",
    # Embedding and forms
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe-srcdoc": "<iframe srcdoc=\"<script>alert('XSS')</script>\"></iframe>",
    "object": "<object data=\"javascript:alert('XSS')\"></object>",
    "object-param": "<object><param name=movie value=javascript:alert(1)></object>",
    "embed": "<embed src=\"javascript:alert('XSS')\">",
    "form-button-formaction": (
        '<form action="https://evil.example"><input name=p>'
        "<button formaction=\"javascript:alert('XSS')\">go</button></form>"
    ),
    "textarea": "<textarea><script>alert(1)</script></textarea>",
    "table-background": '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # Styles
    "style-block": "<style>body{background:url(javascript:alert('XSS'))}</style>",
    "style-attribute": "<span style=\"background:url(javascript:alert('XSS'))\">x</span>",
    "style-overlay": '<p style="position:fixed;top:0;left:0;width:100%">overlay</p>',
    "style-on-table-cell": '<table><tr><td style="color:red">x</td></tr></table>',
    # Document-level tags
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "base-href": '<base href="https://evil.example/">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Comments hiding markup
    "comment-around-script": "<!-- --><script>alert('XSS')</script><!-- -->",
    "comment-attribute-trick": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "comment-unclosed": "<!-- unclosed <script>alert('XSS')</script>",
    "comment-inline": "Text <!-- <img src=x onerror=alert(1)> --> after.",
    # Link titles breaking out of attributes
    "title-double-quote": '[t](https://example.org "a\\" onmouseover=\\"alert(\'XSS\')")',
    "title-image": '![t](x.png "\\" onerror=\\"alert(1)")',
    "title-single-quote": "[t](https://example.org 'it\\'s\" onclick=\"alert(1)')",
    # Unclosed and malformed tags
    "a-unclosed": "<a href=\"javascript:alert('XSS')\">unclosed",
    "nested-unclosed": "<div><p>unclosed <b>bold <i>and",
    "img-srcset": '<img src="a.png" srcset="javascript:alert(\'XSS\') 1x, x.png 2x">',
    # Inside tables, lists and footnotes
    "table-cell-img": "| a |\n|---|\n| <img src=x onerror=alert('XSS')> |",
    "table-cell-links": (
        '| [x](javascript:alert(1)) | <a href="javascript:alert(1)">y</a> |\n|---|---|\n| 1 | 2 |'
    ),
    "list-item-img": "- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))",
    "footnote-img": "Note[^1].\n\n[^1]: <img src=x onerror=alert('XSS')> [x](javascript:alert(1))",
    "footnote-script": "Note[^n].\n\n[^n]: <script>alert('XSS')</script>",
    # Protocol-relative external links are ordinary external links.
    "protocol-relative-html": '<a href="//evil.example">protocol-relative</a>',
    "protocol-relative-md": "[x](//evil.example/path)",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_only_allow_listed_html(text):
    rendered_html(text)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_is_safe_in_the_admin_preview_too(text, db):
    from civicdata.markdown import render_markdown

    assert_safe(render_markdown(text))


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_is_safe_with_a_resolver_and_footnote_prefix(text):
    rendered_html(text, resolve_link=lambda target: None, footnote_prefix="sec")


SCRIPT_AND_STYLE_CONTENT = {
    "script": "<script>var PAYLOAD = 1;</script>",
    "script-inline": "Before <script>PAYLOAD()</script> after.",
    "script-blank-line": "<script>\nfirst();\n\nPAYLOAD();\n</script>\n\nAfter.",
    "script-in-svg": "<svg><script>PAYLOAD()</script></svg>",
    "style": "<style>.PAYLOAD { color: red }</style>\n\nAfter.",
    "style-inline": "Before <style>.PAYLOAD{}</style> after.",
    "style-in-math": "<math><style>.PAYLOAD{}</style></math>",
    "comment": "<!-- PAYLOAD -->\n\nAfter.",
    "comment-inline": "Before <!-- PAYLOAD --> after.",
}


@pytest.mark.parametrize(
    "text", SCRIPT_AND_STYLE_CONTENT.values(), ids=SCRIPT_AND_STYLE_CONTENT.keys()
)
def test_script_style_and_comment_content_never_reaches_readers(text):
    html = rendered_html(text)
    assert "PAYLOAD" not in html


def test_javascript_links_are_never_clickable():
    html = rendered_html(
        "[a](javascript:alert(1)) <javascript:alert(1)> [b][r]\n\n[r]: javascript:alert(1)"
    )
    for tag, attrs in collect(html).elements:
        if tag == "a":
            assert url_scheme(dict(attrs).get("href") or "") != "javascript"


def test_link_title_cannot_break_out_into_an_attribute():
    html = rendered_html('[t](https://example.org "a\\" onmouseover=\\"alert(1)")')
    (attrs,) = [dict(attrs) for tag, attrs in collect(html).elements if tag == "a"]
    assert attrs["href"] == "https://example.org"
    assert attrs["title"] == 'a" onmouseover="alert(1)'
    assert "onmouseover" not in attrs


def test_srcset_is_dropped_but_the_image_stays():
    html = rendered_html('<img src="a.png" srcset="javascript:alert(1) 1x" alt="A chart">')
    (attrs,) = [dict(attrs) for tag, attrs in collect(html).elements if tag == "img"]
    assert attrs == {"src": "a.png", "alt": "A chart"}


def test_protocol_relative_link_stays_an_ordinary_external_link():
    html = rendered_html("[x](//elsewhere.example/page)", resolve_link=lambda target: None)
    assert '<a href="//elsewhere.example/page"' in html


def test_attributes_are_kept_only_where_the_allow_list_names_them():
    html = rendered_html(
        '<p title="tip" lang="en" dir="rtl" id="x">a</p> <span title="t" lang="fr">b</span>'
    )
    assert html == "<p>a</p> <span>b</span>"


def test_unclosed_html_in_one_block_does_not_swallow_the_next():
    result = render("<div><b>unclosed\n\nNext paragraph.")
    assert len(result.blocks) == 2
    assert result.blocks[1] == "<p>Next paragraph.</p>\n"
    collect(result.blocks[0])  # parses on its own


# --- A seeded random loop: many combinations, same invariants. ---

_DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>a</a>",
    '<a href="jav&#x09;ascript:alert(1)">b</a>',
    "[c](javascript:alert(1))",
    "[d](&#106;avascript:alert(1))",
    "![e](data:image/svg+xml,<svg onload=alert(1)>)",
    "<javascript:alert(1)>",
    "<iframe src=//evil.example>",
    "<style>*{color:red}</style>",
    "<span style='color:red'>s</span>",
    "<!-- <b> -->",
    "<form><button formaction=javascript:alert(1)>f</button></form>",
    "<meta http-equiv=refresh content=0>",
    "<math><mi xlink:href=javascript:alert(1)>m</mi></math>",
    '"><img src=x onerror=alert(1)>',
    "<details ontoggle=alert(1) open>",
    "[g](other.md)",
    "[h](/portfolio/x/#y)",
    "https://example.org/?q=<script>",
    "www.example.org",
    "`<script>`",
    "<abbr title='ok'>OK</abbr>",
]
_FRAGMENTS = _DANGEROUS + list(HOSTILE.values())
_SYNTAX = [
    "{}",
    "*{}*",
    "_{}_",
    "**{}**",
    "~~{}~~",
    "> {}",
    "- {}",
    "1. {}",
    "# {}",
    "| {} |\n|---|\n| {} |",
    "[{}](https://example.org)",
    "[x]({})",
    "![{}](x.png)",
    "Text[^1]\n\n[^1]: {}",
    "```\n{}\n```",
    "    {}",
    "<div>\n{}\n</div>",
    "{}\n* item\n* {}",
]


def _random_document(rng):
    parts = []
    for _ in range(rng.randint(1, 6)):
        template = rng.choice(_SYNTAX)
        parts.append(template.replace("{}", rng.choice(_FRAGMENTS)))
    separators = ["\n\n", "\n", " ", ""]
    return "".join(part + rng.choice(separators) for part in parts)


def test_random_mixtures_of_markdown_and_hostile_html_stay_safe():
    rng = random.Random(20220224)
    for _ in range(400):
        text = _random_document(rng)
        result = render(text, resolve_link=lambda target: None, footnote_prefix="s")
        for block in result.blocks:
            assert_safe(block)
        assert_safe(result.footnotes)
        assert len(top_level_block_ends(text)) == len(result.blocks), text


# --- Ordinary Markdown still reads the way it did on the Hugo site. ---


def test_inset_lead_line_followed_by_a_list_without_blank_line_is_a_paragraph_and_a_list():
    text = (
        "Civil society data initiatives: \n"
        "* Are often multi-team collaborative efforts with a complexity of incentives\n"
        "  and power-dynamics\n"
        '* These are each different groups: the "user", the "data subject". \n'
        "* The purpose or role of data in the project may be fundamentally different\n"
    )
    result = render(text)
    assert len(result.blocks) == 2
    assert result.blocks[0] == "<p>Civil society data initiatives:</p>\n"
    items = [tag for tag, _ in collect(result.blocks[1]).elements if tag == "li"]
    assert result.blocks[1].startswith("<ul>") and len(items) == 3
    assert "power-dynamics" in result.blocks[1]


def test_table_alignment_becomes_classes_and_headers_get_scope():
    html = rendered_html("| Left | Centre | Right | Plain |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |")
    cells = [(tag, dict(attrs)) for tag, attrs in collect(html).elements if tag in {"th", "td"}]
    assert [attrs.get("class") for tag, attrs in cells] == [
        "align-left", "align-center", "align-right", None,
        "align-left", "align-center", "align-right", None,
    ]  # fmt: skip
    assert all(attrs.get("scope") == "col" for tag, attrs in cells if tag == "th")
    assert "style" not in html


def test_strikethrough_and_underscore_emphasis_render():
    html = rendered_html("~~old~~ new, _feels_ and __strong__")
    assert "<s>old</s>" in html
    assert "<em>feels</em>" in html
    assert "<strong>strong</strong>" in html


def test_bare_urls_become_links():
    html = rendered_html("See https://example.org/data?x=1 and www.example.org.")
    hrefs = [dict(attrs)["href"] for tag, attrs in collect(html).elements if tag == "a"]
    assert hrefs == ["https://example.org/data?x=1", "http://www.example.org"]


def test_email_addresses_become_mailto_links():
    html = rendered_html("Write to editors@example.org.")
    assert '<a href="mailto:editors@example.org"' in html


def test_bare_file_names_and_domains_without_www_stay_text_as_on_hugo():
    """Hugo (Goldmark, GFM autolinks) links only http(s)://, www. and e-mail addresses; a file
    name such as other-essay.md must not become a link to a Moldovan domain."""
    html = rendered_html(
        "See why-is-civil-society-important.md, README.md, config.py and example.com."
    )
    assert "<a" not in html
    assert "why-is-civil-society-important.md" in html


def test_ftp_urls_stay_text_rather_than_an_empty_link():
    html = rendered_html("Files at ftp://ftp.example.org/pub.")
    assert "<a" not in html
    assert "ftp://ftp.example.org/pub" in html


def test_footnotes_are_rendered_separately_with_prefixed_unique_ids():
    result = render(
        "One[^a], again[^a] and two[^b].\n\n[^a]: First note.\n[^b]: Second note.",
        footnote_prefix="sec",
    )
    assert_safe(result.footnotes)
    assert "First note." in result.footnotes and "First note." not in "".join(result.blocks)
    ids = [dict(attrs)["id"] for tag, attrs in collect(result.html).elements if "id" in dict(attrs)]
    assert len(ids) == len(set(ids)) == 5  # three references, two notes
    assert all("sec" in identifier for identifier in ids)
    hrefs = [
        dict(attrs)["href"][1:]
        for tag, attrs in collect(result.html).elements
        if tag == "a" and dict(attrs).get("href", "").startswith("#")
    ]
    assert set(hrefs) == set(ids)  # every footnote link lands on an element


def test_footnotes_of_two_sections_do_not_share_ids():
    first = render("A[^1]\n\n[^1]: a", footnote_prefix="opening").html
    second = render("B[^1]\n\n[^1]: b", footnote_prefix="method").html

    def ids(html):
        return {dict(a)["id"] for t, a in collect(html).elements if "id" in dict(a)}

    assert ids(first) and not ids(first) & ids(second)


def test_harmless_inline_html_survives():
    html = rendered_html(
        'The <abbr title="World Health Organization">WHO</abbr> said <kbd>x</kbd>.'
    )
    assert '<abbr title="World Health Organization">WHO</abbr>' in html
    assert "<kbd>x</kbd>" in html


def test_code_shows_html_as_text():
    html = rendered_html("Use `<script>` tags:\n\n```html\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;" in html
    assert "<pre><code>" in html


def test_empty_and_none_text_render_to_nothing():
    assert render("").html == ""
    assert render(None).blocks == []
    assert top_level_block_ends(None) == []


# --- Top-level blocks: where insets and pullquotes can be placed. ---

BLOCK_TEXTS = {
    "paragraphs": ("One.\n\nTwo.\nstill two.\n\nThree.", 3),
    "fenced-code-with-blank-lines": ("Before.\n\n```\ncode\n\n\nmore code\n```\n\nAfter.", 3),
    "nested-lists": ("- a\n\n  - b\n\n    - c\n\n- d\n\nAfter.", 2),
    "blockquote": ("> quote\n>\n> more\n\n> another\n\nAfter.", 3),
    "table": ("| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.", 2),
    "html-block": ("<div>\nhtml\n\n</div>\n\nAfter.", 3),
    "footnotes": ("Note[^1].\n\n[^1]: The note.\n\n    Second paragraph of it.\n\nAfter.", 2),
    "heading-and-rule": ("##### Heading\nText.\n\n---\n\nMore.", 4),
    "reference-definition-only": ("[r]: https://example.org", 0),
    "lead-line-and-list": ("Lead:\n* a\n* b\n\nAfter.", 3),
    "indented-code": ("Para.\n\n    code\n\n    more\n\nAfter.", 3),
}


@pytest.mark.parametrize(("text", "count"), BLOCK_TEXTS.values(), ids=BLOCK_TEXTS.keys())
def test_block_ends_count_the_same_blocks_the_reader_sees(text, count):
    ends = top_level_block_ends(text)
    assert len(render(text, footnote_prefix="x").blocks) == len(ends) == count
    assert ends == sorted(ends)
    assert all(0 < end <= len(text.splitlines()) for end in ends)


def test_block_ends_are_the_lines_after_each_block():
    text = "First.\n\n```\na\n\nb\n```\n\n- x\n- y\n\nLast."
    assert top_level_block_ends(text) == [1, 7, 11, 12]  # a list keeps its trailing blank line


@pytest.mark.parametrize(
    "text",
    [text for key, (text, _count) in BLOCK_TEXTS.items() if key != "footnotes"],
    ids=[key for key in BLOCK_TEXTS if key != "footnotes"],
)
def test_cutting_the_markdown_at_the_block_ends_gives_the_same_blocks(text):
    """An inset placed after block N sits exactly between the blocks readers see."""
    lines = text.splitlines(keepends=True)
    starts = [0, *top_level_block_ends(text)]
    pieces = ["".join(lines[start:end]) for start, end in zip(starts, starts[1:], strict=False)]
    assert [render(piece).html for piece in pieces] == render(text).blocks


def test_footnote_definitions_are_not_counted_as_blocks():
    text = "Para one[^1].\n\n[^1]: Note.\n\nPara two."
    result = render(text, footnote_prefix="x")
    assert [block.strip() for block in result.blocks][1] == "<p>Para two.</p>"
    assert len(top_level_block_ends(text)) == 2


# --- Internal links inside the renderer. ---


def test_resolved_internal_link_gets_the_url_and_keeps_its_fragment():
    urls = {InternalTarget(ESSAY, "other"): "/essays/other/"}
    result = render(
        "See [the other](../essays/other.md#method).",
        resolve_link=lambda t: urls.get(InternalTarget(t.kind, t.slug)),
    )
    assert '<a href="/essays/other/#method"' in result.html
    assert result.links[0].resolved and result.links[0].text == "the other"


def test_unresolved_link_keeps_its_words_including_emphasis_and_code():
    result = render("See [*why* it\nmatters `now`](why.md).", resolve_link=lambda t: None)
    assert "<a" not in result.html
    assert "<em>why</em> it\nmatters <code>now</code>" in result.html
    (report,) = result.links
    assert report.resolved is False
    assert report.text == "why it matters now"


def test_without_a_resolver_internal_links_are_left_alone_and_not_reported():
    result = render("[x](other.md)")
    assert '<a href="other.md"' in result.html
    assert result.links == []


def test_internal_targets_finds_links_in_footnotes_and_tables():
    text = "| [a](a.md) |\n|---|\n| x |\n\nN[^1]\n\n[^1]: [b](/portfolio/b/)"
    assert {(t.kind, t.slug) for t in internal_targets(text)} == {
        ("essay", "a"),
        ("case_study", "b"),
    }


def test_word_count_counts_words_with_apostrophes_once():
    assert count_words("It's civil society's data — 2022.") == 5
    assert count_words(None) == 0
