from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin

from .models import CaseStudy


class CaseStudyListView(ListView):
    context_object_name = "case_studies"

    def get_queryset(self):
        return CaseStudy.objects.published()


class CaseStudyDetailView(DraftPreviewMixin, DetailView):
    queryset = CaseStudy.objects.for_public_page()
    context_object_name = "case_study"
