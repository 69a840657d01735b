from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from civicdata import markdownx_views

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
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
