"""Search at /search/?q=: PostgreSQL full-text search, or SQLite FTS5 (or substrings) elsewhere.

Every test here runs on both databases; the substring fallback's own tests call it directly, so
they run on PostgreSQL too. How the stored index keeps up with edits, publishing, the schedule and
the trash: test_search_index.py.
"""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.utils import timezone

from civicdata import search
from civicdata.publishing import Status
from tests.essays.test_views import PageOutline
from tests.factories import CaseStudyFactory, SectionFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db


def essay_with(render, *, title, heading="Background", body="Nothing to see.", **fields):
    """A published essay (unless `status` says otherwise) with one headed section."""
    essay = WrittenEssayFactory(title=title, sections=0, **fields)
    SectionFactory(essay=essay, position=1, heading=heading, body=body)
    return render(essay)


def result_titles(response):
    """The result titles on a search page, in order."""
    hits = re.search(r'<ol class="cards search-hits".*?</ol>', response.content.decode(), re.S)
    return re.findall(
        r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', hits.group(0) if hits else ""
    )


def search_box_value(page):
    """The text in the search page's search box, as the reader sees it."""
    box = re.search(r'<input type="search" id="search-q" name="q" value="([^"]*)"', page)
    return unescape(box.group(1))


@pytest.fixture
def library(render):
    """Published essays that match "funding" in their title, a heading, or only the body (in
    another form of the word), a case study, and drafts that match it too."""
    essay_with(render, title="Funding civil society", body="Where the money comes from.")
    essay_with(render, title="Working with partners", heading="Funding the work")
    essay_with(render, title="Data and truth", body="Projects are funded by grants.")
    essay_with(render, title="Nothing relevant", body="About something else entirely.")
    render(CaseStudyFactory(title="Recidivism data sharing", body="The county's funding ran out."))
    essay_with(render, title="Secret funding plan", status=Status.DRAFT, body="funding")
    render(CaseStudyFactory(title="Secret funding case", status=Status.IN_REVIEW))


# ---- What readers find --------------------------------------------------------------------------


def test_search_finds_published_essays_and_case_studies_and_never_drafts(client, library):
    titles = result_titles(client.get("/search/", {"q": "funding"}))
    assert set(titles) == {
        "Funding civil society",
        "Working with partners",
        "Data and truth",
        "Recidivism data sharing",
    }


def test_drafts_stay_out_of_search_even_for_editors(client, library):
    client.force_login(EditorFactory())
    titles = result_titles(client.get("/search/", {"q": "secret"}))
    assert titles == []


def test_an_item_scheduled_for_later_is_not_found_yet(client, render):
    later = timezone.now() + datetime.timedelta(days=1)
    essay_with(render, title="Announced tomorrow", publish_at=later)
    assert result_titles(client.get("/search/", {"q": "tomorrow"})) == []


def test_a_title_match_ranks_above_a_heading_match_above_a_body_match(client, library):
    titles = result_titles(client.get("/search/", {"q": "funding"}))
    assert titles.index("Funding civil society") < titles.index("Working with partners")
    assert titles.index("Working with partners") < titles.index("Data and truth")


def test_english_word_forms_match_each_other(client, library):
    assert "Data and truth" in result_titles(client.get("/search/", {"q": "fund"}))
    assert "Funding civil society" in result_titles(client.get("/search/", {"q": "funded"}))


def test_every_word_must_match(client, library):
    assert result_titles(client.get("/search/", {"q": "funding grants"})) == ["Data and truth"]


def test_each_result_says_what_it_is_and_links_to_it(client, library):
    html = client.get("/search/", {"q": "recidivism"}).content.decode()
    assert '<a href="/portfolio/case-study-' in html
    assert "<span>Case study</span>" in html
    assert "1 result for “recidivism”" in html


def test_section_anchor_links_are_not_searchable_text(client, render):
    essay_with(render, title="Plain", heading="Background", body="Text.")
    # Every headed section has a hidden "Link to the section" label; it is not the essay's text.
    assert result_titles(client.get("/search/", {"q": "link section"})) == []


