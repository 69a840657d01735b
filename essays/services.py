"""Writes that touch several of an essay's parts. Each runs in one transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone
from django.utils.text import slugify

from civicdata import editorial_checks as checks
from civicdata import generation, revisions
from civicdata.links import published_items, record_links, urls_of
from civicdata.markdown import ParsedMarkdown, count_words
from search_index.documents import index_item

from .models import (
    AcceptedFinding,
    DraftingStatus,
    Essay,
    Finding,
    FindingKind,
    Inset,
    Pullquote,
    Section,
)


def _unique_anchors(sections):
    seen = set()
    for section in sections:
        base = slugify(section.heading) or ("opening" if section.position == 1 else "section")
        anchor, number = base, 2
        while anchor in seen:
            anchor, number = f"{base}-{number}", number + 1
        seen.add(anchor)
        section.anchor = anchor


@transaction.atomic
def render_essay(essay: Essay) -> Essay:
    """Render an essay's sections, insets and pullquotes to sanitized HTML and store it all.

    Internal links resolve against what readers can see now; the links found are recorded.
    """
    sections = list(essay.sections.order_by("position"))
    rendering = EssayRendering(sections, list(essay.insets.all()), list(essay.pullquotes.all()))
    urls = rendering.resolve_links()
    rendering.render_sections(urls)
    Section.objects.bulk_update(sections, ["anchor", "body_html"])
    rendering.render_blocks(urls)
    _store_rendering(essay, rendering)
    return essay


def prepare_new_parts(*, sections, insets, pullquotes) -> "EssayRendering":
    """The rendering of an essay's new parts (unsaved, with no essay yet: an import), as far as
    it goes without the database: parsed, checked, and those sections rendered whose HTML
    depends on nothing else (no internal link, no image). Safe in another process."""
    rendering = EssayRendering(sections, insets, pullquotes)
    rendering.render_ahead()
    return rendering


@transaction.atomic
def create_rendered_parts(essay: Essay, rendering: "EssayRendering") -> Essay:
    """Save the new parts `prepare_new_parts` prepared, for an essay that has none (new, or its
    parts just removed), and store its rendering as render_essay would: each section is written
    once, with its HTML."""
    for part in rendering.parts:
        part.essay = essay
    urls = rendering.resolve_links()
    rendering.render_sections(urls)
    Section.objects.bulk_create(rendering.sections)
    for blocks in (rendering.insets, rendering.pullquotes):
        if blocks:
            type(blocks[0]).objects.bulk_create(blocks)
    rendering.render_blocks(urls)  # their footnotes are named after their pk
    _store_rendering(essay, rendering)
    return essay


class EssayRendering:
    """An essay's parts, each parsed once: read for its internal links and by the editorial
    checks, then rendered."""

    def __init__(self, sections, insets, pullquotes):
        by_pk = {section.pk: section for section in sections if section.pk is not None}
        for block in (*insets, *pullquotes):
            if block.section_id is not None and block.section_id in by_pk:
                block.section = by_pk[block.section_id]  # no query for each block's section
        self.sections = sections
        self.insets = _in_reading_order(insets)
        self.pullquotes = _in_reading_order(pullquotes)
        self.parts = [*self.sections, *self.insets, *self.pullquotes]
        self.parsed = [ParsedMarkdown(part.body) for part in self.parts]
        self.rendered = [None] * len(self.parts)
        self.targets = set().union(*(parsed.internal_targets() for parsed in self.parsed))
        # Before rendering, which changes the tokens the checks read.
        tokens = {
            id(part): parsed.tokens for part, parsed in zip(self.parts, self.parsed, strict=True)
        }
        self.findings = essay_findings(
            sections, self.insets, self.pullquotes, lambda part: tokens[id(part)]
        )
        _unique_anchors(sections)

    def resolve_links(self):
        """Resolve the parts' internal links against what readers can see now; returns the URLs
        the renderer reads."""
        self.published = published_items(self.targets)
        return urls_of(self.published)

    def _render(self, index, footnote_prefix, urls):
        rendered = self.parsed[index].render(resolve_link=urls.get, footnote_prefix=footnote_prefix)
        self.parts[index].body_html = rendered.html
        self.rendered[index] = rendered

    def render_ahead(self):
        """Render the parts whose HTML asks nothing of the site (no internal link to resolve,
        no image to look up) and, for an inset or pullquote, nothing of its own row: its pk
        names its footnotes, so one with footnotes waits until it is saved."""
        for index, part in enumerate(self.parts):
            parsed = self.parsed[index]
            if parsed.asks_the_site():
                continue
            if isinstance(part, Section):
                self._render(index, part.anchor, {})
            elif not parsed.has_footnotes():
                self._render(index, None, {})

    def render_sections(self, urls):
        for index, section in enumerate(self.sections):
            if self.rendered[index] is None:
                self._render(index, section.anchor, urls)

    def render_blocks(self, urls):
        """Render the insets and pullquotes not rendered yet, saved already, and store their
        HTML."""
        rendering = {Inset: [], Pullquote: []}
        for index in range(len(self.sections), len(self.parts)):
            if self.rendered[index] is None:
                block = self.parts[index]
                self._render(index, f"{type(block).__name__.lower()}-{block.pk}", urls)
                rendering[type(block)].append(block)
        for model, blocks in rendering.items():
            if blocks:
                model.objects.bulk_update(blocks, ["body_html"])

    @property
    def section_html(self):
        """Each section's rendering, by its pk."""
        rendered = self.rendered[: len(self.sections)]
        return {section.pk: html for section, html in zip(self.sections, rendered, strict=True)}

    @property
    def link_reports(self):
        return [report for rendered in self.rendered for report in rendered.links]


