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
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


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


def public_page(view):
    """Decorate a view (or a Feed) whose pages readers share: see `cache_for_readers`."""

    @wraps(view)
    def public_view(request, *args, **kwargs):
        return cache_for_readers(request, view(request, *args, **kwargs))

    return public_view
