"""Writing the search index (search_index.models): an item's row holds the text its page shows.

The title, then the headings in its body, then its summary and body. The body is the stored,
sanitized `body_html` read as text, so a placeholder's notes, editor notes and drafts' own notes
are never indexed; a section heading's "#" link is page furniture, not text.
"""

import html
import re
from dataclasses import asdict, dataclass

from django.contrib.postgres.search import SearchVector
from django.db import connections, router, transaction

from essays.models import Essay
from portfolio.models import CaseStudy

from .models import SearchDocument

CONFIG = "english"  # PostgreSQL's text search configuration: English stemming

# The marks around a matched word in a snippet (civicdata.search): never in indexed text.
START, STOP = "\x02", "\x03"


# A comment or declaration, or a start or end tag (an attribute value may hold ">": nh3 leaves
# it unescaped).
_TAG = re.compile(
    r"""<!--.*?-->|<[!?][^>]*>|<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.S
)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _readable_text(body_html) -> tuple[str, list[str]]:
    """The text of stored HTML as readers read it (each tag a space between words), and its
    headings apart. Our own HTML (sanitized, or our templates') is read tag by tag, as Python's
    HTMLParser would, several times faster."""
    text, headings = [], []
    heading = None  # the words of the heading being read
    in_anchor = False  # inside a section heading's "#" link: page furniture, not text
    position = 0
    for tag in (*_TAG.finditer(body_html), None):
        data = body_html[position : tag.start() if tag else len(body_html)]
        if data and not in_anchor:
            data = html.unescape(data)
            text.append(data)
            if heading is not None:
                heading.append(data)
        if tag is None:
            break
        position = tag.end()
        closing, name, attributes = tag.groups()
        if name is None:  # a comment or declaration
            continue
        name = name.lower()
        if not closing:
            if name == "a" and "heading-anchor" in _class_of(attributes).split():
                in_anchor = True
            elif name in _HEADINGS:
                heading = []
            text.append(" ")
        if closing or attributes.endswith("/"):
            if name == "a":
                in_anchor = False
            elif name in _HEADINGS and heading is not None:
                headings.append("".join(heading))
                heading = None
            text.append(" ")
    return "".join(text), headings


def _class_of(attributes) -> str:
    if match := _CLASS.search(attributes):
        return html.unescape(next(value for value in match.groups() if value is not None))
    return ""


def _plain(text):
    return " ".join(text.split()).replace(START, "").replace(STOP, "")


@dataclass(frozen=True)
class IndexedText:
    title: str
    headings: str
    text: str

    @classmethod
    def of(cls, *, title, summary, body_html):
        text, headings = _readable_text(body_html)
        return cls(
            title=_plain(title),
            headings=_plain(" ".join(headings)),
            text=_plain(f"{summary} {text}"),
        )


def weighted_vector():
    """PostgreSQL: a row's tsvector from its stored texts, weighted title A, headings B, rest C."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("headings", weight="B", config=CONFIG)
        + SearchVector("text", weight="C", config=CONFIG)
    )


def _item_field(item):
    return "case_study" if isinstance(item, CaseStudy) else "essay"


def _write_vectors(documents):
    if connections[documents.db].vendor == "postgresql":
        documents.update(vector=weighted_vector())


@transaction.atomic
def index_item(item) -> None:
    """Write the index row of an essay or case study from its stored text (rendering calls
    this); an item in the trash has none."""
    if item.trashed_at is not None:
        remove_item(item)
        return
    text = IndexedText.of(title=item.title, summary=item.summary, body_html=item.body_html)
    document, _ = SearchDocument.objects.update_or_create(
        **{_item_field(item): item},
        defaults={"title": text.title, "headings": text.headings, "text": text.text},
    )
    _write_vectors(SearchDocument.objects.filter(pk=document.pk))


def remove_item(item) -> None:
    """Take an item's row out of the index (moving it to the trash)."""
    SearchDocument.objects.filter(**{_item_field(item): item}).delete()


def rebuild_index(*, using=None) -> int:
    """Index every essay and case study not in the trash afresh, in one transaction (after a
    restore, or to repair the index); returns how many rows it holds."""
    using = using or router.db_for_write(SearchDocument)
    with transaction.atomic(using=using):
        return build_index(
            essay_model=Essay,
            case_study_model=CaseStudy,
            document_model=SearchDocument,
            using=using,
        )


def build_index(*, essay_model, case_study_model, document_model, using) -> int:
    """The rebuild, with the given models (the current ones, or a data migration's)."""
    document_model.objects.using(using).all().delete()
    rows = [
        document_model(
            **{field: item},
            **asdict(
                IndexedText.of(title=item.title, summary=item.summary, body_html=item.body_html)
            ),
        )
        for field, model in (("essay", essay_model), ("case_study", case_study_model))
        for item in model.objects.using(using)
        .filter(trashed_at__isnull=True)
        .only("pk", "title", "summary", "body_html")
        .iterator()
    ]
    document_model.objects.using(using).bulk_create(rows, batch_size=500)
    _write_vectors(document_model.objects.using(using).all())
    return len(rows)
