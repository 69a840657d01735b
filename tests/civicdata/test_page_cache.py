"""The page cache: readers get kept pages, and never one that changed since it was kept."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicdata import revisions
from civicdata.publishing import Status
from civicdata.trash import move_to_trash
from essays.models import Essay, Section
from essays.services import render_essay
from portfolio.forms import CONFIRM_FIELD
from portfolio.models import CaseStudy
from tests.admin_pages import form_data
from tests.factories import CaseStudyFactory, SectionFactory, SeriesFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db

LISTS = ["/", "/essays/", "/series/main-series/", "/feed/", "/sitemap.xml"]
PAGES = [
    *LISTS,
    "/essays/an-essay/",
    "/portfolio/",
    "/portfolio/a-case-study/",
    "/series/main-series/feed/",
    "/robots.txt",
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CIVICDATA_PAGE_CACHE = True
    settings.CIVICDATA_SCHEDULE_CHECK = True
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def site(render):
    series = SeriesFactory(title="Main series")
    essay = render(WrittenEssayFactory(series=series, series_position=1, slug="an-essay"))
    draft = render(
        WrittenEssayFactory(
            series=series,
            series_position=2,
            slug="a-draft",
            title="Draft essay",
            status=Status.DRAFT,
        )
    )
    case_study = render(CaseStudyFactory(slug="a-case-study", title="A case study"))
    return {"series": series, "essay": essay, "draft": draft, "case_study": case_study}


@pytest.fixture
def editor_client():
    editor_client = Client()
    editor_client.force_login(EditorFactory())
    return editor_client


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def as_the_site_renders_it(client, url, settings, **kwargs):
    """The page as the site renders it now, bypassing the page cache."""
    settings.CIVICDATA_PAGE_CACHE = False
    try:
        return page(client, url, **kwargs)
    finally:
        settings.CIVICDATA_PAGE_CACHE = True


def assert_fresh(client, urls, settings):
    for url in urls:
        assert page(client, url) == as_the_site_renders_it(client, url, settings), url


# ---- Readers get kept pages ----------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_readers_second_request_is_answered_from_the_cache(
    client, site, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Cache-Control"] == first["Cache-Control"] == "public, max-age=300"
    assert again["ETag"] == first["ETag"]


def test_a_conditional_get_of_a_kept_page_answers_304(client, site):
    etag = client.get("/essays/an-essay/")["ETag"]
    response = client.get("/essays/an-essay/", headers={"if-none-match": etag})
    assert response.status_code == 304


def test_a_head_request_is_answered_from_the_kept_page(client, site, django_assert_num_queries):
    client.get("/essays/an-essay/")
    with django_assert_num_queries(0):
        response = client.head("/essays/an-essay/")
    assert response.status_code == 200
    assert response.content == b""


def test_each_query_string_is_kept_apart(client, site):
    CaseStudyFactory(title="Piloted study", stage="pilot")
    assert "Piloted study" in page(client, "/portfolio/")[1]
    assert "A case study" in page(client, "/portfolio/")[1]
    assert "A case study" not in page(client, "/portfolio/?stage=pilot")[1]
    assert "A case study" in page(client, "/portfolio/")[1]


def test_a_link_with_tracking_parameters_is_answered_from_the_kept_page(
    client, site, django_assert_num_queries
):
    shared = client.get("/essays/an-essay/?utm_source=newsletter&fbclid=IwAR0abc")
    assert shared.status_code == 200
    with django_assert_num_queries(0):
        plain = client.get("/essays/an-essay/")
        again = client.get("/essays/an-essay/?fbclid=IwAR0other")
    assert plain.content == shared.content == again.content


def test_the_portfolio_is_kept_by_its_filters_alone(client, site, django_assert_num_queries):
    CaseStudyFactory(title="Piloted study", stage="pilot")
    piloted = client.get("/portfolio/?stage=pilot").content
    with django_assert_num_queries(0):
        assert client.get("/portfolio/?utm_medium=email&stage=pilot").content == piloted
    assert "A case study" in page(client, "/portfolio/?utm_medium=email")[1]


def test_a_made_up_portfolio_filter_is_not_kept(client, site):
    assert client.get("/portfolio/?topic=made-up-topic").status_code == 404
    CaseStudy.objects.update(title="Retitled without a signal")
    response = client.get("/portfolio/?topic=made-up-topic")
    assert response.status_code == 404
    assert "Retitled without a signal" in response.content.decode()


def test_a_page_kept_for_one_host_is_not_served_for_another(client, site):
    assert "http://localhost/sitemap.xml" in page(client, "/robots.txt", HTTP_HOST="localhost")[1]
    other = page(client, "/robots.txt", HTTP_HOST="127.0.0.1")[1]
    assert "http://127.0.0.1/sitemap.xml" in other
    assert "localhost" not in other
    secure = page(client, "/robots.txt", HTTP_HOST="localhost", secure=True)[1]
    assert "https://localhost/sitemap.xml" in secure


def test_search_is_not_kept(client, site):
    assert "Unbumped title" not in page(client, "/search/?q=part")[1]
    Essay.objects.filter(pk=site["essay"].pk).update(title="Unbumped title")  # no signal
    assert "Unbumped title" in page(client, "/search/?q=part")[1]


# ---- Logged-in editors ---------------------------------------------------------------------------


def test_a_logged_in_editor_never_gets_a_kept_page(client, editor_client, site):
    assert "Kept title" not in page(client, "/essays/an-essay/")[1]
    Essay.objects.filter(pk=site["essay"].pk).update(title="Kept title")  # no signal: cache kept
    assert "Kept title" not in page(client, "/essays/an-essay/")[1]  # readers: the kept page
    assert "Kept title" in page(editor_client, "/essays/an-essay/")[1]


def test_a_logged_in_editor_never_fills_the_cache(client, editor_client, site):
    editors_page = page(editor_client, "/essays/an-essay/")[1]
    assert "Draft essay" in page(editor_client, "/essays/a-draft/")[1]
    Essay.objects.filter(pk=site["essay"].pk).update(title="Changed title")  # no signal
    assert "Changed title" not in editors_page
    assert "Changed title" in page(client, "/essays/an-essay/")[1]
    assert page(client, "/essays/a-draft/")[0] == 404


# ---- Every change shows at once ------------------------------------------------------------------


def test_publishing_in_the_admin_shows_on_the_next_readers_request(
    client, editor_client, site, settings
):
    for url in [*PAGES, "/essays/a-draft/"]:
        client.get(url)
    response = editor_client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "publish_now", "_selected_action": [site["draft"].pk]},
    )
    assert response.status_code == 302
    assert page(client, "/essays/a-draft/")[0] == 200
    for url in LISTS:
        assert "/essays/a-draft/" in page(client, url)[1], url
    assert_fresh(client, [*PAGES, "/essays/a-draft/"], settings)


def test_an_edit_shows_on_the_next_readers_request(client, site, settings):
    client.get("/essays/an-essay/")
    section = site["essay"].sections.get(position=2)
    section.body = "Words written since."
    section.save()
    render_essay(site["essay"])
    assert "Words written since." in page(client, "/essays/an-essay/")[1]
    assert_fresh(client, PAGES, settings)


def test_a_rendering_that_sends_no_signal_still_shows(client, site):
    client.get("/essays/an-essay/")
    Section.objects.filter(essay=site["essay"], position=2).update(body="Rewritten quietly.")
    render_essay(site["essay"])  # bulk updates only
    assert "Rewritten quietly." in page(client, "/essays/an-essay/")[1]


def test_renaming_a_linked_case_study_shows_at_once(client, editor_client, site, render, settings):
    linking = WrittenEssayFactory(series=site["series"], series_position=3, sections=0)
    SectionFactory(
        essay=linking, position=1, heading="", body="See [the study](/portfolio/a-case-study/)."
    )
    render(linking)
    urls = [*PAGES, linking.get_absolute_url()]
    for url in urls:
        client.get(url)
    change = reverse("admin:portfolio_casestudy_change", args=[site["case_study"].pk])
    data = form_data(editor_client.get(change))
    data.update(slug="a-renamed-study", **{CONFIRM_FIELD: "on"})
    assert editor_client.post(change, data).status_code == 302

    assert page(client, "/portfolio/a-renamed-study/")[0] == 200
    assert client.get("/portfolio/a-case-study/").status_code == 301
    assert "/portfolio/a-renamed-study/" in page(client, "/portfolio/")[1]
    assert_fresh(client, [url for url in urls if "a-case-study" not in url], settings)


def test_trashing_an_essay_takes_it_off_every_page_at_once(client, site, settings):
    for url in PAGES:
        client.get(url)
    move_to_trash([site["essay"]], user=None)
    assert page(client, "/essays/an-essay/")[0] == 404
    for url in ["/", "/essays/", "/feed/", "/sitemap.xml"]:
        assert "/essays/an-essay/" not in page(client, url)[1], url
    assert_fresh(client, [url for url in PAGES if url != "/essays/an-essay/"], settings)


def test_restoring_a_revision_shows_at_once(client, site):
    essay = site["essay"]
    with revisions.recording(user=None, comment="First"):
        revisions.include(essay)
    first = revisions.versions_of(essay).first().revision
    essay.title = "A later title"
    essay.save()
    assert "A later title" in page(client, "/essays/an-essay/")[1]
    revisions.restore_revision(item=essay, revision=first, user=None)
    assert "A later title" not in page(client, "/essays/an-essay/")[1]


# ---- Scheduled times -----------------------------------------------------------------------------


def later(monkeypatch, hours):
    moment = timezone.now() + datetime.timedelta(hours=hours)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_scheduled_essay_shows_the_moment_it_is_published(client, site, monkeypatch, settings):
    WrittenEssayFactory(
        series=site["series"],
        series_position=4,
        slug="scheduled",
        title="Scheduled essay",
        publish_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert page(client, "/essays/scheduled/")[0] == 404
    for url in PAGES:
        assert "/essays/scheduled/" not in page(client, url)[1], url
    later(monkeypatch, 2)
    assert page(client, "/essays/scheduled/")[0] == 200
    for url in LISTS:
        assert "/essays/scheduled/" in page(client, url)[1], url
    assert_fresh(client, PAGES, settings)


def test_an_essay_is_gone_the_moment_it_is_taken_down(client, site, monkeypatch, settings):
    site["essay"].expire_at = timezone.now() + datetime.timedelta(hours=1)
    site["essay"].save()
    for url in PAGES:
        client.get(url)
    later(monkeypatch, 2)
    assert page(client, "/essays/an-essay/")[0] == 404
    for url in ["/", "/essays/", "/feed/", "/sitemap.xml"]:
        assert "/essays/an-essay/" not in page(client, url)[1], url


@pytest.fixture
def linking_to_the_schedule(site, render):
    """An essay whose text links to an essay published in an hour and to one taken down then."""
    soon = timezone.now() + datetime.timedelta(hours=1)
    render(
        WrittenEssayFactory(
            series=site["series"], series_position=4, slug="coming", publish_at=soon
        )
    )
    render(WrittenEssayFactory(series=site["series"], series_position=5, slug="going"))
    Essay.objects.filter(slug="going").update(expire_at=soon)
    linking = WrittenEssayFactory(series=site["series"], series_position=3, sections=0)
    SectionFactory(
        essay=linking,
        position=1,
        heading="",
        body="Read [what comes](/essays/coming/) and [what goes](/essays/going/).",
    )
    return render(linking)


@pytest.mark.parametrize("page_cache_on", [True, False], ids=["cached", "uncached"])
def test_a_link_to_a_scheduled_item_follows_its_schedule(
    client, linking_to_the_schedule, monkeypatch, settings, page_cache_on
):
    settings.CIVICDATA_PAGE_CACHE = page_cache_on
    url = linking_to_the_schedule.get_absolute_url()
    before = page(client, url)[1]
    assert 'href="/essays/coming/"' not in before
    assert 'href="/essays/going/"' in before
    later(monkeypatch, 2)
    after = page(client, url)[1]
    assert 'href="/essays/coming/"' in after
    assert 'href="/essays/going/"' not in after
    assert "what goes" in after  # kept as plain text


def test_a_link_follows_its_schedule_after_the_cache_was_emptied(
    client, linking_to_the_schedule, monkeypatch
):
    url = linking_to_the_schedule.get_absolute_url()
    client.get(url)
    later(monkeypatch, 2)
    cache.clear()  # a restarted cache: when links were last checked is forgotten
    assert 'href="/essays/coming/"' in page(client, url)[1]


def test_links_are_rendered_again_only_once_per_scheduled_moment(
    client, linking_to_the_schedule, monkeypatch
):
    url = linking_to_the_schedule.get_absolute_url()
    client.get(url)
    later(monkeypatch, 2)
    client.get(url)
    rendered = Essay.objects.get(pk=linking_to_the_schedule.pk).body_html
    Essay.objects.filter(pk=linking_to_the_schedule.pk).update(body_html="not rendered again")
    client.get("/essays/")
    client.get(url)
    assert Essay.objects.get(pk=linking_to_the_schedule.pk).body_html == "not rendered again"
    assert 'href="/essays/coming/"' in rendered
