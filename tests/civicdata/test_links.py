"""Internal links: authors link the Hugo way, readers get the published page or plain text."""

import pytest

from civicdata.links import (
    CASE_STUDY,
    ESSAY,
    InternalTarget,
    parse_internal_href,
    published_urls,
    resolve_for_readers,
)
from civicdata.markdown import internal_targets, render
from civicdata.publishing import Status
from tests.factories import CaseStudyFactory, EssayFactory

# --- parse_internal_href ---

INTERNAL = {
    "sibling-file": ("other.md", InternalTarget(ESSAY, "other")),
    "sibling-file-dot-slash": ("./other.md", InternalTarget(ESSAY, "other")),
    "file-upper-case-extension": ("Other.MD", InternalTarget(ESSAY, "other")),
    "file-in-essays-with-fragment": (
        "../essays/other.md#sec",
        InternalTarget(ESSAY, "other", "#sec"),
    ),
    "file-with-query-and-fragment": ("other.md?x=1#y", InternalTarget(ESSAY, "other", "#y")),
    "essay-path": ("/essays/slug/", InternalTarget(ESSAY, "slug")),
    "essay-path-no-trailing-slash": ("/essays/slug", InternalTarget(ESSAY, "slug")),
    "essay-path-with-fragment": ("/essays/slug/#part", InternalTarget(ESSAY, "slug", "#part")),
    "essay-path-mixed-case": ("/Essays/Slug/", InternalTarget(ESSAY, "slug")),
    "portfolio-path": ("/portfolio/slug/", InternalTarget(CASE_STUDY, "slug")),
    "portfolio-file": ("portfolio/x.md", InternalTarget(CASE_STUDY, "x")),
    "portfolio-file-up-a-level": ("../portfolio/x.md", InternalTarget(CASE_STUDY, "x")),
    "essay-named-like-portfolio": (
        "essays/portfolio-notes.md",
        InternalTarget(ESSAY, "portfolio-notes"),
    ),
    "page-bundle": ("other/index.md", InternalTarget(ESSAY, "other")),
    "portfolio-page-bundle": ("../portfolio/x/index.md#a", InternalTarget(CASE_STUDY, "x", "#a")),
    "percent-encoded-file": ("caf%C3%A9.md", InternalTarget(ESSAY, "café")),
    "percent-encoded-path": ("/essays/caf%C3%A9/", InternalTarget(ESSAY, "café")),
    "surrounding-spaces": ("  other.md  ", InternalTarget(ESSAY, "other")),
}


@pytest.mark.parametrize(("href", "expected"), INTERNAL.values(), ids=INTERNAL.keys())
def test_hugo_style_links_are_recognised_as_internal(href, expected):
    assert parse_internal_href(href) == expected


NOT_INTERNAL = {
    "https": "https://example.org/essays/slug/",
    "http-md-file": "http://example.org/other.md",
    "mailto": "mailto:editors@example.org",
    "tel": "tel:+15555550100",
    "javascript": "javascript:alert(1)",
    "data-md": "data:text/plain,x.md",
    "anchor": "#anchor",
    "query-only": "?page=2",
    "empty": "",
    "blank": "   ",
    "section-index": "_index.md",
    "nested-section-index": "../essays/_index.md",
    "bundle-without-folder": "index.md",
    "bundle-dot-folder": "./index.md",
    "bare-extension": ".md",
    "essay-list": "/essays/",
    "too-deep": "/essays/a/b/",
    "series-page": "/series/slug/",
    "protocol-relative": "//evil.example/path",
    "protocol-relative-site-path": "//evil.example/essays/slug/",
    "protocol-relative-md": "//evil.example/other.md",
    "triple-slash": "///evil.example/essays/x/",
    "broken-ipv6": "http://[::1",
    "image": "chart.png",
}


@pytest.mark.parametrize("href", NOT_INTERNAL.values(), ids=NOT_INTERNAL.keys())
def test_external_and_other_links_are_not_internal(href):
    assert parse_internal_href(href) is None


