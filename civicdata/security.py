"""Limits on what a request may carry, the error pages that say so, the client address used to
throttle logins, and uploaded media served so that no browser ever runs it."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.views.static import serve

# Everything an upload can be (civicdata/images.py decodes them: JPEG, PNG, WebP, GIF). Any
# other file under MEDIA_ROOT is sent as a download, never shown.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
# Media answers as a bare file: no script runs, nothing loads, even if a browser were to render it.
MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is larger than CIVICDATA_MAX_REQUEST_BYTES,
    before anything reads it. (Django's own limits apply to form fields as they are read.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.CIVICDATA_MAX_REQUEST_BYTES
        if length > limit:
            return request_too_large(
                request,
                f"What was sent is larger than the {filesizeformat(limit)} the site accepts at "
                "once. Send fewer or smaller images at a time.",
            )
        return self.get_response(request)


def request_too_large(request, message):
    return render(request, "413.html", {"message": message}, status=413)


def bad_request(request, exception):
    """handler400: a too large form says so, with a 413; any other bad request is a plain 400."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(
            request,
            f"The form is larger than the {filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}"
            " of text the site accepts at once. Nothing was saved: split the text, or save the "
            "item in parts.",
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return request_too_large(
            request,
            f"The form has more than the {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields the "
            "site accepts at once. Nothing was saved: save the item with fewer parts, then add "
            "the rest.",
        )
    return render(request, "400.html", status=400)


def client_address(request):
    """The address a request comes from, as django-axes counts failed logins by it: behind
    CIVICDATA_TRUSTED_PROXIES proxies, the address the outermost of them saw."""
    proxies = settings.CIVICDATA_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def serve_media(request, path, document_root=None):
    """Django's static file view for uploads (development only), with the Content-Type decided by
    the file's extension from the image types alone: anything else is a download."""
    response = serve(request, path, document_root=document_root)
    response.headers["Content-Security-Policy"] = MEDIA_POLICY
    if response.status_code != 200:
        return response
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in MEDIA_TYPES:
        response.headers["Content-Type"] = MEDIA_TYPES[suffix]
    else:
        response.headers["Content-Type"] = "application/octet-stream"
        response.headers["Content-Disposition"] = "attachment"
    return response
