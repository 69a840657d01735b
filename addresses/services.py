"""Recording old addresses: an item's previous address after its slug changed in the admin, and
the addresses a Hugo file lists under `aliases:`."""

import copy
import posixpath
import re
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

from essays.models import Essay, Series
from portfolio.models import CaseStudy

from .models import OldAddress, Origin

MAX_PATH_LENGTH = OldAddress._meta.get_field("path").max_length
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")

# Pages whose address holds a slug: an old address may take the address only while no such
# item exists (in any status: a draft will be published there).
_PAGES_WITH_SLUGS = {
    "essays:essay_detail": Essay,
    "portfolio:casestudy_detail": CaseStudy,
    "essays:series_detail": Series,
    "essays:series_feed": Series,
}


def normalize_path(value, *, base="/") -> str:
    """An address as stored and looked up: a path from the site root, percent-decoded, without
    query or fragment. A relative path is taken from `base` (Hugo reads an alias relative to the
    page's section), and a last segment without an extension gets a trailing slash (Hugo serves
    an alias `/old-post` as /old-post/). Raises ValueError for what is no path on this site."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("is not a path")
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise ValueError("is not a path") from None
    if parts.scheme or parts.netloc:
        raise ValueError("must be a path on this site, without a scheme or host")
    path = unquote(parts.path)
    if not path or _UNSAFE.search(path):
        raise ValueError("is not a path")
    if not path.startswith("/"):
        path = posixpath.join(base, path)
    if {".", ".."} & set(path.split("/")):
        raise ValueError("may not contain . or .. segments")
    path = re.sub(r"/{2,}", "/", path)
    if "." not in path.rsplit("/", 1)[-1] and not path.endswith("/"):
        path += "/"
    if len(path) > MAX_PATH_LENGTH:
        raise ValueError(f"is longer than {MAX_PATH_LENGTH} characters")
    return path


def refusal(path, item=None) -> str:
    """Why `path` may not become an old address (of `item`), or "": it is the item's own
    address, or a page of the site (an alias never shadows a page)."""
    if item is not None and path == item.get_absolute_url():
        return "is the item's own address"
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    model = _PAGES_WITH_SLUGS.get(match.view_name)
    if model is None:
        return "is the address of a page of the site"
    if model.objects.filter(slug=match.kwargs.get("slug")).exists():
        return f"is the address of the {model._meta.verbose_name} “{match.kwargs['slug']}”"
    return ""


@transaction.atomic
def record_slug_change(item, *, previous_slug) -> OldAddress | None:
    """After `item`'s slug changed from `previous_slug`: its previous address leads to it, and
    no old address claims the address it has now."""
    if not previous_slug or previous_slug == item.slug:
        return None
    before = copy.copy(item)
    before.slug = previous_slug
    previous_path = before.get_absolute_url()
    # Only the item's own old addresses are touched: another item's (perhaps published) old
    # address is never deleted or taken over by a rename.
    OldAddress.objects.filter(path=item.get_absolute_url(), **_target_of(item)).delete()
    address = OldAddress.objects.filter(path=previous_path).first() or OldAddress(
        path=previous_path
    )
    if address.pk is not None and address.target != item:
        return None
    _lead_to(address, item)
    address.origin = Origin.SLUG_CHANGE
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def sync_hugo_aliases(item, aliases) -> list[str]:
    """Make the Hugo `aliases` of `item` its old addresses, replacing the aliases it had before
    (old addresses from slug changes stay). Returns a warning for each alias refused."""
    if aliases is None:
        aliases = []
    elif isinstance(aliases, str):
        aliases = [aliases]
    elif not isinstance(aliases, list):
        return ["aliases: expected a list of paths; ignored"]
    warnings, wanted = [], set()
    for alias in aliases:
        try:
            path = alias_path(item, alias)
        except ValueError as error:
            warnings.append(f"alias “{alias}” {error}; ignored")
            continue
        if reason := refusal(path, item):
            warnings.append(f"alias “{alias}” {reason}; no redirect made")
            continue
        holder = OldAddress.objects.filter(path=path).first()
        if holder is not None and holder.target != item:
            warnings.append(
                f"alias “{alias}” is already an old address of “{holder.target}”; ignored"
            )
            continue
        wanted.add(path)
    own = OldAddress.objects.filter(**_target_of(item))
    dropped = own.filter(origin=Origin.HUGO_ALIAS).exclude(path__in=wanted)
    dropped_paths = set(dropped.values_list("path", flat=True))
    dropped.delete()
    refresh_links_through(dropped_paths)  # links naming them lead nowhere now
    for path in sorted(wanted - set(own.values_list("path", flat=True))):
        address = OldAddress(path=path, origin=Origin.HUGO_ALIAS)
        _lead_to(address, item)
        address.full_clean()
        address.save()
    return warnings


def refresh_links_through(paths) -> int:
    """Re-render the essays and case studies whose links name one of these page addresses, after
    an old address there was added, changed or removed: their links, and the case studies an
    essay is about, follow it. Returns how many items were re-rendered."""
    from civicdata.links import parse_internal_href, rerender_sources_of

    targets = {target for path in paths if path and (target := parse_internal_href(path))}
    return sum(rerender_sources_of(target.kind, {target.slug}) for target in targets)


def alias_path(item, alias) -> str:
    """The address a Hugo alias of `item` stands for (Hugo reads a relative alias from the
    page's section). Raises ValueError as normalize_path does."""
    section = posixpath.dirname(item.get_absolute_url().rstrip("/")) + "/"
    return normalize_path(alias, base=section)


def exported_aliases(item, kept) -> list | str | None:
    """The `aliases:` to export for `item`: those kept from its Hugo file, then its old addresses
    from renames and editors that they do not already name, so a site Hugo builds redirects them
    too. Reads item.old_addresses.all(), so prefetched rows are used. `kept` itself when there
    is nothing to add (or it is no list of paths): such an item exports as it was imported."""
    if item.pk is None:
        return kept
    if kept is None:
        kept_list = []
    elif isinstance(kept, str):
        kept_list = [kept]
    elif isinstance(kept, list):
        kept_list = kept
    else:
        return kept
    already = set()
    for alias in kept_list:
        try:
            already.add(alias_path(item, alias))
        except ValueError:
            continue
    added = sorted(
        address.path
        for address in item.old_addresses.all()
        if address.origin in (Origin.SLUG_CHANGE, Origin.EDITOR) and address.path not in already
    )
    return [*kept_list, *added] if added else kept


def _target_of(item) -> dict:
    if isinstance(item, CaseStudy):
        return {"essay": None, "case_study": item}
    return {"essay": item, "case_study": None}


def _lead_to(address, item):
    for name, value in _target_of(item).items():
        setattr(address, name, value)
