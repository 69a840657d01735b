"""Search over what readers can see: published essays and case studies.

An item's searchable text is what its page shows: the title (weighted most), the headings in its
body (next), then its summary and body. The body is the stored, sanitized `body_html`, read as
text, so a placeholder's notes, editor notes and drafts are never searchable.

On PostgreSQL, full-text search with English stemming: a weighted `SearchVector`, ranked by
`SearchRank`, the query read by `websearch_to_tsquery` (which accepts anything a person types),
and a `SearchHeadline` snippet. Elsewhere (SQLite in development), the published items are indexed
per search in an in-memory SQLite FTS5 table (Porter stemming, bm25 with the same weights) with
FTS5's `snippet()`; where FTS5 is missing, a case-insensitive substring match. The in-memory index
is rebuilt on each search: fine for the few hundred items a development database holds, and it
can never drift from `published()`.

Snippets come from text: the matched words are marked with control characters that cannot occur in
the text (they are stripped from it first), then everything is escaped and only the markers become
<mark> elements.
"""

import datetime
import html
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from essays.models import Essay
from portfolio.models import CaseStudy

MAX_QUERY_LENGTH = 200  # characters; longer queries are cut, not refused
MAX_TERMS = 16  # words of a query used by the SQLite fallback
RESULTS_PER_PAGE = 10
CONFIG = "english"

# FTS5's bm25 weights for its three columns (title; headings; summary and body), as PostgreSQL's
# weights A, B and C rank them.
FTS5_WEIGHTS = (10.0, 4.0, 1.0)

START, STOP = "\x02", "\x03"  # marks around a matched word in a snippet, never in the text
_MARKERS = str.maketrans("", "", START + STOP)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")

# A section heading's "#" link (and its hidden label) is page furniture, not text to search.
_HEADING_ANCHOR = r'<a class="heading-anchor".*?</a>'
_HEADING = r"<h[1-6][^>]*?>(.*?)</h[1-6]>"  # the first quantifier lazy: PostgreSQL's rule


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "Essay" or "Case study"
    title: str
    url: str
    date: datetime.date
    snippet: SafeString


def clean_query(raw: str) -> str:
    """The query as searched: control characters (NUL included) dropped, spaces collapsed,
    cut to MAX_QUERY_LENGTH."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()


def search(query: str, *, page=1) -> Page:
    """One page of the published essays and case studies matching `query`, best first, as
    SearchHit objects. A query with no word in it matches nothing (and costs no query)."""
    query = clean_query(query)
    if not re.search(r"\w", query):
        return Paginator([], RESULTS_PER_PAGE).get_page(1)
    if connection.vendor == "postgresql":
        return _search_postgresql(query, page)
    return _search_elsewhere(query, page)


def highlight(text: str) -> SafeString:
    """Escape snippet text and turn only the START/STOP markers into <mark> elements."""
    text = " ".join(text.split())
    marked = _MARKED.sub(r"<mark>\1</mark>", str(escape(text)))
    return mark_safe(marked.translate(_MARKERS))


def _label(model) -> str:
    return capfirst(model._meta.verbose_name)


def _hit(item, snippet) -> SearchHit:
    return SearchHit(
        kind=_label(type(item)),
        title=item.title,
        url=item.get_absolute_url(),
        date=item.date,
        snippet=snippet,
    )


# What a result shows, and the fields its text is read from.
_FIELDS = ["pk", "title", "slug", "date", "summary", "body_html"]
_MODELS = {"essay": Essay, "case_study": CaseStudy}


# ---- PostgreSQL ---------------------------------------------------------------------------------


def _text_of(field):
    """SQL for the text a reader reads in stored HTML: heading anchors dropped, tags made spaces
    (the entities left are unescaped with the snippet), markers removed."""
    without_anchors = Func(
        F(field), Value(_HEADING_ANCHOR), Value(" "), Value("g"), function="regexp_replace"
    )
    without_tags = Func(
        without_anchors, Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace"
    )
    return Func(
        without_tags, Value(START + STOP), Value(""), function="translate", output_field=TextField()
    )


def _headings_of(field):
    """SQL for the headings in stored HTML, one after the other."""
    return Func(
        F(field),
        Value(_HEADING),
        template="array_to_string(ARRAY(SELECT (regexp_matches(%(expressions)s, 'g'))[1]), ' ')",
        output_field=TextField(),
    )


def _readable_text():
    return Concat("summary", Value(" "), _text_of("body_html"), output_field=TextField())


def _document():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector(_headings_of("body_html"), weight="B", config=CONFIG)
        + SearchVector(_readable_text(), weight="C", config=CONFIG)
    )


def _search_postgresql(query, page_number):
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    ranked = [
        model.objects.published()
        .annotate(document=_document())
        .filter(document=search_query)
        .annotate(kind=Value(kind), rank=SearchRank(F("document"), search_query))
        .values_list("kind", "pk", "rank", "date")
        for kind, model in _MODELS.items()
    ]
    matches = ranked[0].union(*ranked[1:], all=True).order_by("-rank", "-date", "kind", "pk")
    page = Paginator(matches, RESULTS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    # Headlines are costly: made for this page's items only, in one more query.
    headline = SearchHeadline(
        _readable_text(),
        search_query,
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        min_words=20,
        max_words=35,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    shown = [
        model.objects.published()
        .filter(pk__in=[pk for row_kind, pk, _, _ in rows if row_kind == kind])
        .annotate(kind=Value(kind), headline=headline)
        .values_list("kind", "pk", "title", "slug", "date", "headline")
        for kind, model in _MODELS.items()
    ]
    found = {
        (kind, pk): SearchHit(
            kind=_label(_MODELS[kind]),
            title=title,
            url=_MODELS[kind](slug=slug).get_absolute_url(),  # the model's own rule
            date=date,
            snippet=highlight(html.unescape(text)),
        )
        for kind, pk, title, slug, date, text in (
            shown[0].union(*shown[1:], all=True) if rows else []
        )
    }
    page.object_list = [found[kind, pk] for kind, pk, _, _ in rows if (kind, pk) in found]
    return page


# ---- Elsewhere: SQLite FTS5, or substrings -------------------------------------------------------


class _ReadableText(HTMLParser):
    """The text of stored HTML as readers read it, and its headings apart."""

    def __init__(self, body_html):
        super().__init__(convert_charrefs=True)
        self.text, self.headings = [], []
        self._heading = None
        self._in_anchor = False
        self.feed(body_html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "a" and "heading-anchor" in (dict(attrs).get("class") or "").split():
            self._in_anchor = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        self.text.append(" ")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_anchor = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        self.text.append(" ")

    def handle_data(self, data):
        if self._in_anchor:
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


@dataclass
class _Document:
    item: object
    title: str
    headings: str
    text: str

    @classmethod
    def of(cls, item):
        readable = _ReadableText(item.body_html)
        return cls(
            item=item,
            title=item.title.translate(_MARKERS),
            headings=" ".join(readable.headings).translate(_MARKERS),
            text=" ".join(f"{item.summary} {''.join(readable.text)}".split()).translate(_MARKERS),
        )


@cache
def fts5_available() -> bool:
    """Whether this Python's SQLite has FTS5 (asked of a throwaway in-memory database)."""
    try:
        with closing(sqlite3.connect(":memory:")) as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.Error:
        return False
    return True


