import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicdata.publishing import Status
from reviews.models import COMMENT_MAX_LENGTH, COMMENTS_PER_HOUR, ReviewComment, ReviewLink
from reviews.services import (
    LinkUnavailable,
    TooManyComments,
    add_review_comment,
    create_review_link,
    record_opening,
    revoke_review_link,
)
from tests.factories import CaseStudyFactory, EssayFactory, ReviewLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_link_lasts_seven_days_unless_the_editor_chooses():
    editor = UserFactory()
    essay = EssayFactory(status=Status.DRAFT)
    default, _ = create_review_link(item=essay, created_by=editor)
    longer, _ = create_review_link(item=essay, created_by=editor, days=21)
    assert default.expires_at - default.created_at == 7 * DAY
    assert longer.expires_at - longer.created_at == 21 * DAY
    assert default.created_by == editor


@pytest.mark.parametrize("days", [0, -1, 31])
def test_a_validity_out_of_bounds_saves_nothing(days):
    with pytest.raises(ValidationError):
        create_review_link(item=EssayFactory(status=Status.DRAFT), created_by=None, days=days)
    assert not ReviewLink.objects.exists()


@pytest.mark.parametrize("factory", [EssayFactory, CaseStudyFactory])
def test_no_review_link_for_what_readers_already_see(factory):
    with pytest.raises(ValidationError, match="Readers can already see"):
        create_review_link(item=factory(status=Status.PUBLISHED), created_by=None)
    assert not ReviewLink.objects.exists()


def test_a_scheduled_item_may_be_reviewed_before_its_time():
    essay = EssayFactory(publish_at=timezone.now() + DAY)
    link, _ = create_review_link(item=essay, created_by=None)
    assert link.essay == essay


def test_each_link_gets_its_own_secret():
    essay = EssayFactory(status=Status.DRAFT)
    tokens = {create_review_link(item=essay, created_by=None)[1] for _ in range(5)}
    assert len(tokens) == 5


def test_revoking_records_who_and_when_and_revoking_again_changes_nothing():
    editor, other = UserFactory(), UserFactory()
    link = ReviewLinkFactory()
    revoked = revoke_review_link(link=link, revoked_by=editor)
    assert revoked.revoked_by == editor and revoked.revoked_at is not None
    again = revoke_review_link(link=link, revoked_by=other)
    assert (again.revoked_by, again.revoked_at) == (editor, revoked.revoked_at)


def test_an_opening_keeps_the_time_and_browser_family_only():
    link = ReviewLinkFactory()
    opening = record_opening(
        link=link,
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    )
    fields = {field.name for field in opening._meta.concrete_fields}
    assert fields == {"id", "link", "opened_at", "browser"}
    assert opening.browser == "Firefox"


def test_a_comment_is_stored_with_its_section():
    link = ReviewLinkFactory()
    comment = add_review_comment(
        link=link, body="The figure is from 2019.", section_heading="Part 2", name="Dee"
    )
    assert list(link.comments.all()) == [comment]
    assert (comment.section_heading, comment.name) == ("Part 2", "Dee")


@pytest.mark.parametrize("body", ["", "x" * (COMMENT_MAX_LENGTH + 1)])
def test_an_empty_or_overlong_comment_saves_nothing(body):
    with pytest.raises(ValidationError):
        add_review_comment(link=ReviewLinkFactory(), body=body)
    assert not ReviewComment.objects.exists()


def test_a_link_takes_a_limited_number_of_comments_an_hour(clock):
    link = ReviewLinkFactory()
    for number in range(COMMENTS_PER_HOUR):
        add_review_comment(link=link, body=f"Comment {number}")
    with pytest.raises(TooManyComments):
        add_review_comment(link=link, body="One too many")
    # Another link is counted on its own.
    add_review_comment(link=ReviewLinkFactory(item=link.essay), body="Elsewhere")
    clock.advance(datetime.timedelta(hours=1))
    add_review_comment(link=link, body="An hour later")
    assert link.comments.count() == COMMENTS_PER_HOUR + 1


def test_no_comment_through_a_link_revoked_meanwhile():
    link = ReviewLinkFactory()
    revoke_review_link(link=ReviewLink.objects.get(pk=link.pk), revoked_by=None)
    with pytest.raises(LinkUnavailable):
        add_review_comment(link=link, body="Too late")
    assert not ReviewComment.objects.exists()
