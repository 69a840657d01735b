"""What a page tells search engines and link previews: canonical address, OpenGraph and Twitter
card tags, JSON-LD Article data; and the favicon."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import CaseStudyFactory, SeriesFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db


def meta(html, name):
    """The content of <meta property=name> or <meta name=name>, or None."""
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def json_ld(html):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.fixture
def essay(render):
    return render(
        WrittenEssayFactory(
            series=SeriesFactory(title="Data in civil society"),
            title="What is different",
            summary="How civil society data initiatives differ.",
            authors=["Aman", "Bea"],
        )
    )


@pytest.fixture
def hero_case_study(render, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "teal").save(buffer, format="PNG")
    case_study = CaseStudyFactory(
        title="Recidivism data sharing",
        summary="A county pools data.",
        hero_image=SimpleUploadedFile("hero.png", buffer.getvalue(), content_type="image/png"),
        hero_image_alt="Agencies around a table",
    )
    return render(case_study)


# ---- Canonical addresses ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?utm_source=newsletter", "?page=2&x=<y>"])
def test_a_page_names_its_canonical_address_without_the_query(client, essay, query):
    html = client.get(f"{essay.get_absolute_url()}{query}").content.decode()
    canonical = f"http://testserver{essay.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(html, "og:url") == canonical


def test_every_public_page_has_a_canonical_address(client, essay, hero_case_study):
    for url in ("/", "/essays/", "/portfolio/", essay.series.get_absolute_url(), "/search/"):
        html = client.get(url).content.decode()
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, url


def test_canonical_address_follows_https_behind_the_proxy(client, essay, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    https = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_PORT": "443"}
    html = client.get(essay.get_absolute_url(), **https).content.decode()
    assert f'<link rel="canonical" href="https://testserver{essay.get_absolute_url()}">' in html


# ---- Link previews ------------------------------------------------------------------------------


def test_essay_page_describes_the_essay_for_link_previews(client, essay):
    html = client.get(essay.get_absolute_url()).content.decode()
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "What is different"
    assert meta(html, "og:description") == "How civil society data initiatives differ."
    assert meta(html, "og:site_name") == "civicdata"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:title") == "What is different"
    assert meta(html, "article:published_time") == "2022-02-24"
    assert re.findall(r'<meta property="article:author" content="([^"]*)">', html) == [
        "Aman",
        "Bea",
    ]
    assert meta(html, "og:image") is None


def test_case_study_hero_image_is_the_preview_image(client, hero_case_study):
    html = client.get(hero_case_study.get_absolute_url()).content.decode()
    image_url = f"http://testserver{hero_case_study.hero_image.url}"
    assert meta(html, "og:image") == image_url
    assert meta(html, "og:image:alt") == "Agencies around a table"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == image_url
    assert meta(html, "twitter:image:alt") == "Agencies around a table"


def test_other_pages_describe_the_site(client, essay):
    html = client.get("/essays/").content.decode()
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:title") == "civicdata"
    assert "application/ld+json" not in html


def test_preview_text_is_escaped_in_attributes(client, render):
    essay = render(WrittenEssayFactory(title='Quotes " and <tags>', summary='A "quoted" <b>'))
    html = client.get(essay.get_absolute_url()).content.decode()
    assert meta(html, "og:title") == "Quotes &#34; and &lt;tags&gt;"
    assert meta(html, "og:description") == "A &#34;quoted&#34; &lt;b&gt;"


# ---- JSON-LD ------------------------------------------------------------------------------------


def test_essay_page_carries_json_ld_article_data(client, essay):
    data = json_ld(client.get(essay.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "What is different"
    assert data["description"] == "How civil society data initiatives differ."
    assert data["url"] == f"http://testserver{essay.get_absolute_url()}"
    assert data["datePublished"] == "2022-02-24"
    assert data["dateModified"].startswith(essay.updated_at.date().isoformat())
    assert data["author"] == [
        {"@type": "Person", "name": "Aman"},
        {"@type": "Person", "name": "Bea"},
    ]
    assert data["publisher"] == {"@type": "Organization", "name": "civicdata"}
    assert data["isPartOf"]["name"] == "Data in civil society"


def test_case_study_page_carries_json_ld_with_its_image(client, hero_case_study):
    data = json_ld(client.get(hero_case_study.get_absolute_url()).content.decode())
    assert data["@type"] == "Article"
    assert data["headline"] == "Recidivism data sharing"
    assert data["image"] == f"http://testserver{hero_case_study.hero_image.url}"
    assert data["author"] == {"@type": "Organization", "name": "civicdata"}


def test_a_title_cannot_break_out_of_the_json_ld(client, render):
    title = "Closing </script><script>alert(1)</script> & <!-- tags"
    essay = render(WrittenEssayFactory(title=title, summary="</SCRIPT >"))
    html = client.get(essay.get_absolute_url()).content.decode()
    assert html.lower().count("</script") == 1
    assert "<script>alert" not in html
    data = json_ld(html)
    assert data["headline"] == title
    assert data["description"] == "</SCRIPT >"


# ---- Favicon ------------------------------------------------------------------------------------


def test_pages_name_their_favicon(client, essay):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert finders.find("favicon.svg") and finders.find("favicon.ico")


def test_favicon_ico_at_the_site_root_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    assert "public" in response["Cache-Control"]
    with Image.open(finders.find("favicon.ico")) as icon:
        assert icon.format == "ICO"
