"""Hugo files and the database: the services behind `import_hugo` and `export_hugo`.

Import writes each file in its own transaction: a bad file is reported and nothing of it is
saved, while the other files still import. An item is found by its slug, so importing a file
again updates it. The file's exact text is kept (`hugo_source`) with a digest of the item's
canonical export as imported (`hugo_source_digest`). Export writes that text unchanged while the
item's canonical export still has that digest (nobody edited it since), and the canonical export
otherwise, so a file that went through civicdata untouched comes out byte for byte as it came in.
"""

import datetime
import hashlib
import multiprocessing
import os
import re
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from addresses.services import exported_aliases, sync_hugo_aliases
from civicdata import hugo, revisions
from civicdata.hugo import HugoError
from civicdata.links import CASE_STUDY, ESSAY, old_slugs_leading_to
from civicdata.publishing import Status
from essays.models import Author, Byline, Essay, Inset, InternalLink, Pullquote, Section, Series
from essays.services import (
    EssayRendering,
    create_rendered_parts,
    prepare_new_parts,
    render_essay,
)
from portfolio.models import CaseStudy, DataSource, Partner, Topic
from portfolio.services import render_case_study

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
ACTIONS = (CREATED, UPDATED, UNCHANGED, FAILED)

_FILE_NAME = re.compile(r"[-\w]+")


# --- Finding the files -------------------------------------------------------------------------


@dataclass(frozen=True)
class HugoFile:
    path: Path
    name: str  # the path as messages show it
    in_portfolio: bool  # under a folder named portfolio: a case study

    @property
    def default_slug(self) -> str:
        """The slug Hugo gives the page: the file name, or the folder of a page bundle."""
        stem = self.path.stem.lower()
        return self.path.parent.name.lower() if stem == "index" else stem


def find_hugo_files(paths) -> list[HugoFile]:
    """The Markdown files named by `paths` (files, or folders searched recursively), essays
    before case studies (so related essays resolve), each sorted by path.

    Names starting with "_" are left out: Hugo's `_index.md` is a list page, not an item.
    Raises FileNotFoundError for a path that does not exist.
    """
    found = {}
    for given in map(Path, paths):
        if given.is_dir():
            root = given.resolve().parent  # the folder's own name counts: `portfolio/`
            candidates = [
                (path, path.resolve().relative_to(root).parts) for path in given.rglob("*.md")
            ]
        elif given.is_file():
            candidates = [(given, given.parts)]
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
        for path, parts in candidates:
            if path.is_file() and not path.name.startswith("_"):
                in_portfolio = "portfolio" in parts[:-1]
                found.setdefault(path.resolve(), HugoFile(path, str(path), in_portfolio))
    return sorted(found.values(), key=lambda hugo_file: (hugo_file.in_portfolio, hugo_file.name))


def read_hugo_text(path: Path) -> str:
    """A file's text, refusing files over the size limit, invalid UTF-8 and NUL characters."""
    limit = settings.CIVICDATA_HUGO_MAX_FILE_BYTES
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise HugoError(f"cannot read the file: {error.strerror}") from None
    if len(data) > limit:
        raise HugoError(f"the file is larger than the limit of {limit} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise HugoError("the file is not valid UTF-8 text", line) from None
    if "\x00" in text:
        raise HugoError(
            "the file contains a NUL character", text.count("\n", 0, text.index("\x00")) + 1
        )
    return text


# --- Import ------------------------------------------------------------------------------------


@dataclass
class FileResult:
    file: HugoFile
    action: str  # one of ACTIONS
    item: Essay | CaseStudy | None = None
    error: str = ""  # "path:line: message" when the file failed
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    results: list[FileResult]
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for result in self.results if result.action == action)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def summary(self) -> str:
        return ", ".join(f"{action} {self.count(action)}" for action in ACTIONS)