@pytest.mark.parametrize(
    "href",
    [
        "other essay.md",
        "other%20essay.md",
        "ünïcödé.md",
        "/essays/ünï/",
        "\\essays\\x.md",
        "../../../../etc/passwd.md",
        "%",
        "%zz.md",
        "/essays/%00/",
        "a" * 5000 + ".md",
        "[::1]/x.md",
        "other.md#" + "x" * 300,
        "\x00other.md",
        "java\nscript:alert(1)",
    ],
)
def test_odd_hrefs_never_raise_and_give_a_usable_target_or_none(href):
    target = parse_internal_href(href)
    if target is not None:
        assert target.kind in {ESSAY, CASE_STUDY}
        assert target.slug and "/" not in target.slug
        assert target.fragment == "" or target.fragment.startswith("#")


def test_protocol_relative_link_in_markdown_is_neither_resolved_nor_reported():
    calls = []
    result = render("[x](//evil.example/essays/slug/)", resolve_link=calls.append)
    assert calls == [] and result.links == []
    assert '<a href="//evil.example/essays/slug/"' in result.html


# --- Rendering with a resolver ---


def _resolver(urls):
    return lambda target: urls.get((target.kind, target.slug))


def test_resolved_links_point_at_the_published_page_with_the_fragment():
    resolve = _resolver({(ESSAY, "other"): "/essays/other/", (CASE_STUDY, "x"): "/portfolio/x/"})
    result = render(
        "See [one](other.md), [two](../essays/other.md#method) and [three](/portfolio/x/).",
        resolve_link=resolve,
    )
    html = result.html
    assert '<a href="/essays/other/"' in html
    assert '<a href="/essays/other/#method"' in html
    assert '<a href="/portfolio/x/"' in html
    assert [(r.target.slug, r.text, r.resolved) for r in result.links] == [
        ("other", "one", True),
        ("other", "two", True),
        ("x", "three", True),
    ]


def test_unresolved_links_become_their_plain_words_and_are_reported():
    result = render(
        "Read [the *other* essay](missing.md#x) and [**this**](/portfolio/gone/).",
        resolve_link=_resolver({}),
    )
    assert "<a" not in result.html
    assert result.html == "<p>Read the <em>other</em> essay and <strong>this</strong>.</p>\n"
    assert [(r.target, r.text, r.resolved) for r in result.links] == [
        (InternalTarget(ESSAY, "missing", "#x"), "the other essay", False),
        (InternalTarget(CASE_STUDY, "gone"), "this", False),
    ]


def test_unresolved_link_report_uses_the_words_without_markup():
    result = render("[<b>bold</b> words](missing.md)", resolve_link=_resolver({}))
    assert result.links[0].text == "bold words"


def test_only_the_unresolved_link_is_dropped_when_links_are_mixed():
    resolve = _resolver({(ESSAY, "here"): "/essays/here/"})
    result = render(
        "[gone](gone.md) [here](here.md) [web](https://example.org)", resolve_link=resolve
    )
    assert result.html == (
        '<p>gone <a href="/essays/here/" rel="noopener noreferrer">here</a> '
        '<a href="https://example.org" rel="noopener noreferrer">web</a></p>\n'
    )


def test_external_mailto_and_anchor_links_are_untouched_and_not_reported():
    calls = []
    result = render(
        "[a](https://example.org) [b](mailto:x@example.org) [c](#notes) https://example.org/x",
        resolve_link=lambda target: calls.append(target),
    )
    assert calls == [] and result.links == []
    assert result.html.count("<a ") == 4


def test_unresolved_links_in_footnotes_and_tables_are_plain_text_too():
    result = render(
        "| [cell](gone.md) |\n|---|\n| x |\n\nN[^1]\n\n[^1]: See [note](gone.md).",
        resolve_link=_resolver({}),
        footnote_prefix="s",
    )
    assert 'href="gone' not in result.html
    assert "cell" in result.html and "See note." in result.footnotes
    assert [r.text for r in result.links] == ["cell", "note"]


