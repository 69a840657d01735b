"""What an essay's page and /essays/ read on every request, as prepared queries
(`civicdata.prepared`): built from the same querysets as everything else (the visibility rule,
the series outline's rule), compiled to SQL once, and turned into essays with `Model.from_db`.
These two pages are what a first reader after a publish waits for, with no page cache to help.
"""

import datetime

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import timezone

from civicdata.prepared import PreparedQuery
from portfolio.models import CaseStudy

from .models import NOT_IN_LISTS, Author, Essay, Series
from .outline import OutlineEntry, SeriesOutline


def _columns(model, *, leave_out=(), only=None):
    """Column names in the model's field order, which `Model.from_db` expects."""
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in leave_out and (only is None or f.attname in only)
    )


ESSAY_PAGE_COLUMNS = _columns(Essay, leave_out=("hugo_source",))
# What /essays/ shows of each essay (a card: essays/essay_list.html).
ESSAY_LIST_COLUMNS = _columns(
    Essay, only={"id", "title", "slug", "series_id", "series_position", "date", "summary"}
)
SERIES_COLUMNS = _columns(Series, leave_out=("description", "description_html"))
AUTHOR_COLUMNS = _columns(Author)
CASE_STUDY_COLUMNS = _columns(CaseStudy, only={"id", "title", "slug", "summary"})


# Essays grouped by series (series by title), each series in its own order.
IN_SERIES_ORDER = ("series__title", "series_id", "series_position")


def published_essays_in_series_order(at=None):
    return Essay.objects.published(at).for_index().defer(*NOT_IN_LISTS).order_by(*IN_SERIES_ORDER)


def _essay_with_series(row, db, essay_columns, series_by_id=None):
    """An essay and its series from one row of `essay_columns` then SERIES_COLUMNS; a list's
    essays of one series share one Series (in `series_by_id`)."""
    essay = Essay.from_db(db, essay_columns, row[: len(essay_columns)])
    series_by_id = {} if series_by_id is None else series_by_id
    series = series_by_id.get(essay.series_id)
    if series is None:
        series_row = row[len(essay_columns) :]
        series = series_by_id[essay.series_id] = Series.from_db(db, SERIES_COLUMNS, series_row)
    essay.series = series
    return essay


def _series_columns():
    return (f"series__{column}" for column in SERIES_COLUMNS)


# The essay page

_essay = PreparedQuery(
    Essay,
    lambda with_drafts, slug, now: (
        Essay.objects.visible(with_drafts=with_drafts, at=now)
        .filter(slug=slug)
        .values_list(*ESSAY_PAGE_COLUMNS, *_series_columns())
    ),
    slug=str,
    now=datetime.datetime,
)
_authors = PreparedQuery(
    Author,
    lambda essay_id: (
        Author.objects.filter(bylines__essay_id=essay_id)
        .order_by("bylines__position")
        .values_list(*AUTHOR_COLUMNS)
    ),
    essay_id=int,
)
_outline = PreparedQuery(
    Essay,
    lambda series_id, now: (
        Essay.objects.filter(series_id=series_id)
        .in_series_outline(at=now)
        .order_by("series_position")
        .values_list("pk", "title", "slug", "series_position", "is_live")
    ),
    series_id=int,
    now=datetime.datetime,
)
_case_studies = PreparedQuery(
    CaseStudy,
    lambda essay_id, now: (
        CaseStudy.objects.published(now).mentioned_in(essay_id).values_list(*CASE_STUDY_COLUMNS)
    ),
    essay_id=int,
    now=datetime.datetime,
)


def essay_for_page(slug, *, with_drafts, at) -> Essay | None:
    """The essay at `slug` with its series and authors, if readers may see it at `at` (or, with
    drafts, if it is not in the trash)."""
    rows = _essay.rows(with_drafts, slug=slug, now=at)
    if not rows:
        return None
    essay = _essay_with_series(rows[0], rows.db, ESSAY_PAGE_COLUMNS)
    authors = _authors.rows(essay_id=essay.pk)
    essay.authors = [Author.from_db(authors.db, AUTHOR_COLUMNS, row) for row in authors]
    return essay


