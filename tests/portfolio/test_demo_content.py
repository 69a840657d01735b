"""The demo content in demo-content/, imported as `make run` imports it: the sample essay's link
to the recidivism case study resolves, and the case study page says what this field needs."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from portfolio.models import CaseStudy, Stage

pytestmark = pytest.mark.django_db

DEMO_CONTENT = Path(settings.BASE_DIR) / "demo-content"
CASE_STUDY_URL = "/portfolio/recidivism-data-sharing/"


@pytest.fixture
def imported():
    out = StringIO()
    call_command("import_hugo", str(DEMO_CONTENT), stdout=out, stderr=StringIO())
    assert "failed 0" in out.getvalue()
    return CaseStudy.objects.get(slug="recidivism-data-sharing")


def sample_essay_url(client):
    html = client.get("/essays/").content.decode()
    return re.search(r'href="(/essays/whats-different[-\w]*/)"', html).group(1)


def test_the_sample_essays_portfolio_link_resolves_to_the_case_study(client, imported):
    essay_html = client.get(sample_essay_url(client)).content.decode()
    assert f'<a href="{CASE_STUDY_URL}"' in essay_html
    response = client.get(CASE_STUDY_URL)
    assert response.status_code == 200
    assert "<h1>Recidivism data sharing in a US county</h1>" in response.content.decode()


def test_the_demo_case_study_is_marked_as_demo_text(client, imported):
    html = client.get(CASE_STUDY_URL).content.decode()
    assert "Demo text written by the civicdata developers" in html
    assert "This case study is demo content written by the civicdata developers" in html


def test_the_demo_case_study_shows_partners_data_sources_and_the_essay_citing_it(client, imported):
    html = client.get(CASE_STUDY_URL).content.decode()
    for partner in (
        "Sheriff&#39;s office",
        "County courts",
        "State prison",
        "Probation office",
        "Public defender",
        "District attorney",
        "Community-based organizations",
    ):
        assert f"<strong>{partner}</strong>" in html
    assert imported.data_sources.count() == 5
    assert html.count("<dt>How these data misrepresent reality</dt>") == 5
    assert "Bookings record what deputies did, not what people did." in html
    assert "How they were protected" in html
    assert "Who used the results" in html
    essays = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    assert f'href="{sample_essay_url(client)}"' in essays  # its text links here


def test_the_demo_case_study_can_be_found_by_its_stage_and_topics(client, imported):
    assert imported.stage == Stage.HANDED_OVER
    for query in ({"stage": "handed_over"}, {"topic": "criminal-justice"}, {"topic": "privacy"}):
        assert CASE_STUDY_URL in client.get("/portfolio/", query).content.decode()


def test_the_essay_page_lists_the_case_study_it_mentions(client, imported):
    html = client.get(sample_essay_url(client)).content.decode()
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    assert f'<a href="{CASE_STUDY_URL}">Recidivism data sharing in a US county</a>' in related
