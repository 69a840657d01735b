"""The trivial-view ceiling: a Django view returning the essay page's bytes, read once at start.

The fastest any page of the site could be under the same gunicorn and middleware; the pages
are measured against it.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

PAGE = Path(os.environ["BENCH_CEILING_PAGE"]).read_bytes()


def ceiling(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", ceiling)]
