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
(civicdata/generation.py), the scheme, the host, the path and the query parameters the view reads
(`public_page(query=...)`; a link's tracking parameters do not make another page): any write that
can change a public page, or a scheduled moment passing, moves the generation, so no page is served
from the cache after it changed. Only GET and HEAD requests without a session cookie use it or fill
it: the site sets that cookie for anyone logged in, and only for them, so everyone else is an
anonymous reader, who sees exactly what every other reader sees.

`PageCacheMiddleware` answers from it before sessions, CSRF, authentication or the view run (it
resolves the URL only to learn whether the view's pages are kept): a kept page costs one read of
the generation from the shared cache, and, when this process served the page lately, nothing more
(`pages`, a small cache in the process's memory, keyed by the same generation, so it is exactly as
fresh as the shared one). Views opt in with `public_page`.
"""

import datetime
import hashlib
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
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


def public_page(view, *, keep=True, query=()):
    """Decorate a view (or a Feed) whose pages readers share: see `cache_for_readers`. Readers'
    responses are kept in the page cache unless `keep` is False (search: endless queries);
    `query` names the query-string parameters the view reads, the only ones its kept pages are
    told apart by (others, such as a link's tracking parameters, change nothing on the page)."""

    @wraps(view)
    def public_view(request, *args, **kwargs):
        if not hasattr(request, "content_schedule") and (
            settings.CIVICDATA_PAGE_CACHE or settings.CIVICDATA_SCHEDULE_CHECK
        ):
            # Links to scheduled items are re-rendered when due, with or without the page cache.
            generation.current()
        return cache_for_readers(request, view(request, *args, **kwargs))

    public_view.page_cache_query = tuple(query) if keep else None
    return public_view


class PageCacheMiddleware:
    """Answer an anonymous reader's GET or HEAD from the page cache, and keep the pages of views
    that `public_page` marks. Placed above sessions, CSRF and authentication, so a kept page
    costs none of their work; below SecurityMiddleware, CSPMiddleware and WhiteNoise, which add
    their headers to kept pages as to any other, and answer static files without a look here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.CIVICDATA_PAGE_CACHE and _shared_by_readers(request)):
            return self.get_response(request)
        query = _page_cache_query(request)
        if query is None:
            return self.get_response(request)
        schedule = request.content_schedule = generation.current()
        key = _page_key(request, query, schedule.generation)
        kept = caches[LOCAL_PAGES].get(key)
        if kept is None:
            kept = cache.get(key)
            if kept is not None:
                caches[LOCAL_PAGES].set(key, kept, timeout=kept.seconds_left())
        if kept is not None and timezone.now() < kept.valid_until:
            response = kept.response()
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        response = self.get_response(request)
        _keep(request, response, key, schedule)
        return response


def _page_cache_query(request):
    """The query parameters the requested page is kept by, or None when it is not kept."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _page_cache_query_at(urlconf, request.path_info)


@lru_cache(maxsize=1024)  # the site's paths do not change while it runs
def _page_cache_query_at(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "page_cache_query", None)


# The pages this process served lately (settings.CACHES): a kept page read from the shared cache
# once is then answered without asking it again.
LOCAL_PAGES = "pages"


def _shared_by_readers(request):
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _page_key(request, query, generation_number):
    read = urlencode(sorted((name, value) for name in query for value in request.GET.getlist(name)))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{read}"
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

    def seconds_left(self):
        return max((self.valid_until - timezone.now()).total_seconds(), 0)


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
    if not response.has_header("ETag"):
        set_response_etag(response)  # as ConditionalGetMiddleware does, when it did not
    kept = KeptPage(response, valid_until)
    cache.set(key, kept, timeout=seconds)
    caches[LOCAL_PAGES].set(key, kept, timeout=seconds)
