"""Search over what readers can see: published essays and case studies.

The text searched is the stored index (search_index): per item, the title (weighted most), the
headings in its body (next), then its summary and body as readers read them, rewritten whenever
the item is rendered. Which items may be found is never stored: each search applies the items'
own `published()` (`SearchDocument.objects.visible()`), so a draft, a scheduled item before its
time, an item taken down or in the trash is never found, and no job has to run on time.

On PostgreSQL, full-text search with English stemming: the stored weighted tsvector (GIN index),
ranked by `SearchRank`, the query read by `websearch_to_tsquery` (which accepts anything a person
types), and a `SearchHeadline` snippet. On SQLite, the stored FTS5 table (Porter stemming, bm25
with the same weights) with FTS5's `snippet()`; where FTS5 is missing, a case-insensitive
substring match. Either way a search is two queries: how many match, and this page's hits.

Snippets come from text: the matched words are marked with control characters that cannot occur in
the text (they are stripped from it when indexed), then everything is escaped and only the markers
become <mark> elements.
"""

import datetime
import html
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, FloatField, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from search_index.documents import CONFIG, START, STOP
from search_index.models import SearchDocument, fts5_available

MAX_QUERY_LENGTH = 200  # characters; longer queries are cut, not refused
MAX_TERMS = 16  # words of a query used on SQLite
RESULTS_PER_PAGE = 10

# FTS5's bm25 weights for its three columns (title; headings; summary and body), as PostgreSQL's
# weights A, B and C rank them.
FTS5_WEIGHTS = (10.0, 4.0, 1.0)

_MARKERS = str.maketrans("", "", START + STOP)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")

# What a hit shows of its item.
_ITEM_FIELDS = ["title", "slug", "date"]


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
        return _nothing()
    if connection.vendor == "postgresql":
        return _search_postgresql(query, page)
    return _search_elsewhere(query, page)


def highlight(text: str) -> SafeString:
    """Escape snippet text and turn only the START/STOP markers into <mark> elements."""
    text = " ".join(text.split())
    marked = _MARKED.sub(r"<mark>\1</mark>", str(escape(text)))
    return mark_safe(marked.translate(_MARKERS))


def _nothing():
    return Paginator([], RESULTS_PER_PAGE).get_page(1)


def _visible_documents(*fields):
    """Index rows of what readers may see, with `fields` of their own and what a hit shows of
    each item (joined)."""
    return (
        SearchDocument.objects.visible()
        .select_related("essay", "case_study")
        .only(
            *fields,
            *(f"{item}__{field}" for item in ("essay", "case_study") for field in _ITEM_FIELDS),
        )
        .alias(date=Coalesce("essay__date", "case_study__date"))
    )


def _page_of_hits(documents, page_number, snippets_of) -> Page:
    """The page of `documents` (ranked: best first, then newest), its rows turned into hits;
    `snippets_of(rows)` gives {pk: snippet} for the page's rows."""
    page = Paginator(documents.order_by("rank", "-date", "pk"), RESULTS_PER_PAGE).get_page(
        page_number
    )
    rows = list(page.object_list)
    snippets = snippets_of(rows)
    # .get: on SQLite a row rewritten between the queries may have lost its snippet.
    page.object_list = [_hit(document, snippets.get(document.pk, "")) for document in rows]
    return page


def _hit(document, snippet) -> SearchHit:
    item = document.item
    return SearchHit(
        kind=capfirst(item._meta.verbose_name),
        title=item.title,
        url=item.get_absolute_url(),
        date=item.date,
        snippet=snippet,
    )


# ---- PostgreSQL ---------------------------------------------------------------------------------


def _search_postgresql(query, page_number):
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    documents = (
        _visible_documents()
        .filter(vector=search_query)
        # Ascending like bm25 (best first); the headline is made for the page's rows only.
        .annotate(
            rank=-SearchRank(F("vector"), search_query),
            headline=SearchHeadline(
                _escaped("text"),
                search_query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                min_words=20,
                max_words=35,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    )
    return _page_of_hits(
        documents,
        page_number,
        lambda rows: {row.pk: highlight(html.unescape(row.headline)) for row in rows},
    )


def _escaped(field):
    """The text with &, < and > as entities: ts_headline would take `<mark>` in a text for a tag
    and drop it."""
    text = F(field)
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = Replace(text, Value(character), Value(entity))
    return text


# ---- SQLite FTS5, or substrings -----------------------------------------------------------------


def _search_elsewhere(query, page_number):
    terms = re.findall(r"\w+", query)[:MAX_TERMS]
    if not terms:
        return _nothing()
    if fts5_available():
        return _search_fts5(terms, page_number)
    return _search_substrings(terms, page_number)


def _search_fts5(terms, page_number):
    # Each term quoted: FTS5 reads it as a word, never as query syntax (\w+ holds no quote).
    match = " ".join(f'"{term}"' for term in terms)
    table = F("fts5__match")  # FTS5's functions take the table's hidden column first
    documents = (
        _visible_documents()
        .filter(fts5__match__match=match)
        .annotate(
            rank=Func(table, *map(Value, FTS5_WEIGHTS), function="bm25", output_field=FloatField())
        )
    )

    def snippets_of(rows):
        # Apart, for the page's rows only: SQLite would make a snippet of every match it sorts.
        snippet = Func(
            table,
            Value(2),
            Value(START),
            Value(STOP),
            Value(" … "),
            Value(32),
            function="snippet",
            output_field=TextField(),
        )
        found = (
            SearchDocument.objects.filter(pk__in=[row.pk for row in rows], fts5__match__match=match)
            .annotate(snippet=snippet)
            .values_list("pk", "snippet")
        )
        return {pk: highlight(text) for pk, text in (found if rows else [])}

    return _page_of_hits(documents, page_number, snippets_of)


COLUMNS = ("title", "headings", "text")


def _search_substrings(terms, page_number):
    """Every term in one of the three texts, as icontains finds it; ranked by how often the terms
    occur where, with the FTS5 weights."""
    folded = [term.casefold() for term in terms]
    documents = _visible_documents(*COLUMNS).filter(
        reduce(
            and_,
            (
                reduce(or_, (Q(**{f"{column}__icontains": term}) for column in COLUMNS))
                for term in terms
            ),
        )
    )
    scored = sorted(
        documents,
        key=lambda document: (
            -sum(
                weight * getattr(document, column).casefold().count(term)
                for weight, column in zip(FTS5_WEIGHTS, COLUMNS, strict=True)
                for term in folded
            ),
            -document.item.date.toordinal(),
            document.pk,
        ),
    )
    page = Paginator(scored, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = [
        _hit(document, _substring_snippet(document.text, folded)) for document in page.object_list
    ]
    return page


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
