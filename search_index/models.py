"""The stored search index: one row per essay or case study, holding the text its page shows.

Every item not in the trash has a row, drafts too; whether readers may see the item is never
stored here but asked of the item itself at search time (`SearchDocument.objects.visible()`
applies `published()`), so scheduling, publishing and unpublishing need no write to the index
and a draft's row can never be found. A row changes only when the item's text does: rendering an
item (essays.services.render_essay, portfolio.services.render_case_study) rewrites it, moving the
item to the trash removes it, deleting the item deletes it (CASCADE). `search_index.documents`
writes it; `civicdata.search` reads it.

How each database searches it:

- PostgreSQL: `vector`, the weighted tsvector of the three texts (title A, headings B, the rest
  C), written with the row, with a GIN index (migration 0001).
- SQLite: `SearchText`, an FTS5 table over this one (external content, Porter tokenizer), kept in
  step by triggers on this table (migration 0001); `vector` stays empty. If a later migration
  alters this table, SQLite rebuilds it and its triggers are lost: re-create them there
  (`migration 0001`'s `FTS5_SQL`).
"""

import sqlite3
from contextlib import closing
from functools import cache

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from essays.models import Essay
from portfolio.models import CaseStudy


class SearchDocumentQuerySet(models.QuerySet):
    def visible(self):
        """Rows of the items readers may see now: THE visibility rule, the items' `published()`."""
        return self.filter(
            models.Q(essay__in=Essay.objects.published())
            | models.Q(case_study__in=CaseStudy.objects.published())
        )


class SearchDocument(models.Model):
    essay = models.OneToOneField(
        Essay, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    case_study = models.OneToOneField(
        CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    title = models.TextField()
    headings = models.TextField(blank=True, help_text="The headings in the body, in order.")
    text = models.TextField(blank=True, help_text="The summary, then the body as readers read it.")
    vector = SearchVectorField(null=True, editable=False)  # PostgreSQL only

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(essay__isnull=True) ^ models.Q(case_study__isnull=True),
                name="search_document_of_one_item",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def item(self):
        return self.essay if self.essay_id is not None else self.case_study


@cache
def fts5_available() -> bool:
    """Whether this Python's SQLite has FTS5 (asked of a throwaway in-memory database)."""
    try:
        with closing(sqlite3.connect(":memory:")) as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.Error:
        return False
    return True


class FTS5MatchField(models.TextField):
    """FTS5's hidden column named after its table: `MATCH` against it searches every column,
    and FTS5's functions (`bm25`, `snippet`) take it as their first argument."""


@FTS5MatchField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchText(models.Model):
    """SQLite only: the FTS5 table over SearchDocument, made and kept in step by migration 0001
    (where this Python's SQLite has FTS5). Read-only: its triggers write it."""

    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        related_name="fts5",
    )
    title = models.TextField()
    headings = models.TextField()
    text = models.TextField()
    match = FTS5MatchField(db_column="search_index_searchtext")

    class Meta:
        managed = False
        db_table = "search_index_searchtext"

    def __str__(self):
        return self.title
