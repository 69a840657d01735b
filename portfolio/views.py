from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin

from .forms import PortfolioFilterForm
from .models import CaseStudy, Topic


class CaseStudyListView(ListView):
    """Published case studies, filtered by ?topic=<slug> and ?stage=<stage>; an unknown value
    is explained and filters nothing."""

    context_object_name = "case_studies"
    filter_names = ("topic", "stage")

    def get_queryset(self):
        self.filters = PortfolioFilterForm(
            self.request.GET or None, topics=Topic.objects.of_published_case_studies()
        )
        return CaseStudy.objects.published().for_index().filtered(**self.filters.chosen())

    def get_context_data(self, **kwargs):
        kwargs["filters"] = self.filters
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        # A filter value no published case study has names no page: the list, explained, with
        # a 404, which no cache keeps (each made-up value would otherwise be a page to keep).
        if self.filters.is_bound and self.filters.errors:
            response_kwargs["status"] = 404
        return super().render_to_response(context, **response_kwargs)


class CaseStudyDetailView(DraftPreviewMixin, DetailView):
    """A case study, with the published essays about it."""

    queryset = CaseStudy.objects.for_public_page()
    context_object_name = "case_study"

    def get_context_data(self, **kwargs):
        kwargs["essays"] = list(self.object.essays_for_readers())
        return super().get_context_data(**kwargs)
