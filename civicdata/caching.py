"""HTTP caching of the pages readers share, for browsers and a CDN.

The validator is an ETag computed from the response body by Django's ConditionalGetMiddleware,
which answers a conditional GET with 304 Not Modified. Because it is a hash of exactly what is
sent, it changes whenever anything the page shows changes (an edit, publishing, a scheduled
time passing, a linked item being renamed), and a 304 can only ever confirm the very bytes this
request would have received. Dates are not used as validators: an item re-rendered because a
page it links to changed keeps its `updated_at`, and a list loses its newest date when that item
is unpublished, so a Last-Modified from dates would answer 304 for a page that changed.

`public_page` marks a view's successful responses cacheable: `public, max-age` for readers, so
a shared cache may keep and revalidate them; `private, no-cache` for anyone logged in (staff may
see pages differently), with `Vary: Cookie` either way. Responses that already say how they may
be cached are left alone: a draft preview is `private, no-store` (DraftPreviewMixin), which also
keeps ConditionalGetMiddleware from giving it an ETag at all.

The page cache keeps, with Django's cache framework, the whole response an anonymous reader gets
(`CIVICDATA_PAGE_CACHE`; README: Caching). Its keys hold the content generation
(civicdata/generation.py), the scheme, the host, the path and the query string: any write that
can change a public page, or a scheduled moment passing, moves the generation, so no page is
served from the cache after it changed. Only GET and HEAD requests without a session cookie use
it or fill it: the site sets that cookie for anyone logged in, and only for them, so everyone else
is an anonymous reader, who sees exactly what every other reader sees.
"""

import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_max_age,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from civicdata import generation


def cache_for_readers(request, response):
    """Set the Cache-Control of a public page's response (see the module docstring)."""
    if response.status_code != 200 or response.has_header("Cache-Control"):
        return response
    if response.has_header("Last-Modified"):  # set by the feed and sitemap views, from dates
        del response.headers["Last-Modified"]
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=settings.CIVICDATA_CACHE_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def public_page(view, *, keep=True):
    """Decorate a view (or a Feed) whose pages readers share: see `cache_for_readers`; readers'
    responses are kept in the page cache unless `keep` is False (search: endless queries)."""

    @wraps(view)
    def public_view(request, *args, **kwargs):
        page_cache = settings.CIVICDATA_PAGE_CACHE
        # Also without the page cache: links to scheduled items are re-rendered when due.
        schedule = generation.current() if page_cache or settings.CIVICDATA_SCHEDULE_CHECK else None
        if not (page_cache and keep and _shared_by_readers(request)):
            return cache_for_readers(request, view(request, *args, **kwargs))
        key = _page_key(request, schedule.generation)
        kept = cache.get(key)
        if kept is not None and timezone.now() < kept.valid_until:
            return kept.response()
        response = cache_for_readers(request, view(request, *args, **kwargs))
        _keep(request, response, key, schedule)
        return response

    return public_view


def _shared_by_readers(request):
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _page_key(request, generation_number):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"civicdata:page:{generation_number}:{digest}"


class KeptPage:
    """A response as the page cache keeps it: its bytes and headers, and until when it holds."""

    def __init__(self, response, valid_until):
        self.status = response.status_code
        self.headers = dict(response.headers)
        self.content = response.content
        self.valid_until = valid_until

    def response(self):
        return HttpResponse(self.content, status=self.status, headers=self.headers)


def _keep(request, response, key, schedule):
    if response.status_code != 200 or response.streaming:
        return
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if (
        "public" not in response.get("Cache-Control", "")
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
    ):
        return
    now = timezone.now()
    seconds = settings.CIVICDATA_PAGE_CACHE_SECONDS
    valid_until = now + datetime.timedelta(seconds=seconds)
    if schedule.next_moment is not None:
        valid_until = min(valid_until, schedule.next_moment)
        seconds = min(seconds, (schedule.next_moment - now).total_seconds())
    if seconds <= 0 or get_max_age(response) == 0:
        return
    set_response_etag(response)  # what ConditionalGetMiddleware would compute, once per page
    cache.set(key, KeptPage(response, valid_until), timeout=seconds)