def test_placeholder_notes_are_never_searchable(client, render):
    essay = WrittenEssayFactory(title="Half written", sections=0)
    SectionFactory(
        essay=essay,
        position=1,
        heading="Later",
        body="Confidential draft notes",
        drafting_status="placeholder",
    )
    render(essay)
    assert result_titles(client.get("/search/", {"q": "confidential"})) == []


# ---- Snippets -----------------------------------------------------------------------------------


def test_snippet_highlights_the_words_found(client, library):
    html = client.get("/search/", {"q": "grants"}).content.decode()
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>grants</mark>" in snippet
    assert "Projects are funded by" in snippet


def test_snippet_shows_hostile_text_as_text(client, render):
    essay_with(
        render,
        title="Escaping",
        body="A needle: `<img src=x onerror=alert(1)>` and `<mark>` & friends.",
    )
    html = client.get("/search/", {"q": "needle"}).content.decode()
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.S).group(1)
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "<img" not in snippet
    assert "&lt;mark&gt;" in snippet
    assert re.findall(r"</?\w+", snippet) == ["<mark", "</mark"]  # only the highlight is markup


def test_highlight_escapes_everything_but_the_markers():
    marked = search.highlight(f"<b>bold</b> & {search.START}found{search.STOP} {search.STOP}x")
    assert marked == "&lt;b&gt;bold&lt;/b&gt; &amp; <mark>found</mark> x"


# ---- Odd queries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "!!! ... ???",
        "'; DROP TABLE essays_essay; --",
        "funding & | ! <-> :* ( ) \\",
        'NEAR(funding data) OR title:funding "unclosed',
        "-funding",
        "funding\x00\x01data",
        "données 🙂 ☃ 資料",
        "the and of",
        "*",
        "%",
        "\ud7ff",
    ],
)
def test_odd_queries_answer_a_page_without_an_error(client, library, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()


def test_a_nul_byte_is_dropped_not_searched(client, library):
    assert "Data and truth" in result_titles(client.get("/search/", {"q": "\x00grants\x00"}))


def test_a_long_query_is_cut_to_the_maximum_length(client):
    html = client.get("/search/", {"q": "word " * 1000}).content.decode()
    query = search_box_value(html)
    assert query.startswith("word word") and len(query) <= search.MAX_QUERY_LENGTH
    assert f"for “{query}”" in html
    assert f'maxlength="{search.MAX_QUERY_LENGTH}"' in html


def test_empty_query_shows_the_form_and_no_results(client, library):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert '<input type="search" id="search-q" name="q" value=""' in html
        assert '<section class="search-results"' not in html
        assert "search-hits" not in html
        assert "Nothing found" not in html


def test_nothing_found_says_so_and_suggests_where_to_look(client, library):
    html = client.get("/search/", {"q": "zzqxzzqx"}).content.decode()
    assert "Nothing found for “zzqxzzqx”" in html
    assert 'href="/essays/"' in html


def test_query_is_shown_back_escaped(client, library):
    html = client.get("/search/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert" not in html
    assert search_box_value(html) == '"><script>alert(1)</script>'


# ---- Pages of results ---------------------------------------------------------------------------


def test_results_come_a_page_at_a_time(client, render):
    for number in range(search.RESULTS_PER_PAGE + 2):
        essay_with(render, title=f"Pagination essay {number}", body="A paginated needle.")
    first = client.get("/search/", {"q": "needle"})
    second = client.get("/search/", {"q": "needle", "page": "2"})
    assert len(result_titles(first)) == search.RESULTS_PER_PAGE
    assert len(result_titles(second)) == 2
    assert not set(result_titles(first)) & set(result_titles(second))
    assert 'href="?q=needle&amp;page=2" rel="next"' in first.content.decode()
    assert 'href="?q=needle&amp;page=1" rel="prev"' in second.content.decode()
    assert f"{search.RESULTS_PER_PAGE + 2} results for “needle”" in first.content.decode()


@pytest.mark.parametrize(("page", "shown"), [("999", 2), ("abc", 1), ("-1", 2), ("", 1)])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, render, page, shown):
    for number in range(search.RESULTS_PER_PAGE + 1):
        essay_with(render, title=f"Pagination essay {number}", body="A paginated needle.")
    response = client.get("/search/", {"q": "needle", "page": page})
    assert response.status_code == 200
    assert f'<li aria-current="page">Page {shown} of 2</li>' in response.content.decode()


# ---- The page -----------------------------------------------------------------------------------


def test_every_page_has_a_search_form_in_its_header(client, library):
    for url in ("/", "/essays/", "/portfolio/", "/no-such-page/"):
        html = client.get(url).content.decode()
        header = re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)
        assert '<form class="site-search" role="search" action="/search/" method="get">' in header
        assert '<label class="visually-hidden" for="site-search-q">' in header


