from django.urls import path

from civicdata.caching import public_page

from . import views

app_name = "portfolio"

urlpatterns = [
    # public_page: cacheable by browsers and a CDN, with an ETag (civicdata/caching.py).
    path(
        "portfolio/",
        public_page(views.CaseStudyListView.as_view(), query=views.CaseStudyListView.filter_names),
        name="casestudy_list",
    ),
    path(
        "portfolio/<slug:slug>/",
        public_page(views.CaseStudyDetailView.as_view()),
        name="casestudy_detail",
    ),
]
