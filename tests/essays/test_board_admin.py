import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from essays.models import DraftingStatus, Essay, Finding, FindingKind, Section, Series
from tests.factories import EssayFactory, SectionFactory, SeriesFactory, UserFactory

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


def generate_board(essays, sections_per_essay):
    """Essays in three series with many open sections, assignees and findings, written in bulk
    as an import of a large content repository would leave them."""
    series = [SeriesFactory(title=f"Series {n}") for n in range(3)]
    people = [UserFactory(is_staff=True, username=f"writer{n}") for n in range(5)]
    statuses = [DraftingStatus.PLACEHOLDER, DraftingStatus.IN_PROGRESS, DraftingStatus.DRAFTED]
    essay_type = ContentType.objects.get_for_model(Essay)
    for n in range(essays):
        essay = EssayFactory(series=series[n % 3], series_position=n + 1, title=f"Essay {n}")
        sections = Section.objects.bulk_create(
            Section(
                essay=essay,
                position=position,
                heading=f"Part {position}",
                anchor=f"part-{position}",
                body="Some draft text." * (position % 4),
                drafting_status=statuses[position % 3],
                assignee=people[position % 5] if position % 2 else None,
                editor_note="Check the numbers." if position % 7 == 0 else "",
            )
            for position in range(1, sections_per_essay + 1)
        )
        # What rendering stores (essays.services.render_essay), without rendering each one.
        Essay.objects.filter(pk=essay.pk).update(
            sections_total=len(sections),
            sections_drafted=sum(s.drafting_status == DraftingStatus.DRAFTED for s in sections),
        )
        Finding.objects.bulk_create(
            Finding(
                source_type=essay_type,
                source_id=essay.pk,
                section=section,
                kind=FindingKind.PLACEHOLDER,
                message=f"“{section.heading}” is still a placeholder.",
                fingerprint=f"{essay.pk}-{section.pk}",
            )
            for section in sections
            if section.drafting_status == DraftingStatus.PLACEHOLDER
        )


# Session and user; progress per essay, the two content types, case studies and findings (the
# summary above the list); the series, essays and assignees the filters offer; the admin's two
# counts and the page of open sections; the staff who may be assigned (the row selects and the
# bulk action's select).
BOARD_QUERIES = 19


@pytest.mark.parametrize(("essays", "sections_per_essay"), [(1, 3), (60, 50)])
def test_board_query_count_is_the_same_with_thousands_of_sections(
    admin_client, django_assert_num_queries, essays, sections_per_essay
):
    generate_board(essays, sections_per_essay)
    ContentType.objects.clear_cache()  # as in a fresh worker, whatever ran before
    with django_assert_num_queries(BOARD_QUERIES):
        response = admin_client.get(reverse("admin:essays_boardsection_changelist"))
    assert response.status_code == 200
    open_count = Section.objects.open().count()
    assert f"{open_count} drafting board" in response.content.decode()  # the admin's result count
    for series in Series.objects.filter(essays__isnull=False).distinct():
        sections = Section.objects.filter(essay__series=series)
        drafted = sections.filter(drafting_status=DraftingStatus.DRAFTED).count()
        assert f"{drafted} of {sections.count()} drafted" in response.content.decode()


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
