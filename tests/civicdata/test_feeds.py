"""Atom feeds at /feed/ and /series/<slug>/feed/."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from addresses.services import record_slug_change
from civicdata.publishing import Status
from tests.factories import CaseStudyFactory, SectionFactory, SeriesFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed):
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


@pytest.fixture
def site(render):
    main = SeriesFactory(title="Data in civil society")
    other = SeriesFactory(title="Working in the open")
    first = render(
        WrittenEssayFactory(
            series=main, series_position=1, title="Why civil society", date="2022-01-10"
        )
    )
    second = render(
        WrittenEssayFactory(
            series=main,
            series_position=2,
            title="What is different",
            date="2022-03-01",
            summary="Tags like <b> and & stay text.",
            authors=["Aman", "Bea"],
        )
    )
    render(
        WrittenEssayFactory(
            series=main, series_position=3, title="Secret draft essay", status=Status.DRAFT
        )
    )
    render(
        WrittenEssayFactory(
            series=main,
            series_position=4,
            title="Not out yet",
            publish_at=timezone.now() + datetime.timedelta(days=1),
        )
    )
    elsewhere = render(WrittenEssayFactory(series=other, series_position=1, title="Open data"))
    case_study = render(CaseStudyFactory(title="Recidivism data sharing", date="2023-05-01"))
    render(CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT))
    return {
        "main": main,
        "other": other,
        "first": first,
        "second": second,
        "elsewhere": elsewhere,
        "case_study": case_study,
    }


def test_site_feed_holds_published_essays_and_case_studies_and_nothing_else(client, site):
    feed = read_feed(client.get("/feed/"))
    assert set(entries(feed)) == {
        "Why civil society",
        "What is different",
        "Open data",
        "Recidivism data sharing",
    }


def test_site_feed_is_newest_first(client, site):
    titles = list(entries(read_feed(client.get("/feed/"))))
    assert titles.index("Recidivism data sharing") < titles.index("What is different")
    assert titles.index("What is different") < titles.index("Why civil society")


def test_feed_entries_carry_the_full_sanitized_text_readers_see(client, site, render):
    essay = site["first"]
    SectionFactory(
        essay=essay,
        position=9,
        heading="More",
        body="Safe <script>x()</script> [a](/essays/essay-0/)",
    )
    render(essay)
    essay.refresh_from_db()
    entry = entries(read_feed(client.get("/feed/")))["Why civil society"]
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == essay.body_html
    assert "<script" not in content.text
    # Relative links in the text resolve against the entry's own address.
    assert content.get("{http://www.w3.org/XML/1998/namespace}base") == (
        f"http://testserver{essay.get_absolute_url()}"
    )


def test_feed_entry_summary_is_the_plain_summary_escaped(client, site):
    entry = entries(read_feed(client.get("/feed/")))["What is different"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Tags like &lt;b&gt; and &amp; stay text."


def test_feed_entries_name_their_authors_and_dates(client, site):
    entry = entries(read_feed(client.get("/feed/")))["What is different"]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Aman, Bea"
    assert entry.findtext(f"{ATOM}published").startswith("2022-03-01T00:00:00")
    assert entry.findtext(f"{ATOM}updated")
    assert entry.find(f"{ATOM}link").get("href") == (
        f"http://testserver{site['second'].get_absolute_url()}"
    )
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["Data in civil society"]


def test_feed_has_what_atom_requires(client, site):
    feed = read_feed(client.get("/feed/"))
    assert feed.findtext(f"{ATOM}title") == "civicdata"
    assert feed.findtext(f"{ATOM}id")
    assert feed.findtext(f"{ATOM}updated")
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    for entry in feed.iter(f"{ATOM}entry"):
        for element in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{element}"), element


def test_an_entry_keeps_its_id_when_its_slug_changes(client, site):
    def entry_id():
        entry = entries(read_feed(client.get("/feed/")))["Why civil society"]
        return entry.findtext(f"{ATOM}id")

    before = entry_id()
    essay = site["first"]
    previous = essay.slug
    essay.slug = "why-civil-society-matters"
    essay.save()
    record_slug_change(essay, previous_slug=previous)
    assert entry_id() == before
    assert before.startswith("tag:testserver,")


def test_series_feed_holds_only_that_series_published_essays(client, site):
    feed = read_feed(client.get(f"/series/{site['main'].slug}/feed/"))
    assert list(entries(feed)) == ["What is different", "Why civil society"]
    assert feed.findtext(f"{ATOM}title") == "Data in civil society — civicdata"


def test_series_feed_of_a_series_with_nothing_published_is_not_found(client, site):
    series = SeriesFactory(title="Coming later")
    WrittenEssayFactory(series=series, status=Status.DRAFT)
    assert client.get(f"/series/{series.slug}/feed/").status_code == 404
    assert client.get("/series/no-such-series/feed/").status_code == 404


def test_pages_point_feed_readers_at_their_feeds(client, site):
    site_feed = '<link rel="alternate" type="application/atom+xml" title="civicdata" href="/feed/">'
    series_feed = (
        'type="application/atom+xml" title="Data in civil society — civicdata" '
        f'href="/series/{site["main"].slug}/feed/"'
    )
    home = client.get("/").content.decode()
    assert site_feed in home
    assert series_feed not in home
    for url in (site["main"].get_absolute_url(), site["first"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert site_feed in html
        assert series_feed in html


@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(
    ("feed", "queries"),
    [
        ("site", 3),  # essays with their series, bylines with their authors; case studies
        ("series", 3),  # the series; its essays, bylines with their authors
    ],
)
def test_feed_costs_the_same_queries_however_much_is_published(
    client, render, django_assert_num_queries, size, feed, queries
):
    series = SeriesFactory(title="Big series")
    for position in range(1, size + 1):
        render(
            WrittenEssayFactory(
                series=series, series_position=position, authors=[f"A{n}" for n in range(size)]
            )
        )
        render(CaseStudyFactory())
    url = "/feed/" if feed == "site" else f"/series/{series.slug}/feed/"
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(entries(read_feed(response))) == (2 * size if feed == "site" else size)
