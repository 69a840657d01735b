"""Each essay's admin page: its progress, its open sections, its findings, and a confirmation
before an essay with sections still being written is published."""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import strip_tags

from civicdata.publishing import Status
from essays.models import DraftingStatus, Essay
from tests.admin_pages import form_data
from tests.essays.test_admin import add_section_row, change_url, section_form_index
from tests.essays.test_round_trip import SAMPLE, run_import
from tests.factories import CaseStudyFactory, EssayFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIRMATION = "publish_with_open_sections"


def page_text(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


@pytest.fixture
def draft(render):
    essay = EssayFactory(status=Status.DRAFT, title="A draft")
    SectionFactory(essay=essay, position=1, heading="", body="Opening.")
    SectionFactory(
        essay=essay,
        position=2,
        heading="Funding",
        body="",
        drafting_status=DraftingStatus.PLACEHOLDER,
        assignee=UserFactory(username="ngozi", is_staff=True),
        editor_note="Ask the county about the grant.",
    )
    SectionFactory(
        essay=essay,
        position=3,
        heading="Lessons",
        body="Half a thought",
        drafting_status=DraftingStatus.IN_PROGRESS,
    )
    SectionFactory(essay=essay, position=4, heading="Trust", body="Agencies hesitate.")
    return render(essay)


def test_the_essay_page_shows_its_progress_and_open_sections(admin_client, draft):
    response = admin_client.get(change_url(draft))
    content = response.content.decode()
    text = page_text(response)
    assert '<progress max="4" value="2"></progress> 2 of 4 sections drafted' in content
    assert "Funding — placeholder, assigned to ngozi. Note: Ask the county about the grant." in text
    assert "Lessons — in progress, not assigned" in text
    assert "Trust —" not in text
    board = reverse("admin:essays_boardsection_changelist")
    assert f'href="{board}?essay__id__exact={draft.pk}"' in content


def test_the_essay_page_lists_the_samples_findings_with_the_nearest_sentence(admin_client):
    run_import(SAMPLE)
    essay = Essay.objects.get()
    text = page_text(admin_client.get(change_url(essay)))
    assert "Repeated sentence" in text
    assert "So in a broad sense, there is a shared incentive to bring their data together" in text
    assert "Pullquote not in the text" in text
    assert "Nearest sentence:" in text
    assert text.count("Placeholder section") == 4


def test_a_case_study_page_lists_its_findings(admin_client, render):
    case_study = render(CaseStudyFactory(body="See [the essay](/essays/no-such-essay/)."))
    response = admin_client.get(reverse("admin:portfolio_casestudy_change", args=[case_study.pk]))
    assert "Link to a missing or unpublished item" in page_text(response)


def publish(admin_client, essay, confirm=False, **section_changes):
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    data["status"] = Status.PUBLISHED
    if confirm:
        data[CONFIRMATION] = "on"
    for section, fields in section_changes.items():
        row = section_form_index(response, essay.sections.get(heading=section))
        for name, value in fields.items():
            data[f"{row}-{name}"] = value
    return admin_client.post(change_url(essay), data), data, response


def test_publishing_with_sections_still_being_written_asks_to_confirm(admin_client, draft):
    response, _, _ = publish(admin_client, draft)
    assert response.status_code == 200
    text = page_text(response)
    assert "This essay still has 2 sections being written: “Funding”, “Lessons”." in text
    assert "tick 'Publish with sections still being written'" in text
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_confirmed_publication_goes_out_with_its_placeholders(admin_client, draft, client):
    response, _, _ = publish(admin_client, draft, confirm=True)
    assert response.status_code == 302, response.context["errors"]
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert (
        "This section is still being written."
        in client.get(draft.get_absolute_url()).content.decode()
    )


def test_finishing_the_sections_in_the_same_save_needs_no_confirmation(admin_client, draft):
    response, _, _ = publish(
        admin_client,
        draft,
        Funding={"drafting_status": DraftingStatus.DRAFTED, "body": "The grant ran out."},
        Lessons={"drafting_status": DraftingStatus.DRAFTED},
    )
    assert response.status_code == 302, response.context["errors"]
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_a_placeholder_added_in_the_publishing_save_is_counted(admin_client, render):
    essay = EssayFactory(status=Status.DRAFT)
    SectionFactory(essay=essay, position=1, heading="Done", body="Text.")
    render(essay)
    response = admin_client.get(change_url(essay))
    data = add_section_row(
        form_data(response),
        response,
        heading="Coming",
        body="",
        drafting_status=DraftingStatus.PLACEHOLDER,
    )
    data["status"] = Status.PUBLISHED
    response = admin_client.post(change_url(essay), data)
    assert response.status_code == 200
    assert "1 section being written: “Coming”" in page_text(response)


def test_saving_an_essay_already_published_asks_nothing(admin_client, draft):
    Essay.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    draft.refresh_from_db()
    response, _, _ = publish(admin_client, draft)
    assert response.status_code == 302, response.context["errors"]


def test_the_admin_index_lists_the_sections_assigned_to_me(client, draft):
    me = draft.sections.get(heading="Funding").assignee
    me.user_permissions.add(*Permission.objects.filter(codename__in=["view_section"]))
    draft.sections.filter(heading="Trust").update(assignee=me)  # drafted: not listed
    draft.sections.filter(heading="Lessons").update(assignee=UserFactory(is_staff=True))
    client.force_login(me)
    text = page_text(client.get(reverse("admin:index")))
    assert "Assigned to me: 1 section to write" in text
    assert "Funding in A draft — placeholder. Note: Ask the county about the grant." in text
    assert "Lessons" not in text and "Trust" not in text


def test_the_admin_index_says_nothing_when_nothing_is_assigned(admin_client, draft):
    text = page_text(admin_client.get(reverse("admin:index")))
    assert "Assigned to me" not in text
    assert "Drafting board" in text


def test_editors_run_the_checks_again_from_the_essay_list(admin_client, draft):
    draft.sections.filter(heading="Funding").update(
        body="Now written.", drafting_status=DraftingStatus.DRAFTED
    )
    response = admin_client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "run_editorial_checks", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Checked 1 essays." in page_text(response)
    text = page_text(admin_client.get(change_url(draft)))
    assert "“Funding” is still a placeholder" not in text
    assert "1 of 4 sections" not in text and "3 of 4 sections drafted" in text
