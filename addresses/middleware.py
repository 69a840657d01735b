from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from .models import OldAddress


class OldAddressRedirectMiddleware:
    """Answer a 404 at an old address of a published item with a permanent redirect to where
    the item lives now (as django.contrib.redirects' fallback middleware does). Only a 404 is
    replaced, so an old address never shadows a page; and a redirect never leads to the address
    asked for, so it can never loop."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if any(ord(character) < 32 for character in request.path):
            return response  # no old address has control characters; PostgreSQL refuses NUL
        paths = [request.path]
        if not request.path.endswith("/"):
            paths.append(f"{request.path}/")
        found = {
            address.path: address
            for address in OldAddress.objects.leading_to_published()
            .filter(path__in=paths)
            .select_related("essay", "case_study")
        }
        address = next((found[path] for path in paths if path in found), None)
        if address is None:
            return response
        location = address.target.get_absolute_url()
        if location in paths:
            return response
        if query := request.META.get("QUERY_STRING"):
            location = f"{location}?{query}"
        redirect = HttpResponsePermanentRedirect(location)
        patch_cache_control(redirect, public=True, max_age=settings.CIVICDATA_CACHE_MAX_AGE)
        return redirect