def import_hugo_files(files, *, dry_run: bool = False, on_result=None) -> ImportReport:
    """Import Hugo files in order, each in its own transaction, calling `on_result(result)`
    after each. Then everything linking to an imported item is re-rendered, so links between
    files of one run resolve whatever their order. With `dry_run` nothing is saved."""
    seen_slugs = {}
    results = []
    for hugo_file, read in zip(files, read_ahead(files), strict=True):
        result = import_hugo_file(hugo_file, seen_slugs=seen_slugs, dry_run=dry_run, read=read)
        results.append(result)
        if on_result is not None:
            on_result(result)
    if not dry_run:
        refresh_links_to_imported(
            [result.item for result in results if result.action in (CREATED, UPDATED)]
        )
    return ImportReport(results, dry_run=dry_run)


@dataclass
class ReadFile:
    """What a file holds, as far as it is known without the database: its text and document
    and, for an essay, its parts prepared (essays.services.prepare_new_parts); or why the file
    cannot be read."""

    text: str = ""
    document: hugo.EssayDocument | hugo.CaseStudyDocument | None = None
    parts: EssayRendering | None = None
    error: HugoError | None = None


def read_file(hugo_file: HugoFile) -> ReadFile:
    """Read and parse a file, and prepare an essay's parts: all an import can do before it
    asks the database anything. Reports a bad file, as importing it would."""
    try:
        text = read_hugo_text(hugo_file.path)
        document = hugo.parse_document(
            text, default_slug=hugo_file.default_slug, case_study=hugo_file.in_portfolio
        )
    except HugoError as error:
        return ReadFile(error=error)
    parts = None
    if isinstance(document, hugo.EssayDocument):
        parts = prepare_new_parts(**_new_parts(document))
    return ReadFile(text, document, parts)


# Files read ahead of the one being written: enough to keep the reading process busy, few
# enough that memory stays flat.
READ_AHEAD = 4


def read_ahead(files):
    """read_file() of each file, in order. With a second CPU, a second process reads the next
    files while this one writes: reading and parsing is much of an import's work, and needs
    no database. A single file, or a single CPU, is read here."""
    if len(files) < 2 or (os.cpu_count() or 1) < 2:
        yield from map(read_file, files)
        return
    # Forked, the reader has this process's settings (as tests override them) without
    # starting Django again; it never touches the database.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as reader:
        pending = deque()
        for hugo_file in files:
            pending.append(reader.submit(read_file, hugo_file))
            if len(pending) > READ_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def import_hugo_file(
    hugo_file: HugoFile, *, seen_slugs: dict, dry_run: bool = False, read: ReadFile | None = None
):
    """Import one file in one transaction (rolled back for a dry run) and say what happened.

    `seen_slugs` maps (kind, slug) to the file that used it earlier in the same run: a second
    file with the same slug is an error rather than a silent overwrite. `read`: the file as
    read_file() read it, if it was read already.
    """
    warnings = []
    read = read or read_file(hugo_file)
    try:
        if read.error is not None:
            raise read.error
        text, document = read.text, read.document
        key = (type(document).__name__, document.slug)
        if key in seen_slugs:
            raise HugoError(
                f"the slug “{document.slug}” is already used by {seen_slugs[key]} in this import",
                document.key_lines.get("slug", 1),
            )
        seen_slugs[key] = hugo_file.name
        with (
            transaction.atomic(),
            revisions.recording(comment=f"Imported from {hugo_file.name}"),
        ):
            if isinstance(document, hugo.EssayDocument):
                action, item = save_essay(document, source=text, parts=read.parts)
            else:
                action, item = save_case_study(document, source=text, warnings=warnings)
            # Hugo `aliases:` (kept in front_matter_extra for export) become old addresses.
            warnings.extend(sync_hugo_aliases(item, document.extra.get("aliases")))
            if action != UNCHANGED and not dry_run:
                revisions.include(item)  # stored once, with its parts, as the import left it
            if dry_run:
                transaction.set_rollback(True)
    except HugoError as error:
        where = f"{hugo_file.name}:{error.line}" if error.line else hugo_file.name
        return FileResult(hugo_file, FAILED, error=f"{where}: {error.message}")
    except (DatabaseError, ValidationError) as error:
        # Content is checked before it is written; this is a last line of defence.
        return FileResult(hugo_file, FAILED, error=f"{hugo_file.name}: could not be saved: {error}")
    return FileResult(hugo_file, action, item if dry_run else _for_report(item), warnings=warnings)


