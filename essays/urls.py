from django.urls import path

from . import views

app_name = "essays"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("essays/", views.EssayListView.as_view(), name="essay_list"),
    path("essays/<slug:slug>/", views.EssayDetailView.as_view(), name="essay_detail"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series_detail"),
]