def _in_reading_order(blocks):
    """The top of the essay first, then each section's blocks paragraph by paragraph; blocks at
    one spot stay in the order given (saved, or to be saved), whatever the database."""

    def spot(block):
        return (block.section.position if block.section is not None else 0, block.after_paragraph)

    return sorted(blocks, key=spot)


def _store_rendering(essay, rendering):
    sections = rendering.sections
    essay.body_html = _assemble_body(
        sections, rendering.section_html, rendering.insets, rendering.pullquotes
    )
    essay.table_of_contents = [
        {"anchor": s.anchor, "heading": s.heading, "still_being_written": s.is_open}
        for s in sections
        if s.heading
    ]
    essay.word_count = sum(count_words(s.body) for s in sections if not s.is_placeholder)
    essay.sections_total = len(sections)
    essay.sections_drafted = sum(not s.is_open for s in sections)
    Essay.objects.filter(pk=essay.pk).update(
        body_html=essay.body_html,
        table_of_contents=essay.table_of_contents,
        word_count=essay.word_count,
        sections_total=essay.sections_total,
        sections_drafted=essay.sections_drafted,
    )
    reports = rendering.link_reports
    record_links(essay, reports, rendering.published)
    record_findings(essay, [*rendering.findings, *link_findings(reports)])
    index_item(essay)
    generation.content_changed()  # the updates above send no signal


def _assemble_body(sections, section_blocks, insets, pullquotes):
    placed = {}
    for kind, blocks in (("inset", insets), ("pullquote", pullquotes)):
        for block in blocks:
            placed.setdefault(block.section_id, []).append((kind, block))

    templates = {kind: get_template(f"blocks/{kind}.html") for kind in ("inset", "pullquote")}

    def render_block(kind, block):
        return templates[kind].render({kind: block})

    html = [render_block(kind, block) for kind, block in placed.get(None, [])]
    section_template = get_template("blocks/section.html")
    for section in sections:
        rendered = section_blocks[section.pk]
        here = sorted(placed.get(section.pk, []), key=lambda item: item[1].after_paragraph)
        if section.is_placeholder:
            content = [render_block(kind, block) for kind, block in here]
        else:
            content = []
            for index, block_html in enumerate(rendered.blocks):
                content.extend(
                    render_block(kind, block)
                    for kind, block in here
                    if block.after_paragraph == index
                )
                content.append(block_html)
            content.extend(
                render_block(kind, block)
                for kind, block in here
                if block.after_paragraph >= len(rendered.blocks)
            )
            content.append(rendered.footnotes)
        html.append(section_template.render({"section": section, "content": "".join(content)}))
    return "".join(html)


def essay_findings(sections, insets, pullquotes, tokens_of) -> list[checks.Finding]:
    """Run every editorial check that reads an essay's text over its parts (`tokens_of(part)`:
    its Markdown tokens, before rendering); the links' findings come from rendering."""
    found = []
    for section in sections:
        name = f"“{section.heading}”" if section.heading else "The opening"
        if section.is_placeholder:
            found.append(
                checks.Finding(
                    FindingKind.PLACEHOLDER,
                    f"{name} is still a placeholder.",
                    excerpt=section.body[:300],
                    section=section,
                )
            )
        elif not section.body.strip():
            found.append(
                checks.Finding(FindingKind.EMPTY_SECTION, f"{name} has no text.", section=section)
            )
        found.extend(
            body_findings(section.body, tokens=tokens_of(section), section=section, where=name)
        )
    for block in (*insets, *pullquotes):
        found.extend(
            body_findings(block.body, tokens=tokens_of(block), section=block.section, where="A box")
        )

    headings = []
    for section in sections:
        if section.heading:
            headings.append((section.heading_level, section.heading))
        headings.extend(checks.heading_levels_in(tokens_of(section)))
    for previous, level, heading in checks.skipped_heading_levels(headings):
        found.append(
            checks.Finding(
                FindingKind.HEADING_SKIPS_LEVEL,
                f"The heading “{heading}” is level {level} after a level {previous} heading.",
                excerpt=heading,
            )
        )

    text = checks.QuotedText("\n\n".join(s.body for s in sections if not s.is_placeholder))
    for pullquote in pullquotes:
        if not text.stands_in(pullquote.body):
            found.append(
                checks.Finding(
                    FindingKind.PULLQUOTE_NOT_IN_TEXT,
                    "The pullquote's words do not stand in the essay's text; "
                    "the nearest sentence is shown so either can be fixed.",
                    excerpt=pullquote.body.strip(),
                    suggestion=text.nearest_sentence(pullquote.body),
                    section=pullquote.section,
                )
            )
    return found


