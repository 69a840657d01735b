from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin
from portfolio.models import CaseStudy

from .models import Essay, Series
from .outline import SeriesOutline


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
    """A series and its essays, published and announced; a series with none published is not
    a page yet."""

    def get_queryset(self):
        return Series.objects.prefetch_related(
            Prefetch(
                "essays",
                queryset=Essay.objects.in_series_outline()
                .for_index()
                .with_drafting_progress()
                .order_by("series_position"),
                to_attr="outline_essays",
            )
        )

    def get_object(self, queryset=None):
        series = super().get_object(queryset)
        series.outline = SeriesOutline(series.outline_essays)
        if not series.outline.live:
            raise Http404("This series has no published essays.")
        return series


class EssayDetailView(DraftPreviewMixin, DetailView):
    """One essay: its part in the series, the published essays before and after it, and the
    essays still to come."""

    queryset = Essay.objects.for_public_page()

    def get_context_data(self, **kwargs):
        essay = self.object
        outline = SeriesOutline.of_series(essay.series_id)
        kwargs.update(
            outline=outline,
            part=outline.part_of(essay),
            previous_essay=outline.previous_of(essay),
            next_essay=outline.next_of(essay),
            # Those its text links to and those listing it as related (portfolio.models).
            case_studies=list(CaseStudy.objects.published().mentioned_in(essay)),
        )
        return super().get_context_data(**kwargs)
