"""The visibility rule: status, publication time and take-down time, read from the clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from civicdata.publishing import Status
from essays.models import Essay
from portfolio.models import CaseStudy
from tests.factories import CaseStudyFactory, EssayFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_only_published_items_are_visible(status):
    EssayFactory(status=status)
    CaseStudyFactory(status=status)
    assert not Essay.objects.published().exists()
    assert not CaseStudy.objects.published().exists()


def test_a_scheduled_essay_appears_when_its_time_comes_with_no_job_run(client, clock, render):
    essay = render(WrittenEssayFactory(publish_at=timezone.now() + HOUR))
    assert not essay.is_published
    assert client.get(essay.get_absolute_url()).status_code == 404
    assert essay.title not in client.get("/essays/").content.decode()

    clock.advance(2 * HOUR)

    assert essay.is_published
    assert client.get(essay.get_absolute_url()).status_code == 200
    assert essay.title in client.get("/essays/").content.decode()


def test_an_essay_disappears_at_its_take_down_time(client, clock, render):
    essay = render(WrittenEssayFactory(expire_at=timezone.now() + HOUR))
    assert client.get(essay.get_absolute_url()).status_code == 200

    clock.advance(2 * HOUR)

    assert client.get(essay.get_absolute_url()).status_code == 404
    assert essay.title not in client.get("/").content.decode()


def test_a_scheduled_case_study_is_hidden_until_its_time(client, clock, render):
    case_study = render(CaseStudyFactory(publish_at=timezone.now() + HOUR))
    assert client.get(case_study.get_absolute_url()).status_code == 404
    assert case_study.title not in client.get("/portfolio/").content.decode()
    clock.advance(2 * HOUR)
    assert client.get(case_study.get_absolute_url()).status_code == 200


def test_editors_see_a_scheduled_essay_under_a_banner_naming_the_time(client, render):
    moment = timezone.now() + 3 * 24 * HOUR
    essay = render(WrittenEssayFactory(publish_at=moment))
    client.force_login(EditorFactory())
    response = client.get(essay.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Scheduled for" in html
    assert str(timezone.localtime(moment).year) in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("status", "banner"),
    [(Status.DRAFT, "Draft"), (Status.IN_REVIEW, "In review"), (Status.UNPUBLISHED, "Unpublished")],
)
def test_the_banner_says_what_state_the_item_is_in(client, render, status, banner):
    essay = render(WrittenEssayFactory(status=status))
    client.force_login(EditorFactory())
    assert (
        f"{banner} — not visible to readers"
        in client.get(essay.get_absolute_url()).content.decode()
    )


def test_an_expired_essay_says_since_when_to_editors(client, render):
    essay = render(
        WrittenEssayFactory(publish_at=timezone.now() - 3 * HOUR, expire_at=timezone.now() - HOUR)
    )
    client.force_login(EditorFactory())
    assert "Taken down since" in client.get(essay.get_absolute_url()).content.decode()


def test_take_down_before_publication_is_refused():
    moment = timezone.now()
    essay = EssayFactory.build(publish_at=moment, expire_at=moment - HOUR)
    with pytest.raises(ValidationError) as error:
        essay.clean()
    assert "expire_at" in error.value.message_dict
    with pytest.raises(IntegrityError):
        EssayFactory(publish_at=moment, expire_at=moment)
