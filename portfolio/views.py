from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin

from .forms import PortfolioFilterForm
from .models import CaseStudy, Topic


class CaseStudyListView(ListView):
    """Published case studies, filtered by ?topic=<slug> and ?stage=<stage>."""

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


class CaseStudyDetailView(DraftPreviewMixin, DetailView):
    """A case study, with the published essays about it."""

    queryset = CaseStudy.objects.for_public_page()
    context_object_name = "case_study"

    def get_context_data(self, **kwargs):
        kwargs["essays"] = list(self.object.essays_for_readers())
        return super().get_context_data(**kwargs)
