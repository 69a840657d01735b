import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdata.publishing import Status
from tests.factories import CaseStudyFactory, PartnerFactory, UserFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db


def png_upload(name="hero.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def case_study(render):
    """A published case study with partners, related essays (one a draft), as readers get it."""
    case_study = CaseStudyFactory(
        title="Recidivism data sharing",
        summary="A county pools data to understand recidivism.",
        body="## The question\n\nHow do people move through the system?",
    )
    PartnerFactory(case_study=case_study, organization="Sheriff's office", role="Jail records")
    PartnerFactory(case_study=case_study, organization="County courts", role="")
    published = render(WrittenEssayFactory(title="What is different"))
    draft = render(WrittenEssayFactory(title="Secret draft essay", status=Status.DRAFT))
    case_study.related_essays.add(published, draft)
    return render(case_study)


# ---- The list --------------------------------------------------------------------------------


def test_portfolio_lists_published_case_studies_newest_first(client, case_study):
    older = CaseStudyFactory(title="Older study", date="2020-01-01")
    CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT)
    response = client.get("/portfolio/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(case_study.title) < html.index(older.title)
    assert f'href="{case_study.get_absolute_url()}"' in html
    assert "A county pools data to understand recidivism." in html
    assert '<time datetime="2023-05-01">1 May 2023</time>' in html
    assert "Secret draft case study" not in html


def test_portfolio_says_so_when_nothing_is_published_yet(client):
    assert "No case studies are published yet." in client.get("/portfolio/").content.decode()


# ---- One case study --------------------------------------------------------------------------


def test_case_study_shows_title_date_summary_and_body(client, case_study):
    response = client.get(case_study.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Recidivism data sharing</h1>" in html
    assert '<time datetime="2023-05-01">1 May 2023</time>' in html
    assert "A county pools data to understand recidivism." in html
    assert "<h2>The question</h2>" in html
    assert html.count("<h1") == 1


def test_case_study_lists_its_partners_in_order_with_their_roles(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    partners = re.search(r'<section class="partners">.*?</section>', html, re.S).group(0)
    assert "<li><strong>Sheriff&#x27;s office</strong> — Jail records</li>" in partners
    assert "<li><strong>County courts</strong></li>" in partners
    assert partners.index("Sheriff") < partners.index("County courts")


def test_case_study_links_to_its_published_related_essays_only(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/essays/[-\w]+/">What is different</a>', html)
    assert "Secret draft essay" not in html


def test_hero_image_is_shown_with_its_alt_text(client, case_study, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case_study.hero_image = png_upload()
    case_study.hero_image_alt = "Agencies around a table sharing records"
    case_study.save()
    html = client.get(case_study.get_absolute_url()).content.decode()
    image = re.search(r'<img class="hero"[^>]*>', html).group(0)
    assert f'src="{case_study.hero_image.url}"' in image
    assert 'alt="Agencies around a table sharing records"' in image


def test_case_study_without_hero_image_has_no_empty_image(client, case_study):
    assert "<img" not in client.get(case_study.get_absolute_url()).content.decode()


# ---- Drafts ----------------------------------------------------------------------------------


@pytest.fixture
def draft_case_study(render):
    return render(CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT))


def test_draft_case_study_is_not_found_by_readers(client, draft_case_study):
    assert client.get(draft_case_study.get_absolute_url()).status_code == 404


def test_draft_case_study_is_not_found_by_staff_who_may_not_change_it(client, draft_case_study):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(draft_case_study.get_absolute_url()).status_code == 404


def test_editor_previews_a_draft_case_study_under_a_banner_never_cached(client, draft_case_study):
    client.force_login(EditorFactory())
    response = client.get(draft_case_study.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Secret draft case study</h1>" in html
    assert "Draft — not visible to readers" in html
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in response["Cache-Control"]


def test_published_case_study_shows_no_draft_banner_to_editors(client, case_study):
    client.force_login(EditorFactory())
    response = client.get(case_study.get_absolute_url())
    assert "Draft — not visible to readers" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


# ---- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_portfolio_list_costs_one_query_however_many_case_studies(
    client, django_assert_num_queries, size
):
    for _ in range(size):
        PartnerFactory(case_study=CaseStudyFactory())
    CaseStudyFactory(status=Status.DRAFT)
    with django_assert_num_queries(1):
        assert client.get("/portfolio/").status_code == 200


@pytest.mark.parametrize("size", [1, 10])
def test_case_study_page_costs_the_same_queries_however_many_partners_and_essays(
    client, render, django_assert_num_queries, size
):
    case_study = CaseStudyFactory()
    for _ in range(size):
        PartnerFactory(case_study=case_study)
        case_study.related_essays.add(render(WrittenEssayFactory()))
    case_study.related_essays.add(WrittenEssayFactory(status=Status.DRAFT))
    render(case_study)
    # The case study, its partners, its published related essays.
    with django_assert_num_queries(3):
        assert client.get(case_study.get_absolute_url()).status_code == 200
