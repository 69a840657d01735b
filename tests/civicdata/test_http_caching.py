"""HTTP caching for browsers and a CDN: ETags, 304 on a conditional GET, Cache-Control that a
shared cache can follow, and nothing cacheable about a draft or a logged-in view."""

import datetime

import pytest
from django.utils import timezone

from civicdata.links import refresh_links_to
from civicdata.publishing import Status
from tests.factories import CaseStudyFactory, SectionFactory, SeriesFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=300"


@pytest.fixture
def site(render):
    series = SeriesFactory(title="Main series")
    essay = render(WrittenEssayFactory(series=series, series_position=1, slug="an-essay"))
    draft = render(
        WrittenEssayFactory(
            series=series,
            series_position=2,
            slug="a-draft",
            title="Secret draft",
            status=Status.DRAFT,
        )
    )
    case_study = render(CaseStudyFactory(slug="a-case-study"))
    return {"series": series, "essay": essay, "draft": draft, "case_study": case_study}


PAGES = {
    "home": "/",
    "essay list": "/essays/",
    "essay": "/essays/an-essay/",
    "series": "/series/main-series/",
    "portfolio": "/portfolio/",
    "case study": "/portfolio/a-case-study/",
    "feed": "/feed/",
    "series feed": "/series/main-series/feed/",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "search": "/search/?q=essay",
}


@pytest.mark.parametrize("page", PAGES)
def test_public_pages_may_be_kept_by_a_shared_cache(client, site, page):
    response = client.get(PAGES[page])
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert response["ETag"].startswith('"')
    assert "Cookie" in response["Vary"]
    assert not response.has_header("Last-Modified")  # dates are not validators here


@pytest.mark.parametrize("page", PAGES)
def test_a_conditional_get_of_an_unchanged_page_answers_304(client, site, page):
    etag = client.get(PAGES[page])["ETag"]
    response = client.get(PAGES[page], headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == PUBLIC


def test_a_conditional_get_with_another_etag_gets_the_page(client, site):
    response = client.get("/", headers={"if-none-match": '"something-else"'})
    assert response.status_code == 200


# ---- The validator changes with what the page shows ---------------------------------------------


def etag(client, url):
    return client.get(url)["ETag"]


def assert_changed(client, url, before):
    after = client.get(url, headers={"if-none-match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_editing_an_essay_changes_its_pages_etag(client, site, render):
    before = etag(client, "/essays/an-essay/")
    SectionFactory(essay=site["essay"], position=9, heading="A new part", body="New words.")
    render(site["essay"])
    assert_changed(client, "/essays/an-essay/", before)


def test_publishing_an_essay_changes_the_lists_feeds_and_sitemap(client, site):
    urls = ["/", "/essays/", "/series/main-series/", "/feed/", "/sitemap.xml"]
    before = {url: etag(client, url) for url in urls}
    site["draft"].status = Status.PUBLISHED
    site["draft"].save()
    for url in urls:
        assert_changed(client, url, before[url])


def test_unpublishing_the_newest_item_changes_the_feed(client, site, render):
    newest = render(CaseStudyFactory(date="2030-01-01"))
    before = etag(client, "/feed/")
    newest.status = Status.UNPUBLISHED
    newest.save()
    assert_changed(client, "/feed/", before)


def test_a_linked_item_changing_changes_the_linking_page(client, site, render):
    linking = WrittenEssayFactory(series=site["series"], series_position=5, sections=0)
    SectionFactory(
        essay=linking, position=1, heading="", body="See [the study](/portfolio/a-case-study/)."
    )
    render(linking)
    url = linking.get_absolute_url()
    before = etag(client, url)
    study = site["case_study"]
    study.status = Status.DRAFT
    study.save()
    refresh_links_to(study)  # as the admin does after unpublishing
    assert_changed(client, url, before)


def test_a_scheduled_essay_going_live_changes_the_home_page(client, site, monkeypatch):
    WrittenEssayFactory(
        series=site["series"],
        series_position=7,
        title="Scheduled essay",
        publish_at=timezone.now() + datetime.timedelta(hours=1),
    )
    before = etag(client, "/")
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_changed(client, "/", before)


# ---- Drafts, previews and logged-in views -------------------------------------------------------


def test_a_draft_preview_is_never_stored_nor_validated(client, site):
    client.force_login(EditorFactory())
    response = client.get("/essays/a-draft/")
    assert response.status_code == 200
    for directive in ("private", "no-store", "no-cache", "max-age=0"):
        assert directive in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")
    again = client.get("/essays/a-draft/", headers={"if-none-match": "*"})
    assert again.status_code == 200


def test_a_reader_never_gets_a_304_for_a_draft(client, site):
    editor = EditorFactory()
    client.force_login(editor)
    client.get("/essays/a-draft/")
    client.logout()
    for condition in ("*", '"anything"'):
        response = client.get("/essays/a-draft/", headers={"if-none-match": condition})
        assert response.status_code == 404
        assert "Secret draft" not in response.content.decode()


def test_logged_in_staff_get_private_pages(client, site):
    client.force_login(EditorFactory())
    response = client.get("/essays/an-essay/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response["Vary"]
    # Their own browser may still revalidate.
    again = client.get("/essays/an-essay/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/essays/no-such-essay/", "/no-such-page/"])
def test_not_found_pages_are_not_made_cacheable(client, site, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_the_admin_is_never_cached(admin_client):
    response = admin_client.get("/admin/")
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_cache_lifetime_comes_from_settings(client, site, settings):
    settings.CIVICDATA_CACHE_MAX_AGE = 60
    assert client.get("/")["Cache-Control"] == "public, max-age=60"