# --- Which targets readers may see ---


@pytest.mark.django_db
def test_published_essay_and_case_study_resolve_to_their_pages():
    EssayFactory(slug="open-essay")
    CaseStudyFactory(slug="open-case")
    targets = {InternalTarget(ESSAY, "open-essay"), InternalTarget(CASE_STUDY, "open-case")}
    assert published_urls(targets) == {
        InternalTarget(ESSAY, "open-essay"): "/essays/open-essay/",
        InternalTarget(CASE_STUDY, "open-case"): "/portfolio/open-case/",
    }


@pytest.mark.django_db
def test_drafts_and_missing_items_do_not_resolve():
    EssayFactory(slug="draft-essay", status=Status.DRAFT)
    CaseStudyFactory(slug="draft-case", status=Status.DRAFT)
    targets = [
        InternalTarget(ESSAY, "draft-essay"),
        InternalTarget(CASE_STUDY, "draft-case"),
        InternalTarget(ESSAY, "never-written"),
    ]
    assert published_urls(targets) == {}


@pytest.mark.django_db
def test_an_essay_slug_does_not_resolve_a_case_study_link():
    EssayFactory(slug="shared-name")
    assert published_urls([InternalTarget(CASE_STUDY, "shared-name")]) == {}


@pytest.mark.django_db
def test_links_to_the_same_page_with_different_fragments_all_resolve():
    EssayFactory(slug="long-read")
    a, b = InternalTarget(ESSAY, "long-read", "#a"), InternalTarget(ESSAY, "long-read", "#b")
    assert published_urls([a, b]) == {a: "/essays/long-read/", b: "/essays/long-read/"}


@pytest.mark.django_db
def test_resolving_many_links_costs_one_query_per_kind(django_assert_num_queries):
    for n in range(5):
        EssayFactory(slug=f"essay-{n}-x")
        CaseStudyFactory(slug=f"case-{n}-x")
    targets = [InternalTarget(ESSAY, f"essay-{n}-x") for n in range(5)] + [
        InternalTarget(CASE_STUDY, f"case-{n}-x") for n in range(5)
    ]
    with django_assert_num_queries(2):
        assert len(published_urls(targets)) == 10
    with django_assert_num_queries(1):
        published_urls(targets[:5])
    with django_assert_num_queries(0):
        assert published_urls([]) == {}


@pytest.mark.django_db
def test_targets_may_be_given_as_a_generator():
    EssayFactory(slug="from-generator")
    urls = published_urls(t for t in [InternalTarget(ESSAY, "from-generator")])
    assert urls == {InternalTarget(ESSAY, "from-generator"): "/essays/from-generator/"}


@pytest.mark.django_db
def test_resolve_for_readers_follows_the_published_rule():
    EssayFactory(slug="visible")
    EssayFactory(slug="hidden", status=Status.DRAFT)
    assert resolve_for_readers(InternalTarget(ESSAY, "visible")) == "/essays/visible/"
    assert resolve_for_readers(InternalTarget(ESSAY, "hidden")) is None


@pytest.mark.django_db
def test_a_reader_sees_a_link_to_a_published_essay_and_words_for_a_draft():
    EssayFactory(slug="out-now")
    EssayFactory(slug="coming-soon", status=Status.DRAFT)
    text = "Read [this](out-now.md#intro) before [that](coming-soon.md)."
    result = render(text, resolve_link=published_urls(internal_targets(text)).get)
    assert result.html == (
        '<p>Read <a href="/essays/out-now/#intro" rel="noopener noreferrer">this</a>'
        " before that.</p>\n"
    )
    assert [(r.target.slug, r.resolved) for r in result.links] == [
        ("out-now", True),
        ("coming-soon", False),
    ]
