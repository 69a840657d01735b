from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("portfolio/", views.CaseStudyListView.as_view(), name="casestudy_list"),
    path("portfolio/<slug:slug>/", views.CaseStudyDetailView.as_view(), name="casestudy_detail"),
]