# What the report and the link refresh read; an item's other fields load when first read.
_REPORT_FIELDS = ("id", "slug", "title", "status", "publish_at", "expire_at", "trashed_at")


def _for_report(item):
    """`item` with only _REPORT_FIELDS loaded, so a run of thousands of files does not keep
    every text and rendered body in memory until it ends."""
    names = [f.attname for f in item._meta.concrete_fields if f.attname in _REPORT_FIELDS]
    return type(item).from_db(item._state.db, names, [getattr(item, name) for name in names])


def refresh_links_to_imported(items) -> int:
    """Re-render every item whose recorded links to `items` no longer match what readers can
    see: links to an item imported (published) after the file linking to it, or to an item
    now a draft. The effect of civicdata.links.refresh_links_to for each item, but each linking
    item is re-rendered once, and only when one of its links changed. Returns how many."""
    stale = set()
    for kind, model in ((ESSAY, Essay), (CASE_STUDY, CaseStudy)):
        imported = [item for item in items if isinstance(item, model)]
        if not imported:
            continue
        slugs = {item.slug for item in imported}
        published = {item.slug for item in imported if item.is_published}
        # A link may name an item by an old address (a Hugo alias among them): it follows it,
        # unless an item has that slug now.
        leading_to = old_slugs_leading_to(kind, slugs)
        links = InternalLink.objects.filter(
            target_kind=kind, target_slug__in=slugs | set(leading_to)
        ).values_list("source_type", "source_id", "target_slug", "resolved")
        stale.update(
            (source_type, source_id)
            for source_type, source_id, slug, resolved in links
            if resolved != ((slug if slug in slugs else leading_to[slug]) in published)
        )
    count = 0
    for model, render_item in ((Essay, render_essay), (CaseStudy, render_case_study)):
        source_type = ContentType.objects.get_for_model(model).pk
        ids = {source_id for type_id, source_id in stale if type_id == source_type}
        for item in model.objects.filter(pk__in=ids):
            render_item(item)
            count += 1
    return count


def save_essay(
    document: hugo.EssayDocument, *, source: str, parts: EssayRendering | None = None
) -> tuple[str, Essay]:
    """Create or update the essay `document` describes, replacing its parts; returns the action
    and the essay. Call inside a transaction. `parts`: the document's parts as read_file()
    prepared them, if it did."""
    existing = Essay.objects.select_related("series").filter(slug=document.slug).first()
    _refuse_if_trashed(existing, document)
    if existing is not None and _unchanged(existing, source):
        return UNCHANGED, existing
    _check_length(Essay, "title", document.title, "the title", document.key_lines.get("title"))
    _check_length(Essay, "slug", document.slug, "the slug", document.key_lines.get("slug"))
    series = _series(document)
    position = _series_position(document, series, existing)
    authors = [_author(name, document) for name in document.authors]

    essay = existing or Essay(slug=document.slug)
    essay.title = document.title
    essay.date = _as_date(document.date)
    _set_status_and_schedule(essay, document)
    essay.series = series
    essay.series_position = position
    essay.summary = document.summary
    essay.announced = document.announced
    essay.front_matter_extra = _extra_with_date(document)
    essay.front_matter_format = document.front_matter_format
    essay.hugo_source = source
    essay.save()

    kept = {}
    if existing is not None:
        kept = _editorial_state_by_heading(essay)
        for related in (essay.insets, essay.pullquotes, essay.sections, essay.bylines):
            related.all().delete()
    Byline.objects.bulk_create(
        Byline(essay=essay, author=author, position=position)
        for position, author in enumerate(authors, start=1)
    )
    _check_part_lengths(document)
    parts = parts or prepare_new_parts(**_new_parts(document))
    for section in parts.sections:
        if previous := kept.pop(section.heading, None):
            section.assignee_id = previous.assignee_id
            if previous.drafting_status == section.drafting_status:
                section.status_changed_at = previous.status_changed_at
    create_rendered_parts(essay, parts)

    def as_saved(essay):  # what canonical_text would read back, without reading it
        return hugo.serialize_essay(
            _essay_document(
                essay,
                sections=parts.sections,
                insets=parts.insets,
                pullquotes=parts.pullquotes,
                authors=[author.name for author in authors],
            )
        )

    _store_digest(essay, canonical=as_saved)
    return (UPDATED if existing else CREATED), essay


