from django.views.generic import DetailView, ListView

from .models import Essay, Series


class HomeView(ListView):
    template_name = "essays/home.html"
    context_object_name = "essays"

    def get_queryset(self):
        return Essay.objects.published().for_index()


class EssayListView(ListView):
    context_object_name = "essays"

    def get_queryset(self):
        return Essay.objects.published().for_index()


class EssayDetailView(DetailView):
    def get_queryset(self):
        return Essay.objects.visible_to(self.request.user).for_detail()


class SeriesDetailView(DetailView):
    model = Series
