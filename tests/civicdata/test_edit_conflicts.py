"""Two people editing one item: the second save never silently overwrites the first."""

import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from civicdata.roles import EDITORS
from essays.models import DraftingStatus, Essay, Section
from portfolio.models import CaseStudy
from tests.admin_pages import form_data
from tests.factories import CaseStudyFactory, EssayFactory, RoleUserFactory, SectionFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


@pytest.fixture
def essay(render):
    essay = EssayFactory(title="Shared essay")
    SectionFactory(essay=essay, position=1, heading="", body="Opening.")
    SectionFactory(
        essay=essay, position=2, heading="Later", drafting_status=DraftingStatus.PLACEHOLDER
    )
    return render(essay)


@pytest.fixture
def two_editors():
    from django.test import Client

    amara, ben = Client(), Client()
    amara.force_login(RoleUserFactory(username="amara", role=EDITORS))
    ben.force_login(RoleUserFactory(username="ben", role=EDITORS))
    return amara, ben


def test_the_second_save_is_refused_and_names_who_saved_first(two_editors, essay):
    amara, ben = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    amaras_form, bens_form = form_data(amara.get(url)), form_data(ben.get(url))

    amaras_form["title"] = "Amara's title"
    assert amara.post(url, amaras_form).status_code == 302

    bens_form["title"] = "Ben's title"
    response = ben.post(url, bens_form)
    assert response.status_code == 200
    text = text_of(response)
    assert "amara saved this essay at" in text
    assert "after you opened it, changing the title. Your changes were not saved." in text
    assert 'value="Ben&#x27;s title"' in response.content.decode()  # his text is still there
    essay.refresh_from_db()
    assert essay.title == "Amara's title"


def test_after_reopening_the_second_editor_saves(two_editors, essay):
    amara, ben = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    ben.get(url)
    amaras_form = form_data(amara.get(url))
    amaras_form["title"] = "Amara's title"
    amara.post(url, amaras_form)

    bens_form = form_data(ben.get(url))  # reopened: the latest version
    bens_form["title"] = "Ben's title"
    assert ben.post(url, bens_form).status_code == 302
    essay.refresh_from_db()
    assert essay.title == "Ben's title"


def test_one_editor_saving_twice_in_a_row_is_no_conflict(two_editors, essay):
    amara, _ = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    for title in ("First", "Second"):
        data = form_data(amara.get(url))
        data["title"] = title
        assert amara.post(url, data).status_code == 302
    assert Essay.objects.get(pk=essay.pk).title == "Second"


def test_a_status_changed_on_the_board_is_not_overwritten_by_an_open_form(two_editors, essay):
    amara, ben = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    bens_form = form_data(ben.get(url))
    section = Section.objects.get(essay=essay, heading="Later")
    amara.post(
        reverse("admin:essays_boardsection_changelist"),
        {"action": "mark_in_progress", "_selected_action": [section.pk]},
    )
    response = ben.post(url, bens_form)
    assert response.status_code == 200
    assert "changing the section “Later”" in text_of(response)
    section.refresh_from_db()
    assert section.drafting_status == DraftingStatus.IN_PROGRESS


def test_a_form_without_its_version_is_refused(two_editors, essay):
    amara, _ = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    data = form_data(amara.get(url))
    del data["edited_version"]
    data["title"] = "Blind overwrite"
    assert amara.post(url, data).status_code == 200
    assert Essay.objects.get(pk=essay.pk).title == "Shared essay"


def test_case_studies_are_protected_too(two_editors, render):
    case_study = render(CaseStudyFactory(title="Shared study"))
    amara, ben = two_editors
    url = reverse("admin:portfolio_casestudy_change", args=[case_study.pk])
    amaras_form, bens_form = form_data(amara.get(url)), form_data(ben.get(url))
    amaras_form["title"] = "Amara's"
    assert amara.post(url, amaras_form).status_code == 302
    bens_form["title"] = "Ben's"
    assert ben.post(url, bens_form).status_code == 200
    assert CaseStudy.objects.get(pk=case_study.pk).title == "Amara's"


@pytest.mark.parametrize(
    "version",
    [
        '{"at": "x", "parts": 3}',
        '{"at": "x", "parts": {"title": 5}}',
        '{"zz": 5}',
        "[1, 2]",
        "not json",
    ],
)
def test_a_tampered_version_is_refused_as_out_of_date_not_a_crash(two_editors, essay, version):
    amara, _ = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    data = form_data(amara.get(url))
    data.update(edited_version=version, title="Forged")
    response = amara.post(url, data)
    assert response.status_code == 200
    assert "Your changes were not saved." in text_of(response)
    assert Essay.objects.get(pk=essay.pk).title == "Shared essay"


@pytest.mark.parametrize(
    ("extra", "message"),
    [("[1, 2]", "is a mapping of field names"), ('{"a": "\\u0000"}', "NUL characters")],
)
def test_kept_front_matter_must_be_a_mapping_without_nul(two_editors, essay, extra, message):
    amara, _ = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    data = form_data(amara.get(url))
    data["front_matter_extra"] = extra
    response = amara.post(url, data)
    assert response.status_code == 200
    assert message in text_of(response)


def test_a_position_past_the_limit_is_a_form_error(two_editors, essay):
    amara, _ = two_editors
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    response = amara.get(url)
    data = form_data(response)
    prefix = next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Section
    )
    data[f"{prefix}-1-position"] = "2147483647"
    response = amara.post(url, data)
    assert response.status_code == 200
    assert "less than or equal to 10000" in text_of(response)
