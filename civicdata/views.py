"""What the public detail pages of essays and case studies share: staff preview of drafts and
the article metadata; and the site-wide pages: search, robots.txt, favicon."""

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import TemplateView

from civicdata import search
from civicdata.metadata import Article


class DraftPreviewMixin:
    """A detail view of a publishable item that readers see only once it is published.

    Users who may change the item also see its draft (`visible_to`; the essay page reads its
    essay with `essays.reads.essay_for_page`, by the same rule), under a banner and with
    never-cache headers, so no browser or proxy keeps a preview to show to someone else later.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("is_draft_preview", not self.object.is_published)
        kwargs.setdefault("article", Article.of(self.object, self.request))
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response


class SearchView(TemplateView):
    """Published essays and case studies matching ?q=, a page at a time (civicdata.search)."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        query = search.clean_query(self.request.GET.get("q", ""))
        kwargs.update(
            query=query,
            page_obj=search.search(query, page=self.request.GET.get("page")) if query else None,
            max_query_length=search.MAX_QUERY_LENGTH,
        )
        return super().get_context_data(**kwargs)


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('search')}",  # endless combinations of queries, no new content
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for without reading any page."""
    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=settings.CIVICDATA_CACHE_MAX_AGE)
    return response
