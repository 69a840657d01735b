"""Writes that touch several of an essay's parts. Each runs in one transaction."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from civicdata.links import published_urls, record_links
from civicdata.markdown import count_words, internal_targets, render

from .models import Essay, Section


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
    insets = list(essay.insets.all())
    pullquotes = list(essay.pullquotes.all())
    parts = [*sections, *insets, *pullquotes]

    targets = set().union(*(internal_targets(part.body) for part in parts))
    urls = published_urls(targets)
    reports = []

    def render_part(part, prefix):
        rendered = render(part.body, resolve_link=urls.get, footnote_prefix=prefix)
        reports.extend(rendered.links)
        part.body_html = rendered.html
        return rendered

    _unique_anchors(sections)
    section_blocks = {}
    for section in sections:
        section_blocks[section.pk] = render_part(section, section.anchor)
    for block in (*insets, *pullquotes):
        render_part(block, f"{type(block).__name__.lower()}-{block.pk}")

    Section.objects.bulk_update(sections, ["anchor", "body_html"])
    for blocks in (insets, pullquotes):
        if blocks:
            type(blocks[0]).objects.bulk_update(blocks, ["body_html"])

    essay.body_html = _assemble_body(sections, section_blocks, insets, pullquotes)
    essay.table_of_contents = [
        {"anchor": s.anchor, "heading": s.heading, "placeholder": s.is_placeholder}
        for s in sections
        if s.heading
    ]
    essay.word_count = sum(count_words(s.body) for s in sections if not s.is_placeholder)
    Essay.objects.filter(pk=essay.pk).update(
        body_html=essay.body_html,
        table_of_contents=essay.table_of_contents,
        word_count=essay.word_count,
    )
    record_links(essay, reports)
    return essay


def _assemble_body(sections, section_blocks, insets, pullquotes):
    placed = {}
    for kind, blocks in (("inset", insets), ("pullquote", pullquotes)):
        for block in blocks:
            placed.setdefault(block.section_id, []).append((kind, block))

    def render_block(kind, block):
        return render_to_string(f"blocks/{kind}.html", {kind: block})

    html = [render_block(kind, block) for kind, block in placed.get(None, [])]
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
        html.append(
            render_to_string(
                "blocks/section.html", {"section": section, "content": "".join(content)}
            )
        )
    return "".join(html)
