import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdata.publishing import Status
from portfolio.models import CaseStudy, Partner
from tests.admin_pages import form_data
from tests.factories import CaseStudyFactory, EssayFactory, PartnerFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def case_study(render):
    case_study = CaseStudyFactory(title="Recidivism data sharing", slug="recidivism-data-sharing")
    PartnerFactory(case_study=case_study, organization="County courts", position=1)
    PartnerFactory(case_study=case_study, organization="State prisons", position=2)
    case_study.related_essays.add(EssayFactory(title="Why data sharing stalls"))
    render(case_study)
    return case_study


def change_url(case_study):
    return reverse("admin:portfolio_casestudy_change", args=[case_study.pk])


def png_upload(name="hero.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_case_study_list_add_and_change_pages_open_for_editors(admin_client, case_study):
    for url in [
        reverse("admin:portfolio_casestudy_changelist"),
        reverse("admin:portfolio_casestudy_add"),
        change_url(case_study),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_case_study_page_edits_partners_in_order_and_picks_essays_by_search(
    admin_client, case_study
):
    response = admin_client.get(change_url(case_study))
    formsets = {
        inline.formset.prefix: inline.formset
        for inline in response.context["inline_admin_formsets"]
    }
    partners = formsets["partners"]
    assert [form.instance.organization for form in partners.forms] == [
        "County courts",
        "State prisons",
    ]
    content = response.content.decode()
    assert "admin-autocomplete" in content  # related essays: searched, not a long select
    assert "markdownx-editor" in content


def test_list_filters_by_status_and_searches_partners(admin_client, case_study):
    draft = CaseStudyFactory(status=Status.DRAFT)
    changelist = reverse("admin:portfolio_casestudy_changelist")

    response = admin_client.get(changelist, {"status__exact": Status.DRAFT})
    assert [item.pk for item in response.context["cl"].result_list] == [draft.pk]
    response = admin_client.get(changelist, {"q": "prisons"})
    assert [item.pk for item in response.context["cl"].result_list] == [case_study.pk]


def test_saving_a_case_study_rerenders_its_body(admin_client, case_study):
    response = admin_client.get(change_url(case_study))
    data = form_data(response)
    data["body"] = "Courts and prisons *agreed*."

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    assert "<em>agreed</em>" in case_study.body_html


def test_hero_image_without_alt_text_is_a_form_error(admin_client, case_study, media_root):
    data = form_data(admin_client.get(change_url(case_study)))
    data["hero_image"] = png_upload()
    data["hero_image_alt"] = ""

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["hero_image_alt"] == ["Describe the image for readers who cannot see it."]
    case_study.refresh_from_db()
    assert not case_study.hero_image


def test_hero_image_with_alt_text_is_saved(admin_client, case_study, media_root):
    data = form_data(admin_client.get(change_url(case_study)))
    data["hero_image"] = png_upload()
    data["hero_image_alt"] = "A courthouse in the rain."

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    assert (media_root / case_study.hero_image.name).is_file()
    assert case_study.hero_image_alt in admin_client.get(change_url(case_study)).content.decode()


def test_hero_image_that_is_not_an_image_is_a_form_error(admin_client, case_study, media_root):
    data = form_data(admin_client.get(change_url(case_study)))
    data["hero_image"] = SimpleUploadedFile(
        "hero.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    data["hero_image_alt"] = "Not really."

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_two_partners_with_one_position_give_a_form_error(admin_client, case_study):
    response = admin_client.get(change_url(case_study))
    data = form_data(response)
    data["partners-1-position"] = "1"

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 200
    assert "Two rows have the same position" in response.content.decode()


def test_new_partner_without_a_position_goes_last(admin_client, case_study):
    response = admin_client.get(change_url(case_study))
    data = form_data(response)
    data["partners-TOTAL_FORMS"] = "3"
    data["partners-2-organization"] = "Public defenders"

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(case_study.partners.values_list("organization", "position")) == [
        ("County courts", 1),
        ("State prisons", 2),
        ("Public defenders", 3),
    ]


def test_adding_a_case_study_with_partners(admin_client):
    response = admin_client.get(reverse("admin:portfolio_casestudy_add"))
    data = form_data(response)
    data.update(
        title="Open budgets",
        slug="open-budgets",
        date="2024-01-10",
        status=Status.PUBLISHED,
        body="Budgets, *opened*.",
        **{
            "partners-TOTAL_FORMS": "2",
            "partners-0-organization": "City hall",
            "partners-1-organization": "Budget office",
        },
    )

    response = admin_client.post(reverse("admin:portfolio_casestudy_add"), data)

    assert response.status_code == 302, response.context["errors"]
    case_study = CaseStudy.objects.get(slug="open-budgets")
    assert "<em>opened</em>" in case_study.body_html
    assert list(Partner.objects.values_list("organization", "position")) == [
        ("City hall", 1),
        ("Budget office", 2),
    ]


def test_publishing_a_case_study_turns_essay_links_to_it_into_links(admin_client, render):
    target = CaseStudyFactory(slug="open-budgets", status=Status.DRAFT)
    essay = EssayFactory()
    SectionFactory(
        essay=essay, position=1, heading="", body="See [budgets](/portfolio/open-budgets/)."
    )
    render(essay)
    assert "<a" not in essay.body_html

    data = form_data(admin_client.get(change_url(target)))
    data["status"] = Status.PUBLISHED
    response = admin_client.post(change_url(target), data)

    assert response.status_code == 302, response.context["errors"]
    essay.refresh_from_db()
    assert 'href="/portfolio/open-budgets/"' in essay.body_html


def test_deleting_a_case_study_unlinks_essays_pointing_at_it(admin_client, render):
    target = CaseStudyFactory(slug="open-budgets")
    essay = EssayFactory()
    SectionFactory(
        essay=essay, position=1, heading="", body="See [budgets](/portfolio/open-budgets/)."
    )
    render(essay)
    assert "href" in essay.body_html

    response = admin_client.post(
        reverse("admin:portfolio_casestudy_delete", args=[target.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    essay.refresh_from_db()
    assert "<a" not in essay.body_html


def test_related_essays_are_found_by_title_search(admin_client, case_study):
    EssayFactory(title="Something else entirely")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "data sharing",
            "app_label": "portfolio",
            "model_name": "casestudy",
            "field_name": "related_essays",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Why data sharing stalls"]
