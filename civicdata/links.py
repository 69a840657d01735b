"""Internal links between essays and case studies.

Authors link the way Hugo content does: to another file (`why-is-civil-society-important.md`)
or to a site path (`/portfolio/recidivism-data-sharing/`). Here they become the URL of the
published page, or nothing at all when the target is missing or not published.
"""

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

ESSAY = "essay"
CASE_STUDY = "case_study"

_SITE_PATH = re.compile(r"^/(?P<section>essays|portfolio)/(?P<slug>[-\w]+)/?$", re.IGNORECASE)


@dataclass(frozen=True)
class InternalTarget:
    kind: str  # ESSAY or CASE_STUDY
    slug: str
    fragment: str = ""  # "#anchor" or ""


def parse_internal_href(href: str) -> InternalTarget | None:
    """The essay or case study an href points at, or None for an external or other link."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path:
        return None
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    path = unquote(parts.path)  # the renderer percent-encodes what authors typed
    if match := _SITE_PATH.match(path):
        kind = CASE_STUDY if match["section"].lower() == "portfolio" else ESSAY
        return InternalTarget(kind, match["slug"].lower(), fragment)
    if path.lower().endswith(".md"):
        directories = path.lower().split("/")[:-1]
        name = posixpath.basename(path)[: -len(".md")]
        if name.lower() == "index":  # a Hugo page bundle: the folder is the page
            name = directories.pop() if directories else ""
            if name in {".", ".."}:
                return None
        if not name or name.startswith("_"):
            return None
        kind = CASE_STUDY if "portfolio" in directories else ESSAY
        return InternalTarget(kind, name.lower(), fragment)
    return None


def published_urls(targets) -> dict[InternalTarget, str]:
    """Map each target that is published to its URL, in one query per kind."""
    from essays.models import Essay
    from portfolio.models import CaseStudy

    targets = list(targets)  # read twice below; a generator would be empty the second time
    urls = {}
    for kind, model in ((ESSAY, Essay), (CASE_STUDY, CaseStudy)):
        slugs = {target.slug for target in targets if target.kind == kind}
        if not slugs:
            continue
        found = {
            item.slug: item.get_absolute_url()
            for item in model.objects.published().filter(slug__in=slugs)
        }
        for target in targets:
            if target.kind == kind and target.slug in found:
                urls[target] = found[target.slug]
    return urls


def resolve_for_readers(target: InternalTarget) -> str | None:
    """Resolve one target against what readers can see now."""
    return published_urls([target]).get(target)


def record_links(source, reports) -> None:
    """Replace the stored internal links of `source` with those found in its latest render."""
    from django.contrib.contenttypes.models import ContentType

    from essays.models import InternalLink

    source_type = ContentType.objects.get_for_model(source)
    InternalLink.objects.filter(source_type=source_type, source_id=source.pk).delete()
    unique = {(r.target.kind, r.target.slug, r.resolved): r for r in reports}
    InternalLink.objects.bulk_create(
        InternalLink(
            source_type=source_type,
            source_id=source.pk,
            target_kind=report.target.kind,
            target_slug=report.target.slug,
            text=report.text[:500],
            resolved=report.resolved,
        )
        for report in unique.values()
    )


def rerender_sources_of(kind: str, slugs) -> int:
    """Re-render every item linking to these targets, after they were published, unpublished,
    renamed or removed. Returns how many items were re-rendered."""
    from django.contrib.contenttypes.models import ContentType

    from essays.models import Essay, InternalLink
    from essays.services import render_essay
    from portfolio.models import CaseStudy
    from portfolio.services import render_case_study

    links = InternalLink.objects.filter(target_kind=kind, target_slug__in=set(slugs))
    source_ids = {}
    for source_type_id, source_id in links.values_list("source_type", "source_id").distinct():
        source_ids.setdefault(source_type_id, set()).add(source_id)
    count = 0
    for model, render_item in ((Essay, render_essay), (CaseStudy, render_case_study)):
        ids = source_ids.get(ContentType.objects.get_for_model(model).pk, ())
        for item in model.objects.filter(pk__in=ids):
            render_item(item)
            count += 1
    return count


def refresh_links_to(item, *, previous_slug: str | None = None) -> int:
    """Call after an essay or case study is published, unpublished, renamed or deleted: the
    pages linking to it are re-rendered so readers never meet a dead or stale link."""
    kind = CASE_STUDY if item._meta.model_name == "casestudy" else ESSAY
    return rerender_sources_of(kind, {item.slug, previous_slug} - {None, ""})