def _check_part_lengths(document):
    for part in document.sections:
        _check_length(Section, "heading", part.heading, "the heading", part.line)
    blocks = [*document.top_blocks, *(block for part in document.sections for block in part.blocks)]
    for block in blocks:
        if block.kind == hugo.PULLQUOTE:
            _check_length(
                Pullquote, "attribution", block.attribution, "the attribution", block.line
            )


def _new_parts(document) -> dict:
    """The document's sections, insets and pullquotes as new, unsaved objects of no essay yet."""
    sections = [
        Section(
            position=position,
            heading=part.heading,
            heading_level=part.heading_level,
            body=part.body,
            drafting_status=part.drafting_status,
            editor_note=part.editor_note,
        )
        for position, part in enumerate(document.sections, start=1)
    ]
    placed = [(None, block) for block in document.top_blocks]
    for section, part in zip(sections, document.sections, strict=True):
        placed.extend((section, block) for block in part.blocks)
    insets, pullquotes = [], []
    for section, block in placed:
        fields = {"section": section, "after_paragraph": block.after_paragraph, "body": block.body}
        if block.kind == hugo.INSET:
            insets.append(Inset(**fields))
        else:
            pullquotes.append(Pullquote(**fields, attribution=block.attribution))
    return {"sections": sections, "insets": insets, "pullquotes": pullquotes}


def _editorial_state_by_heading(essay):
    """What editors set on sections that a file does not hold (who drafts it, since when), so
    a re-imported section with the same heading keeps it."""
    kept = {}
    for section in essay.sections.order_by("position"):
        kept.setdefault(section.heading, section)
    return kept


def _series(document):
    if document.series is None:
        return Series.get_default()
    line = document.key_lines.get("series")
    slug = slugify(document.series)
    if not slug:
        raise HugoError("the series name needs letters or digits", line)
    _check_length(Series, "title", document.series, "the series name", line)
    _check_length(Series, "slug", slug, "the series name", line)
    if slug == settings.CIVICDATA_DEFAULT_SERIES["slug"]:
        return Series.get_default()
    series, _ = Series.objects.get_or_create(slug=slug, defaults={"title": document.series})
    return series


def _series_position(document, series, existing):
    """The weight, checked to be free in the series; without one, the essay keeps its place or
    joins the end of the series."""
    others = Essay.objects.filter(series=series)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if document.weight is not None:
        holder = others.filter(series_position=document.weight).first()
        if holder is not None:
            raise HugoError(
                f"weight {document.weight} is already the place of the essay “{holder.title}” "
                f"({holder.slug}) in the series “{series.title}”",
                document.key_lines.get("weight"),
            )
        return document.weight
    if existing is not None and existing.series_id == series.pk:
        return existing.series_position
    return (others.aggregate(last=Max("series_position"))["last"] or 0) + 1


def _author(name, document):
    line = document.key_lines.get("author") or document.key_lines.get("authors")
    _check_length(Author, "name", name, "an author's name", line)
    author, _ = Author.objects.get_or_create(name=name)
    return author


