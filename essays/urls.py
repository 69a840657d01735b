from django.urls import path

from civicdata.caching import public_page
from civicdata.feeds import SeriesFeed

from . import views

app_name = "essays"

urlpatterns = [
    # public_page: cacheable by browsers and a CDN, with an ETag (civicdata/caching.py).
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("essays/", public_page(views.EssayListView.as_view()), name="essay_list"),
    path(
        "essays/page/<int:page>/",
        public_page(views.EssayListView.as_view()),
        name="essay_list_page",
    ),
    path("essays/<slug:slug>/", public_page(views.EssayDetailView.as_view()), name="essay_detail"),
    path(
        "series/<slug:slug>/", public_page(views.SeriesDetailView.as_view()), name="series_detail"
    ),
    path("series/<slug:slug>/feed/", public_page(SeriesFeed()), name="series_feed"),
]
