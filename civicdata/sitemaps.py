"""sitemap.xml: the pages readers may open, each item with the time it last changed."""

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from essays.models import Essay, Series
from essays.views import essay_list_page_count
from portfolio.models import CaseStudy


class ListPageSitemap(Sitemap):
    """The home page and the lists, with every page of the essay list."""

    def items(self):
        pages = [(name, {}) for name in ("essays:home", "essays:essay_list")]
        pages += [
            ("essays:essay_list_page", {"page": number})
            for number in range(2, essay_list_page_count() + 1)
        ]
        return [*pages, ("portfolio:casestudy_list", {})]

    def location(self, page):
        name, kwargs = page
        return reverse(name, kwargs=kwargs)


class SeriesSitemap(Sitemap):
    """Series with a published essay (the others are not pages yet), changed when their newest
    published essay changed."""

    def items(self):
        published = Essay.objects.published()
        newest = published.filter(series=OuterRef("pk")).order_by("-updated_at")
        return Series.objects.filter(pk__in=published.values("series")).annotate(
            last_changed=Subquery(newest.values("updated_at")[:1])
        )

    def lastmod(self, series):
        return series.last_changed


class PublishedItemSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class EssaySitemap(PublishedItemSitemap):
    model = Essay


class CaseStudySitemap(PublishedItemSitemap):
    model = CaseStudy


SITEMAPS = {
    "pages": ListPageSitemap,
    "series": SeriesSitemap,
    "essays": EssaySitemap,
    "portfolio": CaseStudySitemap,
}
