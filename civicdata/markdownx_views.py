"""django-markdownx's preview and upload views, for staff only.

As shipped, markdownx accepts anonymous requests on both; here anyone but active staff gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from markdownx import views as markdownx_views


class StaffOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MarkdownifyView(StaffOnlyMixin, markdownx_views.MarkdownifyView):
    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("No Markdown content was sent.")
        return super().post(request, *args, **kwargs)


class ImageUploadView(StaffOnlyMixin, markdownx_views.ImageUploadView):
    pass
