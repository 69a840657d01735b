"""The content generation: one number, kept in the cache, that changes whenever anything a public
page shows may have changed. Cached pages are keyed by it (civicdata/caching.py), so a write makes
every page cached before it unreachable at once: nothing has to know which pages it touched.

What moves it:
- every write to a model whose rows readers see (`PUBLIC_MODELS`), through `post_save`,
  `post_delete` and `m2m_changed`; writes that send no signal (`update()`, `bulk_update()`, as
  `render_essay` and `render_case_study` do) call `content_changed()` themselves;
- a scheduled moment passing: the earliest future publication or take-down time of any published
  item is kept with each generation (`Schedule`), and the first request after it re-renders the
  items linking to what just appeared or went, then moves the generation on (`current()`).

A write moves the generation twice: at once, and again when its transaction commits. A reader who
renders a page between the two still sees the old rows (the write is not committed yet) and caches
the page under a generation that the commit then leaves behind.
"""

import datetime
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

GENERATION_KEY = "civicdata:generation"
LAST_CHECK_KEY = "civicdata:schedule-checked-at"
SWEEP_LOCK_SECONDS = 60

# Whatever a public page, feed or sitemap shows comes from these models' rows.
PUBLIC_MODELS = {
    "essays.Series",
    "essays.Author",
    "essays.Essay",
    "essays.Byline",
    "essays.Section",
    "essays.Inset",
    "essays.Pullquote",
    "portfolio.Topic",
    "portfolio.CaseStudy",
    "portfolio.Partner",
    "portfolio.DataSource",
    "addresses.OldAddress",
}


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (first use, or evicted): start somewhere never used
        cache.add(GENERATION_KEY, time.time_ns())


def content_changed(*, using=None):
    """Call after a write that may change a public page and sends no model signal."""
    _bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        callback is _bump for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump, using=using)


def _is_public(model):
    meta = model._meta.concrete_model._meta
    return meta.label in PUBLIC_MODELS


def _row_changed(sender, using=None, **kwargs):
    if _is_public(sender):
        content_changed(using=using)


def _relation_changed(sender, instance, action, using=None, **kwargs):
    if action.startswith("post_") and _is_public(type(instance)):
        content_changed(using=using)


def connect_signals():
    """Called once, from EssaysConfig.ready()."""
    post_save.connect(_row_changed, dispatch_uid="civicdata.generation.saved")
    post_delete.connect(_row_changed, dispatch_uid="civicdata.generation.deleted")
    m2m_changed.connect(_relation_changed, dispatch_uid="civicdata.generation.related")


@dataclass(frozen=True)
class Schedule:
    """What is known of a generation: until when its pages hold (the next scheduled moment)."""

    generation: int
    next_moment: datetime.datetime | None

    def holds_at(self, moment):
        return self.next_moment is None or moment < self.next_moment


def _schedule_key(generation):
    return f"civicdata:schedule:{generation}"


def _next_scheduled_moment(after):
    """The earliest publication or take-down time after `after` of any published item."""
    from essays.models import Essay
    from portfolio.models import CaseStudy

    from .publishing import Status

    moments = []
    for model in (Essay, CaseStudy):
        found = model.objects.filter(status=Status.PUBLISHED, trashed_at__isnull=True).aggregate(
            publish=Min("publish_at", filter=Q(publish_at__gt=after)),
            expire=Min("expire_at", filter=Q(expire_at__gt=after)),
        )
        moments.extend(moment for moment in found.values() if moment is not None)
    return min(moments, default=None)


# A generation's schedule never changes once stored, so each process remembers the last one it
# read: a request then costs one read from the shared cache, the generation's number.
_last_schedule = None


def _known_schedule(generation):
    global _last_schedule
    schedule = _last_schedule
    if schedule is None or schedule.generation != generation:
        schedule = cache.get(_schedule_key(generation))
        if schedule is None:
            schedule = Schedule(generation, _next_scheduled_moment(timezone.now()))
            cache.set(_schedule_key(generation), schedule, timeout=None)
        _last_schedule = schedule
    return schedule


def current() -> Schedule:
    """The generation pages are cached under now, once every scheduled moment that has passed
    has been dealt with."""
    for _ in range(3):  # a moment passing moves the generation: look again, a few times at most
        now = timezone.now()
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            _bump()
            # The cache was empty: when scheduled links were last checked is unknown.
            _rerender_links_to_items_whose_time_came(since=None, until=now)
            continue
        schedule = _known_schedule(generation)
        if schedule.holds_at(now):
            return schedule
        if cache.add(f"civicdata:sweep:{generation}", True, timeout=SWEEP_LOCK_SECONDS):
            _rerender_links_to_items_whose_time_came(since=cache.get(LAST_CHECK_KEY), until=now)
            _bump()
        else:  # another request is re-rendering: its pages are not to be cached
            return Schedule(generation, now)
    return Schedule(generation, now)


def _rerender_links_to_items_whose_time_came(*, since, until):
    """Re-render the items whose text links to an item published or taken down by its schedule
    between `since` (None: ever) and `until`, when the link as rendered is now wrong."""
    from essays.models import Essay, InternalLink
    from portfolio.models import CaseStudy

    from .links import CASE_STUDY, ESSAY, old_slugs_leading_to, rerender_sources_of
    from .publishing import Status, live_at

    for kind, model in ((ESSAY, Essay), (CASE_STUDY, CaseStudy)):
        came = Q(publish_at__lte=until) | Q(expire_at__lte=until)
        if since is not None:
            came = Q(publish_at__gt=since, publish_at__lte=until) | Q(
                expire_at__gt=since, expire_at__lte=until
            )
        items = model.objects.filter(came, status=Status.PUBLISHED, trashed_at__isnull=True)
        slugs = set(items.values_list("slug", flat=True))
        if not slugs:
            continue
        live = set(
            model.objects.filter(live_at(until), slug__in=slugs).values_list("slug", flat=True)
        )
        # Links naming an item's old address (its slug before a rename) follow it there.
        old_slugs = old_slugs_leading_to(kind, slugs)
        live |= {old for old, slug in old_slugs.items() if slug in live}
        stale = (
            InternalLink.objects.filter(target_kind=kind, target_slug__in=slugs | set(old_slugs))
            .filter(
                Q(resolved=True) & ~Q(target_slug__in=live)
                | Q(resolved=False, target_slug__in=live)
            )
            .values_list("target_slug", flat=True)
            .distinct()
        )
        rerender_sources_of(kind, set(stale))
    cache.set(LAST_CHECK_KEY, until, timeout=None)
