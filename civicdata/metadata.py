"""What search engines, link previews and feed readers learn about a page besides its text: its
canonical address, OpenGraph and Twitter card tags, and JSON-LD Article data.
(The tags themselves are written by templates/includes/head_meta.html.)"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from civicdata.reversing import reverse_remembered

# What django.utils.html.json_script escapes, so no text can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def page_address(request):
    """Context processor: `canonical_url`, the page's absolute address without its query.
    None for a request naming a host the site does not serve: its 400 page names no address."""
    try:
        return {"canonical_url": request.build_absolute_uri(request.path)}
    except DisallowedHost:
        return {"canonical_url": None}


def json_ld(data) -> SafeString:
    """A <script type="application/ld+json"> element holding `data`, escaped as json_script
    escapes (json_script itself only writes type="application/json")."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # escaped just above
    )


@dataclass
class Article:
    """An essay or case study as link previews and search engines describe it."""

    title: str
    summary: str
    url: str
    published: datetime.date
    modified: datetime.datetime
    authors: list[str] = field(default_factory=list)
    image_url: str = ""
    image_alt: str = ""
    series_title: str = ""
    series_url: str = ""
    series_feed_url: str = ""
    word_count: int | None = None

    @classmethod
    def of(cls, item, request):
        """Read from an essay (bylines and series loaded with it) or a case study."""
        absolute = request.build_absolute_uri
        article = cls(
            title=item.title,
            summary=item.summary,
            url=absolute(item.get_absolute_url()),
            published=item.date,
            modified=item.updated_at,
            authors=[author.name for author in getattr(item, "authors", [])],
            word_count=getattr(item, "word_count", None),
        )
        if getattr(item, "hero_image", None):
            article.image_url = absolute(item.hero_image.url)
            article.image_alt = item.hero_image_alt
        if series := getattr(item, "series", None):
            article.series_title = series.title
            article.series_url = absolute(series.get_absolute_url())
            article.series_feed_url = reverse_remembered(
                "essays:series_feed", kwargs={"slug": series.slug}
            )
        return article

    @property
    def json_ld(self) -> SafeString:
        organization = {"@type": "Organization", "name": settings.CIVICDATA_SITE_NAME}
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "url": self.url,
            "mainEntityOfPage": self.url,
            "datePublished": self.published.isoformat(),
            "dateModified": self.modified.isoformat(),
            "inLanguage": "en",
            "author": [{"@type": "Person", "name": name} for name in self.authors] or organization,
            "publisher": organization,
        }
        if self.summary:
            data["description"] = self.summary
        if self.image_url:
            data["image"] = self.image_url
        if self.series_title:
            data["isPartOf"] = {
                "@type": "CreativeWorkSeries",
                "name": self.series_title,
                "url": self.series_url,
            }
        if self.word_count:
            data["wordCount"] = self.word_count
        return json_ld(data)
