import pytest
from django.urls import reverse

from essays.models import DraftingStatus, Section
from tests.factories import EssayFactory, SectionFactory

pytestmark = pytest.mark.django_db


def essay_with_open_sections(render, count):
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1, heading="", body="Opening.")
    for position in range(2, count + 2):
        SectionFactory(
            essay=essay,
            position=position,
            heading=f"Part {position}",
            body="",
            drafting_status=DraftingStatus.PLACEHOLDER,
        )
    render(essay)
    return essay


def test_board_lists_open_sections_with_progress(admin_client, render):
    essay_with_open_sections(render, 3)
    response = admin_client.get(reverse("admin:essays_boardsection_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Part 2" in page and "Part 4" in page
    assert "1 of 4 drafted" in page


def test_board_query_count_does_not_grow_with_sections(
    admin_client, render, django_assert_num_queries
):
    essay_with_open_sections(render, 2)
    url = reverse("admin:essays_boardsection_changelist")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    for _ in range(3):
        essay_with_open_sections(render, 40)
    with django_assert_num_queries(len(small)):
        admin_client.get(url)


def test_marking_drafted_from_the_board_updates_the_readers_page(admin_client, render):
    essay = essay_with_open_sections(render, 1)
    section = Section.objects.get(heading="Part 2")
    response = admin_client.post(
        reverse("admin:essays_boardsection_changelist"),
        {"action": "mark_drafted", "_selected_action": [section.pk], "index": 0},
    )
    assert response.status_code == 302
    essay.refresh_from_db()
    assert "still being written" not in essay.body_html
