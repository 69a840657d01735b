"""The site's URLs and one that fails, to see the server-error page as readers would."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("A bug in a view")


urlpatterns = [
    path("broken/", broken),
    path("", include("civicdata.urls")),
]
