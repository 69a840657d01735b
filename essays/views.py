from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from civicdata.views import DraftPreviewMixin
from portfolio.models import CaseStudy

from .models import NOT_IN_LISTS, Essay, Series
from .outline import SeriesOutline


def published_essays_in_series_order():
    """Published essays grouped by series (series by title), each series in its own order."""
    return (
        Essay.objects.published()
        .for_index()
        .defer(*NOT_IN_LISTS)
        .order_by("series__title", "series", "series_position")
    )


def essay_list_page_count():
    """How many pages /essays/ has (at least one, which says that none are published yet)."""
    essays = published_essays_in_series_order()
    return Paginator(essays, settings.CIVICDATA_ESSAYS_PER_PAGE).num_pages


class HomeView(ListView):
    """The series introduced, each with its first published essays (and a link to the rest)."""

    template_name = "essays/home.html"
    context_object_name = "essays"

    def get_queryset(self):
        in_series = {"partition_by": F("series")}
        return (
            published_essays_in_series_order()
            .annotate(
                place=Window(RowNumber(), order_by=F("series_position").asc(), **in_series),
                published_in_series=Window(Count("pk"), **in_series),
            )
            .filter(place__lte=settings.CIVICDATA_HOME_ESSAYS_PER_SERIES)
        )


class EssayListView(ListView):
    """Every published essay, grouped by series, a page at a time: /essays/, then
    /essays/page/2/ and on (paths, not a query string, so a static build can hold them)."""

    context_object_name = "essays"

    def get_paginate_by(self, queryset):
        return settings.CIVICDATA_ESSAYS_PER_PAGE

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect("essays:essay_list", permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return published_essays_in_series_order()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        try:
            page = paginator.page(self.kwargs.get("page", 1))
        except InvalidPage as error:
            raise Http404(str(error)) from error
        return paginator, page, page.object_list, page.has_other_pages()


class SeriesDetailView(DetailView):
    """A series and its essays, published and announced; a series with none published is not
    a page yet."""

    def get_queryset(self):
        return Series.objects.prefetch_related(
            Prefetch(
                "essays",
                queryset=Essay.objects.in_series_outline()
                .for_index()
                .defer(*NOT_IN_LISTS)
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
