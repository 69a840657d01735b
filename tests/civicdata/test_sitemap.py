"""sitemap.xml and robots.txt: what search engines are told to read."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from civicdata.publishing import Status
from tests.factories import CaseStudyFactory, EssayFactory, SeriesFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


@pytest.fixture
def site():
    series = SeriesFactory(title="Main series")
    essay = EssayFactory(series=series, slug="published-essay")
    EssayFactory(series=series, slug="draft-essay", status=Status.DRAFT)
    EssayFactory(
        series=series, slug="scheduled-essay", publish_at=timezone.now() + datetime.timedelta(1)
    )
    EssayFactory(series=SeriesFactory(title="Unpublished series"), status=Status.IN_REVIEW)
    case_study = CaseStudyFactory(slug="published-case-study")
    CaseStudyFactory(slug="draft-case-study", status=Status.DRAFT)
    return {"series": series, "essay": essay, "case_study": case_study}


def test_sitemap_lists_the_pages_readers_may_open_and_nothing_else(client, site):
    assert set(sitemap(client)) == {
        "http://testserver/",
        "http://testserver/essays/",
        "http://testserver/portfolio/",
        "http://testserver/series/main-series/",
        "http://testserver/essays/published-essay/",
        "http://testserver/portfolio/published-case-study/",
    }


def test_sitemap_lists_every_page_of_the_essay_list(client, site, settings):
    settings.CIVICDATA_ESSAYS_PER_PAGE = 1
    EssayFactory(series=site["series"], slug="second-published-essay")
    urls = set(sitemap(client))
    assert "http://testserver/essays/page/2/" in urls
    assert "http://testserver/essays/page/3/" not in urls  # drafts and scheduled essays fill none
    assert "http://testserver/essays/page/1/" not in urls  # that is /essays/


def test_sitemap_says_when_each_item_last_changed(client, site):
    urls = sitemap(client)
    essay_changed = site["essay"].updated_at
    assert urls["http://testserver/essays/published-essay/"] == essay_changed.date().isoformat()
    assert urls["http://testserver/series/main-series/"] == essay_changed.date().isoformat()
    assert urls["http://testserver/portfolio/published-case-study/"] == (
        site["case_study"].updated_at.date().isoformat()
    )


@pytest.mark.parametrize("size", [1, 10])
def test_sitemap_costs_the_same_queries_however_much_is_published(
    client, django_assert_num_queries, size
):
    series = SeriesFactory()
    for _ in range(size):
        EssayFactory(series=series)
        CaseStudyFactory()
    # How many pages the essay list has; for each of series, essays and case studies: how many,
    # then the page of them.
    with django_assert_num_queries(7):
        assert len(sitemap(client)) == 3 + 1 + 2 * size


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
