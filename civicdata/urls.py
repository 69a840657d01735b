from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from civicdata import markdownx_views, security, views
from civicdata.caching import public_page
from civicdata.feeds import LatestFeed
from civicdata.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    # django-markdownx's views, mounted behind a staff check under markdownx's own URL names.
    path(
        "markdownx/markdownify/",
        markdownx_views.MarkdownifyView.as_view(),
        name="markdownx_markdownify",
    ),
    path("markdownx/upload/", markdownx_views.ImageUploadView.as_view(), name="markdownx_upload"),
    path("", include("essays.urls")),
    path("", include("portfolio.urls")),
    # Review links for partners: never cached, never indexed (reviews/views.py).
    path("", include("reviews.urls")),
    path("search/", public_page(views.SearchView.as_view(), keep=False), name="search"),
    path("feed/", public_page(LatestFeed()), name="feed"),
    # Django's sitemap view reads ?p= (the page of a long sitemap).
    path("sitemap.xml", public_page(sitemap, query=["p"]), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_page(views.robots_txt), name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.DEBUG:
    urlpatterns += static(
        settings.MEDIA_URL, view=security.serve_media, document_root=settings.MEDIA_ROOT
    )

handler400 = "civicdata.security.bad_request"