def _search_elsewhere(query, page_number):
    terms = re.findall(r"\w+", query)[:MAX_TERMS]
    if not terms:
        return Paginator([], RESULTS_PER_PAGE).get_page(1)
    documents = [
        _Document.of(item)
        for model in _MODELS.values()
        for item in model.objects.published().only(*_FIELDS)
    ]
    documents.sort(key=lambda document: document.item.date, reverse=True)  # ties: newest first
    rank = _rank_with_fts5 if fts5_available() else _rank_by_substring
    hits = [_hit(document.item, snippet) for document, snippet in rank(documents, terms)]
    return Paginator(hits, RESULTS_PER_PAGE).get_page(page_number)


def _rank_with_fts5(documents, terms):
    """(document, snippet) for each document holding every term, best first."""
    # Each term quoted: FTS5 reads it as a word, never as query syntax (\w+ holds no quote).
    match = " ".join(f'"{term}"' for term in terms)
    weights = ", ".join(str(weight) for weight in FTS5_WEIGHTS)
    with closing(sqlite3.connect(":memory:")) as index:
        index.execute(
            "CREATE VIRTUAL TABLE document USING fts5("
            "title, headings, text, tokenize='porter unicode61 remove_diacritics 2')"
        )
        index.executemany(
            "INSERT INTO document (rowid, title, headings, text) VALUES (?, ?, ?, ?)",
            (
                (position, document.title, document.headings, document.text)
                for position, document in enumerate(documents)
            ),
        )
        rows = index.execute(
            "SELECT rowid, snippet(document, 2, ?, ?, ' … ', 32) FROM document "
            f"WHERE document MATCH ? ORDER BY bm25(document, {weights}), rowid",
            (START, STOP, match),
        ).fetchall()
    return [(documents[position], highlight(snippet)) for position, snippet in rows]


def _rank_by_substring(documents, terms):
    """(document, snippet) for each document holding every term, as icontains would find it;
    scored by where the terms stand, with the FTS5 weights."""
    terms = [term.casefold() for term in terms]
    scored = []
    for position, document in enumerate(documents):
        columns = [document.title, document.headings, document.text]
        folded = [column.casefold() for column in columns]
        if not all(any(term in column for column in folded) for term in terms):
            continue
        score = sum(
            weight * column.count(term)
            for weight, column in zip(FTS5_WEIGHTS, folded, strict=True)
            for term in terms
        )
        scored.append((-score, position, document))
    scored.sort(key=lambda entry: entry[:2])
    return [(document, _substring_snippet(document.text, terms)) for _, _, document in scored]


def _substring_snippet(text, terms, *, width=200):
    """About `width` characters of `text` from a little before the first term found, on word
    boundaries, the terms marked."""
    folded = text.casefold()
    found = [index for term in terms if (index := folded.find(term)) >= 0]
    start = max(0, min(found, default=0) - width // 4)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    excerpt = pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", text[start:end])
    return highlight(f"{'… ' if start else ''}{excerpt}{' …' if end < len(text) else ''}")