@pytest.mark.parametrize("query", ["", "funding", "zzqx"])
def test_search_page_is_well_formed_html_a_screen_reader_can_navigate(client, library, query):
    outline = PageOutline(client.get("/search/", {"q": query}).content.decode())
    assert outline.problems == []
    assert outline.tags["h1"] == 1
    assert outline.skipped_heading_levels == []
    assert outline.first_focusable == "#main"


def test_search_pages_ask_search_engines_not_to_index_them(client, library):
    assert '<meta name="robots" content="noindex">' in client.get("/search/?q=x").content.decode()


@pytest.mark.parametrize("size", [1, 10])
def test_search_costs_the_same_queries_however_much_matches(
    client, render, django_assert_num_queries, size
):
    for number in range(size):
        essay_with(render, title=f"Needle essay {number}", body="A needle.")
        render(CaseStudyFactory(title=f"Needle case study {number}"))
    # How many match, then this page's hits with their items: on PostgreSQL with their headlines
    # (ts_headline runs after the LIMIT); on SQLite the page's snippets come in a third query.
    expected = 2 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(expected):
        response = client.get("/search/", {"q": "needle"})
    assert len(result_titles(response)) == min(2 * size, search.RESULTS_PER_PAGE)


def test_a_query_without_words_costs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/search/", {"q": "!!!"}).status_code == 200


# ---- The fallback away from PostgreSQL, on any database -----------------------------------------


# FTS5 is SQLite's: the stored FTS5 table exists only there; substrings work on any database.
FALLBACKS = ["fts5", "substring"] if connection.vendor == "sqlite" else ["substring"]


@pytest.fixture(params=FALLBACKS)
def fallback(request, monkeypatch):
    """The non-PostgreSQL search, with SQLite FTS5 or with substring matching."""
    if request.param == "fts5" and not search.fts5_available():
        pytest.skip("this Python's SQLite has no FTS5")
    monkeypatch.setattr(search, "fts5_available", lambda: request.param == "fts5")
    return lambda query: list(search._search_elsewhere(search.clean_query(query), 1))


def test_fallback_finds_published_items_only_title_first(library, fallback):
    titles = [hit.title for hit in fallback("funding")]
    assert titles[0] == "Funding civil society"
    assert "Secret funding plan" not in titles
    assert "Secret funding case" not in titles
    assert titles.index("Working with partners") < titles.index("Recidivism data sharing")


def test_fallback_highlights_and_escapes(render, fallback):
    essay_with(render, title="Escaping", body="Never run `<img src=x>` near the needle.")
    [hit] = fallback("needle")
    assert "<mark>needle</mark>" in hit.snippet
    assert "&lt;img src=x&gt;" in hit.snippet


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "a OR", "x" * 500, "-", "^funding"])
def test_fallback_takes_any_query(library, fallback, query):
    assert isinstance(fallback(query), list)
