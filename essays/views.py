from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin

from .models import Essay, Series


def published_essays_in_series_order():
    """Published essays grouped by series (series by title), each series in its own order."""
    return (
        Essay.objects.published().for_index().order_by("series__title", "series", "series_position")
    )


class HomeView(ListView):
    """The series introduced, each with its published essays."""

    template_name = "essays/home.html"
    context_object_name = "essays"

    def get_queryset(self):
        return published_essays_in_series_order()


class EssayListView(ListView):
    """Every published essay, grouped by series."""

    context_object_name = "essays"

    def get_queryset(self):
        return published_essays_in_series_order()


class SeriesDetailView(DetailView):
    """A series and its published essays; a series with none published is not a page yet."""

    def get_queryset(self):
        return Series.objects.prefetch_related(
            Prefetch(
                "essays",
                queryset=Essay.objects.published().for_index().order_by("series_position"),
                to_attr="published_essays",
            )
        )

    def get_object(self, queryset=None):
        series = super().get_object(queryset)
        if not series.published_essays:
            raise Http404("This series has no published essays.")
        return series


class EssayDetailView(DraftPreviewMixin, DetailView):
    """One essay, with the published essays before and after it in its series."""

    queryset = Essay.objects.for_public_page()

    def get_context_data(self, **kwargs):
        essay = self.object
        in_series = Essay.objects.published().filter(series_id=essay.series_id)
        kwargs["previous_essay"] = (
            in_series.filter(series_position__lt=essay.series_position)
            .order_by("-series_position")
            .first()
        )
        kwargs["next_essay"] = (
            in_series.filter(series_position__gt=essay.series_position)
            .order_by("series_position")
            .first()
        )
        return super().get_context_data(**kwargs)
