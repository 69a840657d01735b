"""The site's URLconf under /moved/ (tests/civicdata/test_reversing.py)."""

from django.urls import include, path

urlpatterns = [path("moved/", include("civicdata.urls"))]
