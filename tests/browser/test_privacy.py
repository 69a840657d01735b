"""Readers' privacy in Chromium: a public page loads nothing from any other site and leaves no
cookie, so there is nothing to ask consent for."""

from urllib.parse import urlsplit

from tests.browser.support import log_in, public_pages


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_public_pages_load_only_from_the_site_and_set_no_cookie(new_context, site):
    for name, path, status in public_pages(site):
        context = new_context()  # a reader who never came before
        requested = []
        context.on("request", lambda request, requested=requested: requested.append(request.url))
        page = context.new_page()
        response = page.goto(site.url + path)
        assert response.status == status, name
        page.wait_for_load_state("networkidle")
        assert len(requested) > 1, name  # the page and at least its stylesheet
        assert {origin(url) for url in requested} == {site.url}, name
        assert context.cookies() == [], name


def test_a_signed_in_editor_is_the_only_one_with_a_cookie(new_context, site):
    """The other side: the cookie jar is read for real, and an editor's session is in it."""
    context = new_context()
    page = context.new_page()
    log_in(page, site)
    assert "sessionid" in {cookie["name"] for cookie in context.cookies()}
