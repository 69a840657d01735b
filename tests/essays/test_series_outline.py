"""Readers see how complete a series is: "Part 2 of 4", what is still to come, and how many
sections of an essay are still being written."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from civicdata.publishing import Status
from essays.models import DraftingStatus, Section
from tests.factories import SeriesFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


@pytest.fixture
def series(render):
    """Five essays: 1 and 2 and 4 published, 3 an announced draft, 5 an unannounced draft."""
    series = SeriesFactory(title="Data in civil society")
    essays = {}
    for position, title, fields in [
        (1, "The first", {}),
        (2, "The second", {}),
        (3, "Announced and coming", {"status": Status.DRAFT, "announced": True}),
        (4, "The fourth", {}),
        (5, "Secret plans", {"status": Status.DRAFT}),
    ]:
        essays[position] = render(
            WrittenEssayFactory(series=series, series_position=position, title=title, **fields)
        )
    return series, essays


def test_series_page_numbers_every_essay_readers_may_know_of(client, series):
    series, essays = series
    response = client.get(series.get_absolute_url())
    text = text_of(response)
    assert "3 of 4 parts published" in text
    for part, title in enumerate(
        ["The first", "The second", "Announced and coming", "The fourth"], start=1
    ):
        assert f"Part {part} of 4 {title}" in text
    assert "Secret plans" not in text


def test_a_forthcoming_essay_is_named_but_not_linked(client, series):
    series, essays = series
    html = client.get(series.get_absolute_url()).content.decode()
    assert re.search(r"Announced and coming</h3>\s*<p class=\"meta\">Forthcoming", html)
    assert essays[3].get_absolute_url() not in html
    assert essays[5].get_absolute_url() not in html


def test_essay_page_says_which_part_it_is_and_what_is_still_to_come(client, series):
    series, essays = series
    response = client.get(essays[2].get_absolute_url())
    text = text_of(response)
    html = response.content.decode()
    assert "Part 2 of 4" in text
    assert "Still to come Part 3: Announced and coming" in text
    assert "Secret plans" not in text
    assert f'href="{essays[1].get_absolute_url()}" rel="prev"' in html
    # The next essay readers may open, past the one still forthcoming.
    assert f'href="{essays[4].get_absolute_url()}" rel="next"' in html


def test_a_scheduled_announced_essay_is_forthcoming_until_its_time(client, series):
    series, essays = series
    essays[3].status = Status.PUBLISHED
    essays[3].publish_at = timezone.now() + datetime.timedelta(days=2)
    essays[3].save()
    text = text_of(client.get(essays[4].get_absolute_url()))
    assert "Part 4 of 4" in text
    assert "Still to come Part 3: Announced and coming" in text


def test_an_announced_essay_taken_down_is_not_still_to_come(client, series):
    series, essays = series
    essays[3].status = Status.PUBLISHED
    essays[3].publish_at = timezone.now() - datetime.timedelta(days=2)
    essays[3].expire_at = timezone.now() - datetime.timedelta(days=1)
    essays[3].save()
    text = text_of(client.get(essays[4].get_absolute_url()))
    assert "Part 3 of 3" in text
    assert "Announced and coming" not in text
    assert "Announced and coming" not in text_of(client.get(series.get_absolute_url()))


def test_an_unannounced_draft_previewed_by_an_editor_has_no_part_number(client, series):
    series, essays = series
    client.force_login(EditorFactory())
    text = text_of(client.get(essays[5].get_absolute_url()))
    assert "Secret plans" in text
    assert "Part 5" not in text
    assert "of 4" not in text


def test_readers_see_how_many_sections_are_still_being_written(client, render):
    essay = WrittenEssayFactory(sections=5)
    Section.objects.filter(essay=essay, position__in=[2, 3]).update(
        drafting_status=DraftingStatus.PLACEHOLDER
    )
    Section.objects.filter(essay=essay, position=4).update(
        drafting_status=DraftingStatus.IN_PROGRESS
    )
    render(essay)
    text = text_of(client.get(essay.get_absolute_url()))
    assert "3 of 5 sections are still being written." in text
    assert text.count("This section is still being written.") == 2
    assert "This section is still being written: what follows is a draft. Text of part 4." in text
    assert text.count("(still being written)") == 3  # in the contents


def test_a_finished_essay_says_nothing_about_drafting(client, render):
    essay = render(WrittenEssayFactory(sections=3))
    text = text_of(client.get(essay.get_absolute_url()))
    assert "still being written" not in text


def test_series_page_shows_each_essays_sections_still_being_written(client, render):
    essay = WrittenEssayFactory(sections=4)
    Section.objects.filter(essay=essay, position=4).update(
        drafting_status=DraftingStatus.PLACEHOLDER
    )
    render(essay)
    text = text_of(client.get(essay.series.get_absolute_url()))
    assert "1 of 4 sections is still being written." in text
