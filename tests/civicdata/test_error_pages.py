"""The 404 and 500 pages readers meet, with DEBUG off as in production."""

import pytest

from tests.essays.test_views import PageOutline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_not_found_page_is_in_the_sites_style(client):
    response = client.get("/essays/no-such-essay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<header class="site-header">' in html and '<footer class="site-footer">' in html
    assert 'action="/search/"' in html  # a way to look for what was meant
    assert 'href="/essays/"' in html and 'href="/portfolio/"' in html
    outline = PageOutline(html)
    assert outline.problems == []
    assert outline.first_focusable == "#main"


@pytest.mark.parametrize("path", ["/", "/essays/", "/no-such-page/", "/search/?q=data"])
def test_a_request_for_a_host_the_site_does_not_serve_gets_the_bad_request_page(client, path):
    client.raise_request_exception = False
    response = client.get(path, headers={"host": "attacker.example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "attacker.example" not in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


@pytest.mark.urls("tests.civicdata.error_urls")
def test_server_error_page_is_in_the_sites_style(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert 'href="/"' in html
    assert "A bug in a view" not in html  # nothing of the error itself
    outline = PageOutline(html)
    assert outline.problems == []
    assert outline.lang == "en"
    assert outline.first_focusable == "#main"
    assert "public" not in response.get("Cache-Control", "")
