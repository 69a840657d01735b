"""Atom feeds: every published essay and case study, and the essays of one series.

Entries carry the full text readers see, the stored sanitized `body_html`, with relative links
resolved against the entry's address (xml:base). An entry's id is a tag URI made of its kind and
primary key, so renaming an item (its address changes; see `addresses`) does not show it to feed
readers again as a new entry.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import capfirst

from essays.models import Essay, Series
from portfolio.models import CaseStudy

FEED_LENGTH = 50  # entries in a feed, newest first


class AtomWithContent(Atom1Feed):
    """Atom whose entries hold their full HTML text in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement(
            "content", item["content"], {"type": "html", "xml:base": item["link"]}
        )


@dataclass(frozen=True)
class FeedScope:
    host: str  # names the tag URIs of entries
    series: Series | None = None


class LatestFeed(Feed):
    """The newest published essays and case studies."""

    feed_type = AtomWithContent

    def get_object(self, request, *args, **kwargs):
        domain, _ = split_domain_port(request.get_host())
        return FeedScope(host=domain.strip("[]"))

    def title(self):
        return settings.CIVICDATA_SITE_NAME

    def subtitle(self):
        return (
            "Essays on how data work differs in civil society, and case studies from our projects."
        )

    def link(self):
        return reverse("essays:home")

    def author_name(self):
        return settings.CIVICDATA_SITE_NAME

    def items(self, scope):
        essays = _entries(Essay.objects.for_index()).order_by("-date", "-pk")[:FEED_LENGTH]
        case_studies = _entries(CaseStudy.objects).order_by("-date", "-pk")[:FEED_LENGTH]
        return _with_ids(scope, _newest_first([*essays, *case_studies])[:FEED_LENGTH])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's <summary type="html">: the plain-text summary escaped, so it reads as typed.
        return escape(item.summary)

    def item_extra_kwargs(self, item):
        return {"content": item.body_html}

    def item_guid(self, item):
        return item.feed_id

    def item_pubdate(self, item):
        return _published(item)

    def item_updateddate(self, item):
        return max(item.updated_at, _published(item))

    def item_author_name(self, item):
        names = [author.name for author in getattr(item, "authors", [])]
        return ", ".join(names) or settings.CIVICDATA_SITE_NAME

    def item_categories(self, item):
        series = getattr(item, "series", None)
        return [series.title] if series else [capfirst(item._meta.verbose_name)]


class SeriesFeed(LatestFeed):
    """The published essays of one series, newest first; no feed while none is published."""

    def get_object(self, request, slug):
        published_series = Essay.objects.published().values("series")
        series = get_object_or_404(Series.objects.filter(pk__in=published_series), slug=slug)
        return FeedScope(host=super().get_object(request).host, series=series)

    def title(self, scope):
        return f"{scope.series.title} — {settings.CIVICDATA_SITE_NAME}"

    def subtitle(self, scope):
        return f"The essays of the series “{scope.series.title}”."

    def link(self, scope):
        return scope.series.get_absolute_url()

    def items(self, scope):
        essays = (
            _entries(Essay.objects.for_index())
            .filter(series=scope.series)
            .order_by("-date", "-series_position")[:FEED_LENGTH]
        )
        return _with_ids(scope, list(essays))


def _entries(queryset):
    """The published items of `queryset`, without the Hugo file each keeps (a feed never
    shows it)."""
    return queryset.published().defer("hugo_source")


def _published(item):
    """When readers could first see the item: its publication time, else its date's start."""
    return item.publish_at or datetime.datetime.combine(
        item.date, datetime.time.min, tzinfo=datetime.UTC
    )


def _newest_first(items):
    return sorted(items, key=lambda item: (_published(item), item.updated_at), reverse=True)


def _with_ids(scope, items):
    for item in items:
        day = item.created_at.date().isoformat()
        item.feed_id = f"tag:{scope.host},{day}:{item._meta.model_name}/{item.pk}"
    return items
