"""Internal links between essays and case studies.

Authors link the way Hugo content does: to another file (`why-is-civil-society-important.md`)
or to a site path (`/portfolio/recidivism-data-sharing/`). Here they become the URL of the
published page, or nothing at all when the target is missing or not published.
"""

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.urls import NoReverseMatch, reverse

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
    """Map each target that is published to its URL (see published_items)."""
    return urls_of(published_items(targets))


def urls_of(items) -> dict[InternalTarget, str]:
    """{target: item} from published_items as {target: the item's URL}, what renderers read."""
    return {target: item.get_absolute_url() for target, item in items.items()}


def published_items(targets) -> dict:
    """Map each target that is published to the item, in one query per kind; then a target
    naming an old address of a published item (its slug before a rename, or a Hugo alias at
    such an address) to the item at that address now, in one more query, only if one is left."""
    from essays.models import Essay
    from portfolio.models import CaseStudy

    targets = list(targets)  # read twice below; a generator would be empty the second time
    items = {}
    for kind, model in ((ESSAY, Essay), (CASE_STUDY, CaseStudy)):
        slugs = {target.slug for target in targets if target.kind == kind}
        if not slugs:
            continue
        found = {item.slug: item for item in model.objects.published().filter(slug__in=slugs)}
        for target in targets:
            if target.kind == kind and target.slug in found:
                items[target] = found[target.slug]
    if unresolved := [target for target in targets if target not in items]:
        items.update(_through_old_addresses(unresolved))
    return items


def _through_old_addresses(targets) -> dict:
    """The targets whose page address is an old address of a published item of their kind,
    mapped to that item: the link goes where the old address redirects."""
    from addresses.models import OldAddress

    paths = {target: _page_path(target.kind, target.slug) for target in targets}
    wanted = {path for path in paths.values() if path is not None}
    if not wanted:
        return {}
    leading_to = {
        address.path: address.target
        for address in OldAddress.objects.leading_to_published()
        .filter(path__in=wanted)
        .select_related("essay", "case_study")
    }
    return {
        target: leading_to[path]
        for target, path in paths.items()
        if path in leading_to and kind_of(leading_to[path]) == target.kind
    }


def _page_path(kind: str, slug: str) -> str | None:
    """The address of the page an item of `kind` at `slug` would have; None for a slug no
    page can have."""
    view_name = "portfolio:casestudy_detail" if kind == CASE_STUDY else "essays:essay_detail"
    try:
        return reverse(view_name, kwargs={"slug": slug})
    except NoReverseMatch:
        return None


def kind_of(item) -> str:
    """ESSAY or CASE_STUDY: how links name the kind of `item`."""
    return CASE_STUDY if item._meta.model_name == "casestudy" else ESSAY


def old_slugs_of(item) -> set[str]:
    """The slugs links may still name `item` by: those of its old addresses (renames, Hugo
    aliases, editors' additions) that are page addresses of its own kind. One query."""
    if item.pk is None:
        return set()
    paths = item.old_addresses.values_list("path", flat=True)
    return {slug for path in paths if (slug := _slug_in_page_path(kind_of(item), path))}


def old_slugs_leading_to(kind: str, slugs) -> dict[str, str]:
    """Map each slug links may still name the items of `kind` at `slugs` by (see old_slugs_of)
    to the slug of the item it leads to now. One query."""
    from addresses.models import OldAddress

    field = "case_study" if kind == CASE_STUDY else "essay"
    rows = OldAddress.objects.filter(**{f"{field}__slug__in": set(slugs)}).values_list(
        "path", f"{field}__slug"
    )
    return {old: now for path, now in rows if (old := _slug_in_page_path(kind, path))}


def _slug_in_page_path(kind: str, path: str) -> str | None:
    """The slug in `path` if it is the address of a page of `kind`, as a link names it."""
    if not _SITE_PATH.match(path):
        return None
    target = parse_internal_href(path)
    return target.slug if target is not None and target.kind == kind else None


def resolve_for_readers(target: InternalTarget) -> str | None:
    """Resolve one target against what readers can see now."""
    return published_urls([target]).get(target)


def record_links(source, reports, published) -> None:
    """Replace the stored internal links of `source` with those found in its latest render,
    each resolved link to a case study with the case study it led to (the case studies an essay
    is about, and the essays about a case study, read these). `published`: what the render
    resolved its links with (published_items)."""
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
            case_study=published.get(report.target)
            if report.resolved and report.target.kind == CASE_STUDY
            else None,
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
    pages linking to it are re-rendered so readers never meet a dead or stale link, including
    those linking to it by an old address. Record a slug change before calling this."""
    slugs = {item.slug, previous_slug, *old_slugs_of(item)} - {None, ""}
    return rerender_sources_of(kind_of(item), slugs)