def save_case_study(
    document: hugo.CaseStudyDocument, *, source: str, warnings: list | None = None
) -> tuple[str, CaseStudy]:
    """Create or update the case study `document` describes, replacing its partners, data
    sources, topics and related essays; returns the action and the case study. Call inside a
    transaction. Topics are found by their slug, and created when new.

    A related essay that does not exist is kept in front_matter_extra (and exported again), so
    the reference survives until that essay is imported; a note is added to `warnings`.
    """
    existing = CaseStudy.objects.filter(slug=document.slug).first()
    _refuse_if_trashed(existing, document)
    if existing is not None and _unchanged(existing, source):
        return UNCHANGED, existing
    lines = document.key_lines
    _check_length(CaseStudy, "title", document.title, "the title", lines.get("title"))
    _check_length(CaseStudy, "slug", document.slug, "the slug", lines.get("slug"))
    for partner in document.partners:
        for name in ("organization", "role"):
            what = f"the partner's {name}"
            _check_length(Partner, name, getattr(partner, name), what, lines.get("partners"))
    for data_source in document.data_sources:
        for name in ("name", "owner"):
            what = f"the data source's {name}"
            value = getattr(data_source, name)
            _check_length(DataSource, name, value, what, lines.get("data_sources"))
    topics = _topics(document)
    related = {
        essay.slug: essay for essay in Essay.objects.filter(slug__in=document.related_essays)
    }
    missing = [slug for slug in document.related_essays if slug not in related]

    case_study = existing or CaseStudy(slug=document.slug)
    case_study.title = document.title
    case_study.date = _as_date(document.date)
    _set_status_and_schedule(case_study, document)
    case_study.summary = document.summary
    case_study.body = document.body
    case_study.stage = document.stage
    for name in hugo.CASE_STUDY_TEXTS:
        setattr(case_study, name, getattr(document, name))
    case_study.front_matter_extra = _extra_with_date(document)
    if missing:
        case_study.front_matter_extra["related_essays"] = missing
    case_study.front_matter_format = document.front_matter_format
    case_study.hugo_source = source
    case_study.save()

    case_study.partners.all().delete()
    Partner.objects.bulk_create(
        Partner(
            case_study=case_study,
            organization=partner.organization,
            role=partner.role,
            position=position,
        )
        for position, partner in enumerate(document.partners, start=1)
    )
    case_study.data_sources.all().delete()
    DataSource.objects.bulk_create(
        DataSource(
            case_study=case_study,
            name=data_source.name,
            owner=data_source.owner,
            description=data_source.description,
            limitations=data_source.limitations,
            position=position,
        )
        for position, data_source in enumerate(document.data_sources, start=1)
    )
    case_study.topics.set(topics)
    case_study.related_essays.set(related.values())
    if warnings is not None:
        warnings.extend(
            f"related essay “{slug}” is not in the database; kept for export" for slug in missing
        )
    render_case_study(case_study)
    _store_digest(case_study)
    return (UPDATED if existing else CREATED), case_study


def _topics(document) -> list[Topic]:
    """The document's topics, found by slug (so "Data sharing" and "data sharing" are one) or
    created with the name the file gives."""
    line = document.key_lines.get("topics")
    by_slug = {}
    for name in document.topics:
        slug = slugify(name)
        if not slug:
            raise HugoError(f"the topic “{name}” needs letters or digits", line)
        if slug in by_slug:
            raise HugoError(f"the topics “{by_slug[slug]}” and “{name}” are the same topic", line)
        _check_length(Topic, "name", name, "a topic", line)
        _check_length(Topic, "slug", slug, "a topic", line)
        by_slug[slug] = name
    existing = {topic.slug: topic for topic in Topic.objects.filter(slug__in=by_slug)}
    return [
        existing.get(slug) or Topic.objects.create(slug=slug, name=name)
        for slug, name in by_slug.items()
    ]


def _check_length(model, field_name, value, what, line=None):
    limit = model._meta.get_field(field_name).max_length
    if len(value) > limit:
        raise HugoError(f"{what} is longer than {limit} characters", line)


def _refuse_if_trashed(existing, document):
    if existing is not None and existing.trashed_at is not None:
        name = existing._meta.verbose_name
        raise HugoError(
            f"the {name} “{document.slug}” is in the trash: an editor restores it, or empties "
            "the trash, before it is imported again",
            document.key_lines.get("slug", 1),
        )


