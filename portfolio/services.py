"""Writes that touch a case study and what depends on it."""

from django.db import transaction

from civicdata import editorial_checks as checks
from civicdata import generation
from civicdata.links import published_items, record_links, urls_of
from civicdata.markdown import ParsedMarkdown
from civicdata.renditions import ensure_renditions
from essays.models import FindingKind
from essays.services import body_findings, link_findings, record_findings
from search_index.documents import index_item

from .models import CaseStudy


@transaction.atomic
def render_case_study(case_study: CaseStudy) -> CaseStudy:
    """Render the case study's Markdown to sanitized HTML, resolving and recording its links,
    and make its hero image's renditions (those missing: an unchanged image makes none)."""
    parsed = ParsedMarkdown(case_study.body)
    # The checks read the tokens before rendering changes them.
    text_findings = body_findings(case_study.body, tokens=parsed.tokens)
    heading_findings = [
        checks.Finding(
            FindingKind.HEADING_SKIPS_LEVEL,
            f"The heading “{heading}” is level {level} after a level {previous} heading.",
            excerpt=heading,
        )
        for previous, level, heading in checks.skipped_heading_levels(
            checks.heading_levels_in(parsed.tokens)
        )
    ]
    published = published_items(parsed.internal_targets())
    rendered = parsed.render(resolve_link=urls_of(published).get)
    case_study.body_html = rendered.html
    hero = ensure_renditions(case_study.hero_image.name) if case_study.hero_image else None
    case_study.hero_image_renditions = hero.to_dict() if hero else {}
    case_study.__dict__.pop("hero", None)  # the cached property, computed from the old value
    CaseStudy.objects.filter(pk=case_study.pk).update(
        body_html=case_study.body_html, hero_image_renditions=case_study.hero_image_renditions
    )
    generation.content_changed()  # update() sends no signal
    record_links(case_study, rendered.links, published)
    findings = [*text_findings, *link_findings(rendered.links), *heading_findings]
    record_findings(case_study, findings)
    index_item(case_study)
    return case_study
