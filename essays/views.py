from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from civicdata.publishing import may_preview
from civicdata.views import DraftPreviewMixin

from . import reads
from .models import NOT_IN_LISTS, Essay, Series
from .outline import SeriesOutline
from .reads import published_essays_in_series_order


def essay_list_page_count():
    """How many pages /essays/ has (at least one, which says that none are published yet)."""
    return Paginator(reads.PublishedEssays(), settings.CIVICDATA_ESSAYS_PER_PAGE).num_pages


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
    template_name = "essays/essay_list.html"

    def get_paginate_by(self, queryset):
        return settings.CIVICDATA_ESSAYS_PER_PAGE

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect("essays:essay_list", permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return reads.PublishedEssays()

    def paginate_queryset(self, essays, page_size):
        try:
            page = essays.page(self.kwargs.get("page", 1), page_size)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        return page.paginator, page, page.object_list, page.has_other_pages()


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

    # What the review copy (reviews.views) reads its essay from, whatever its status.
    queryset = Essay.objects.for_index()

    @cached_property
    def now(self):
        """The one moment the page is read at."""
        return timezone.now()

    def get_object(self, queryset=None):
        essay = reads.essay_for_page(
            self.kwargs["slug"], with_drafts=may_preview(self.request.user, Essay), at=self.now
        )
        if essay is None:
            raise Http404("No published essay at this address.")
        return essay

    def get_context_data(self, **kwargs):
        essay = self.object
        outline = reads.series_outline(essay.series_id, at=self.now)
        kwargs.update(
            outline=outline,
            part=outline.part_of(essay),
            previous_essay=outline.previous_of(essay),
            next_essay=outline.next_of(essay),
            # Those its text links to and those listing it as related (portfolio.models).
            case_studies=reads.case_studies_mentioned_in(essay.pk, at=self.now),
        )
        return super().get_context_data(**kwargs)