def body_findings(body, *, tokens=None, section=None, where="The text") -> list[checks.Finding]:
    """Checks that read one piece of Markdown: repetition, images, paragraph length. `tokens`:
    the body's, when it is parsed already."""
    markdown = body if tokens is None else tokens
    found = [
        checks.Finding(
            FindingKind.REPEATED_TEXT,
            f"{where} repeats a passage.",
            excerpt=passage,
            section=section,
        )
        for passage in checks.repeated_passages(body)
    ]
    found.extend(
        checks.Finding(
            FindingKind.IMAGE_WITHOUT_ALT,
            f"{where} has an image without alt text.",
            excerpt=src,
            section=section,
        )
        for src in checks.images_without_alt(markdown)
    )
    found.extend(
        checks.Finding(
            FindingKind.LONG_PARAGRAPH,
            f"{where} has a paragraph of more than {checks.LONG_PARAGRAPH_WORDS} words.",
            excerpt=opening,
            section=section,
        )
        for opening in checks.long_paragraphs(markdown)
    )
    return found


def link_findings(link_reports) -> list[checks.Finding]:
    unresolved = {(r.target.kind, r.target.slug): r for r in link_reports if not r.resolved}
    return [
        checks.Finding(
            FindingKind.BROKEN_LINK,
            f"The link “{report.text}” points to {kind.replace('_', ' ')} “{slug}”, "
            "which is missing or unpublished: readers see plain text.",
            excerpt=f"{kind}:{slug}",
        )
        for (kind, slug), report in unresolved.items()
    ]


def record_findings(item, findings) -> None:
    """Replace an item's stored findings, keeping editors' acceptances of unchanged text."""
    source_type = ContentType.objects.get_for_model(item)
    accepted = {
        acceptance.fingerprint: acceptance
        for acceptance in AcceptedFinding.objects.filter(source_type=source_type, source_id=item.pk)
    }
    Finding.objects.filter(source_type=source_type, source_id=item.pk).delete()
    unique = {finding.fingerprint: finding for finding in findings}
    Finding.objects.bulk_create(
        Finding(
            source_type=source_type,
            source_id=item.pk,
            section=finding.section,
            kind=finding.kind,
            message=finding.message,
            excerpt=finding.excerpt,
            suggestion=finding.suggestion,
            fingerprint=fingerprint,
            accepted_as=accepted.get(fingerprint),
        )
        for fingerprint, finding in unique.items()
    )


@transaction.atomic
def set_drafting_status(*, sections, status: str, user=None) -> int:
    """Set the drafting status of several sections and re-render each essay they belong to once,
    so readers see a section as written (or still being written) the moment it changes. Each
    essay changed gets a revision, by `user`."""
    essays = {}
    changed = []
    with revisions.recording(user=user):
        for section in sections:
            if section.drafting_status != status:
                section.drafting_status = status
                section.full_clean(exclude=["essay"])
                section.save(update_fields=["drafting_status"])
                essays[section.essay_id] = section.essay
                changed.append(f"“{section.heading or 'the opening'}”")
        for essay in essays.values():
            render_essay(essay)
            revisions.include(essay)
        mark_essays_changed(essays)
        if changed:
            label = DraftingStatus(status).label.lower()
            revisions.describe(f"Marked {label}: {', '.join(changed)}.")
    return len(essays)


def mark_essays_changed(essay_ids):
    """Sections changed outside the essay's form: an editor who opened that form earlier must
    not overwrite them unknowingly (civicdata.admin_forms.PublishableAdminForm)."""
    Essay.objects.filter(pk__in=essay_ids).update(updated_at=timezone.now())
    generation.content_changed()


@transaction.atomic
def accept_findings(*, findings, reason: str, user) -> int:
    """Mark findings as intended. The acceptance holds while the text involved is unchanged."""
    count = 0
    for finding in findings.filter(accepted_as__isnull=True):
        acceptance, _ = AcceptedFinding.objects.update_or_create(
            source_type_id=finding.source_type_id,
            source_id=finding.source_id,
            fingerprint=finding.fingerprint,
            defaults={"reason": reason, "accepted_by": user},
        )
        finding.accepted_as = acceptance
        finding.save(update_fields=["accepted_as"])
        count += 1
    return count


@transaction.atomic
def reopen_findings(*, findings) -> int:
    """Withdraw the acceptance of findings."""
    accepted = findings.filter(accepted_as__isnull=False)
    acceptance_ids = list(accepted.values_list("accepted_as", flat=True))
    count = accepted.update(accepted_as=None)
    AcceptedFinding.objects.filter(pk__in=acceptance_ids).delete()
    return count