def series_outline(series_id, *, at) -> SeriesOutline:
    rows = _outline.rows(series_id=series_id, now=at)
    return SeriesOutline([OutlineEntry(*row) for row in rows])


def case_studies_mentioned_in(essay_id, *, at) -> list[CaseStudy]:
    """The published case studies an essay is about (`CaseStudyQuerySet.mentioned_in`)."""
    rows = _case_studies.rows(essay_id=essay_id, now=at)
    return [CaseStudy.from_db(rows.db, CASE_STUDY_COLUMNS, row) for row in rows]


# /essays/


def _essay_list_page(offset, limit, now):
    return published_essays_in_series_order(now)[offset : offset + limit]


def _published_count(now):
    """How many essays are published, as one value. COUNT() as a plain function: Count() in
    values_list() would group by every column."""
    count = models.Func("pk", function="COUNT", output_field=models.IntegerField())
    return Essay.objects.published(now).order_by().values_list(count)


_essay_count = PreparedQuery(Essay, _published_count, now=datetime.datetime)
_essay_list = PreparedQuery(
    Essay,
    # A row for each essay of the page and each of its authors (one, with no author, for an
    # essay without), in order; each row ends with how many essays there are in all (a subquery
    # the database runs once): a page is one query.
    lambda offset, limit, now: (
        Essay.objects.filter(pk__in=_essay_list_page(offset, limit, now).values("pk"))
        .annotate(total=models.Subquery(_published_count(now)))
        .order_by(*IN_SERIES_ORDER, "bylines__position")
        .values_list(
            *ESSAY_LIST_COLUMNS,
            *_series_columns(),
            *(f"bylines__author__{column}" for column in AUTHOR_COLUMNS),
            "total",
        )
    ),
    now=datetime.datetime,
)


class PublishedEssays:
    """The published essays in series order, at the one moment `at`, as Django's Paginator
    reads them: `page()` reads a page with the count (a later page is counted first), `count()`
    and slices for any other use."""

    model = Essay

    def __init__(self, at=None):
        self.at = at or timezone.now()
        self._read = {}  # (offset, limit) -> essays

    def page(self, number, per_page) -> Page:
        """Page `number` by Django's Paginator rules (EmptyPage past the last page). The first
        page is one query; a later one is read (and its SQL compiled) only if it exists."""
        paginator = Paginator(self, per_page)
        if number != 1:
            paginator.validate_number(number)  # counts
        essays, total = self._page((number - 1) * per_page, per_page)
        paginator.count = total  # as the page's rows say (none: no essays past them)
        return paginator.page(number)

    def count(self) -> int:
        rows = _essay_count.rows(now=self.at)
        return rows[0][0] if rows else 0

    def __getitem__(self, page: slice) -> list[Essay]:
        offset = page.start or 0
        for (read_offset, limit), essays in self._read.items():
            if read_offset == offset and page.stop - offset <= limit:
                return essays[: page.stop - offset]
        return self._page(offset, page.stop - offset)[0]

    def _page(self, offset, limit) -> tuple[list[Essay], int]:
        rows = _essay_list.rows(offset, limit, now=self.at)
        essays, series_by_id, authors_by_id = {}, {}, {}
        author_at = len(ESSAY_LIST_COLUMNS) + len(SERIES_COLUMNS)
        for row in rows:
            essay = essays.get(row[0])
            if essay is None:
                essay = essays[row[0]] = _essay_with_series(
                    row[:author_at], rows.db, ESSAY_LIST_COLUMNS, series_by_id
                )
                essay.authors = []
            author_row = row[author_at:-1]
            if author_row[0] is not None:
                author = authors_by_id.get(author_row[0])
                if author is None:
                    author = authors_by_id[author_row[0]] = Author.from_db(
                        rows.db, AUTHOR_COLUMNS, author_row
                    )
                essay.authors.append(author)
        essays = self._read[offset, limit] = list(essays.values())
        return essays, rows[0][-1] if rows else 0