def _set_status_and_schedule(item, document):
    if document.draft:
        item.status = document.status or Status.DRAFT
    else:
        item.status = Status.PUBLISHED
    item.publish_at = _as_moment(document.publish_at)
    item.expire_at = _as_moment(document.expire_at)


def _as_moment(value) -> datetime.datetime | None:
    """A front-matter date or datetime as an aware datetime; a day starts at midnight and times
    without a zone are in the site's zone, as Hugo reads them in its own."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _status_and_schedule(item) -> dict:
    """The fields of a Hugo document that say whether and when readers see `item`."""
    return {
        "draft": item.status != Status.PUBLISHED,
        "status": item.status if item.status in hugo.DRAFT_STATUSES else None,
        "publish_at": item.publish_at,
        "expire_at": item.expire_at,
    }


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _extra_with_date(document):
    """Front matter kept for export; a date with a time keeps its time here, as Essay.date and
    CaseStudy.date hold only the day."""
    extra = dict(document.extra)
    if isinstance(document.date, datetime.datetime):
        extra["date"] = document.date.isoformat()
    return extra


def _front_matter_date(day: datetime.date, kept):
    """The date as the front matter gave it, while its day is still the item's date."""
    if isinstance(kept, str):
        try:
            moment = datetime.datetime.fromisoformat(kept)
        except ValueError:
            return day
        if moment.date() == day:
            return moment
    return day


def _unchanged(item, source: str) -> bool:
    """The file is the one last imported, and nobody changed the item since."""
    return item.hugo_source == source and item.hugo_source_digest == source_digest(
        canonical_text(item)
    )


def _store_digest(item, canonical=None):
    # PostgreSQL's jsonb reorders keys: digest the extra fields as export will read them back.
    item.front_matter_extra = (
        type(item).objects.values_list("front_matter_extra", flat=True).get(pk=item.pk)
    )
    item.hugo_source_digest = source_digest((canonical or canonical_text)(item))
    type(item).objects.filter(pk=item.pk).update(hugo_source_digest=item.hugo_source_digest)


# --- Export ------------------------------------------------------------------------------------


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def essay_document(essay: Essay) -> hugo.EssayDocument:
    """The essay as a Hugo document: a function of what the database holds, nothing else.
    Reads parts through .all(), so prefetched parts are used."""
    return _essay_document(
        essay,
        sections=essay.sections.all(),
        insets=essay.insets.all(),
        pullquotes=essay.pullquotes.all(),
        authors=[
            byline.author.name
            for byline in sorted(essay.bylines.all(), key=lambda byline: byline.position)
        ],
    )


def _essay_document(essay, *, sections, insets, pullquotes, authors) -> hugo.EssayDocument:
    """The essay with these parts and authors (in order) as a Hugo document."""
    extra = essay.front_matter_extra if isinstance(essay.front_matter_extra, dict) else {}
    extra = _with_old_addresses(essay, extra)
    date = _front_matter_date(essay.date, extra.pop("date", None))
    sections = sorted(sections, key=lambda section: section.position)
    blocks = {}
    for kind, model_blocks in ((hugo.INSET, insets), (hugo.PULLQUOTE, pullquotes)):
        for block in sorted(model_blocks, key=lambda block: block.pk):
            blocks.setdefault(block.section_id, []).append(
                hugo.Block(
                    kind=kind,
                    body=block.body,
                    after_paragraph=block.after_paragraph,
                    attribution=getattr(block, "attribution", ""),
                )
            )
    default_series = settings.CIVICDATA_DEFAULT_SERIES["slug"]
    return hugo.EssayDocument(
        title=essay.title,
        slug=essay.slug,
        date=date,
        **_status_and_schedule(essay),
        authors=authors,
        series=None if essay.series.slug == default_series else essay.series.title,
        weight=essay.series_position,
        summary=essay.summary,
        announced=essay.announced,
        top_blocks=blocks.get(None, []),
        sections=[
            hugo.Section(
                heading=section.heading,
                body=section.body,
                heading_level=section.heading_level,
                drafting_status=str(section.drafting_status),
                editor_note=section.editor_note,
                blocks=blocks.get(section.pk, []),
            )
            for section in sections
        ],
        extra=extra,
        front_matter_format=essay.front_matter_format,
    )


