"""What the public detail pages of essays and case studies share: staff preview of drafts."""

from django.utils.cache import add_never_cache_headers


class DraftPreviewMixin:
    """A detail view of a publishable item that readers see only once it is published.

    Users who may change the item also see its draft (`visible_to`), under a banner and with
    never-cache headers, so no browser or proxy keeps a preview to show to someone else later.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("is_draft_preview", not self.object.is_published)
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response
