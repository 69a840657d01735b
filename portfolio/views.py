from django.views.generic import DetailView, ListView

from .models import CaseStudy


class CaseStudyListView(ListView):
    context_object_name = "case_studies"

    def get_queryset(self):
        return CaseStudy.objects.published()


class CaseStudyDetailView(DetailView):
    context_object_name = "case_study"

    def get_queryset(self):
        return CaseStudy.objects.visible_to(self.request.user).for_detail()