def case_study_document(case_study: CaseStudy) -> hugo.CaseStudyDocument:
    """The case study as a Hugo document; related essays sorted by slug, those still missing
    from the database included."""
    extra = case_study.front_matter_extra if isinstance(case_study.front_matter_extra, dict) else {}
    extra = _with_old_addresses(case_study, extra)
    date = _front_matter_date(case_study.date, extra.pop("date", None))
    missing = extra.pop("related_essays", [])
    related = {essay.slug for essay in case_study.related_essays.all()}
    related.update(slug for slug in missing if isinstance(slug, str))
    partners = sorted(case_study.partners.all(), key=lambda partner: partner.position)
    sources = sorted(case_study.data_sources.all(), key=lambda source: source.position)
    return hugo.CaseStudyDocument(
        title=case_study.title,
        slug=case_study.slug,
        date=date,
        **_status_and_schedule(case_study),
        summary=case_study.summary,
        body=case_study.body,
        stage=str(case_study.stage),
        topics=sorted((topic.name for topic in case_study.topics.all()), key=str.casefold),
        partners=[hugo.Partner(p.organization, p.role) for p in partners],
        data_sources=[
            hugo.DataSource(
                name=source.name,
                limitations=source.limitations,
                owner=source.owner,
                description=source.description,
            )
            for source in sources
        ],
        **{name: getattr(case_study, name) for name in hugo.CASE_STUDY_TEXTS},
        related_essays=sorted(related),
        extra=extra,
        front_matter_format=case_study.front_matter_format,
    )


def _with_old_addresses(item, extra) -> dict:
    """A copy of the kept front matter, its `aliases:` naming the item's old addresses too."""
    extra = dict(extra)
    aliases = exported_aliases(item, extra.get("aliases"))
    if aliases is not None:
        extra["aliases"] = aliases
    return extra


def canonical_text(item: Essay | CaseStudy) -> str:
    """The canonical Hugo file of an essay or case study."""
    if isinstance(item, CaseStudy):
        return hugo.serialize_case_study(case_study_document(item))
    return hugo.serialize_essay(essay_document(item))


def export_text(item: Essay | CaseStudy) -> tuple[str, bool]:
    """The file to export, and whether it is the imported file unchanged (True) rather than the
    canonical export of an item edited since (False)."""
    canonical = canonical_text(item)
    if item.hugo_source and item.hugo_source_digest == source_digest(canonical):
        return item.hugo_source, True
    return canonical, False


@dataclass
class ExportReport:
    essays: int = 0
    case_studies: int = 0
    as_imported: int = 0  # written exactly as last imported
    files: list[Path] = field(default_factory=list)


def export_hugo(outdir: Path) -> ExportReport:
    """Write every essay to OUTDIR/essays/<slug>.md and every case study to
    OUTDIR/portfolio/<slug>.md, drafts included (with draft: true); not what is in the trash."""
    outdir = Path(outdir)
    report = ExportReport()
    essays = (
        Essay.objects.present()
        .select_related("series")
        .prefetch_related("bylines__author", "sections", "insets", "pullquotes", "old_addresses")
    )
    case_studies = CaseStudy.objects.present().prefetch_related(
        "partners", "data_sources", "topics", "related_essays", "old_addresses"
    )
    for folder, items in (("essays", essays), ("portfolio", case_studies)):
        (outdir / folder).mkdir(parents=True, exist_ok=True)
        # In chunks, with their parts prefetched per chunk: memory stays flat however many.
        for item in items.order_by("slug").iterator(chunk_size=100):
            if not _FILE_NAME.fullmatch(item.slug):
                raise ValueError(f"cannot export “{item}”: its slug “{item.slug}” is no file name")
            text, as_imported = export_text(item)
            path = outdir / folder / f"{item.slug}.md"
            with open(path, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            report.files.append(path)
            report.as_imported += as_imported
            if folder == "essays":
                report.essays += 1
            else:
                report.case_studies += 1
    return report
