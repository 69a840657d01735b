import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from civicdata.publishing import Status
from reviews.models import SELECTOR_LENGTH, TOKEN_LENGTH, LinkState, ReviewLink
from tests.factories import CaseStudyFactory, EssayFactory, ReviewLinkFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_the_token_opens_its_link():
    link = ReviewLinkFactory()
    assert len(link.token) == TOKEN_LENGTH
    assert ReviewLink.objects.find(link.token) == link


def test_only_a_digest_of_the_secret_is_stored():
    link = ReviewLinkFactory()
    selector, verifier = link.token[:SELECTOR_LENGTH], link.token[SELECTOR_LENGTH:]
    stored = ReviewLink.objects.values().get(pk=link.pk)
    assert stored["selector"] == selector
    assert stored["verifier_digest"] == hashlib.sha256(verifier.encode()).hexdigest()
    assert not any(verifier in str(value) for value in stored.values())


def tampered(token, position):
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize("position", [0, SELECTOR_LENGTH - 1, SELECTOR_LENGTH, TOKEN_LENGTH - 1])
def test_a_token_changed_in_any_character_opens_nothing(position):
    link = ReviewLinkFactory()
    assert ReviewLink.objects.find(tampered(link.token, position)) is None


@pytest.mark.parametrize(
    "token", ["", "short", "x" * TOKEN_LENGTH, "x" * (TOKEN_LENGTH + 1), None, 12345]
)
def test_unknown_or_malformed_tokens_open_nothing(token):
    ReviewLinkFactory()
    assert ReviewLink.objects.find(token) is None


def test_one_links_selector_with_anothers_secret_opens_neither():
    first, second = ReviewLinkFactory(), ReviewLinkFactory()
    mixed = first.token[:SELECTOR_LENGTH] + second.token[SELECTOR_LENGTH:]
    assert ReviewLink.objects.find(mixed) is None


def test_a_link_is_active_until_it_expires(clock):
    link = ReviewLinkFactory(days=2)
    assert link.state == LinkState.ACTIVE
    assert ReviewLink.objects.active().get() == link
    clock.advance(2 * DAY - datetime.timedelta(seconds=1))
    assert link.state == LinkState.ACTIVE
    clock.advance(datetime.timedelta(seconds=1))
    assert link.state == LinkState.EXPIRED
    assert not ReviewLink.objects.active().exists()


def test_a_revoked_link_is_revoked_even_before_it_expires():
    link = ReviewLinkFactory()
    ReviewLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    link.refresh_from_db()
    assert link.state == LinkState.REVOKED
    assert not ReviewLink.objects.active().exists()
    # Still found by its token: the page says it was withdrawn rather than "not found".
    assert ReviewLink.objects.find(link.token) == link


def test_links_are_listed_per_item():
    essay = EssayFactory(status=Status.DRAFT)
    case_study = CaseStudyFactory(status=Status.DRAFT)
    for_essay = ReviewLinkFactory(item=essay)
    for_case_study = ReviewLinkFactory(item=case_study)
    assert list(ReviewLink.objects.for_item(essay)) == [for_essay]
    assert list(ReviewLink.objects.for_item(case_study)) == [for_case_study]
    assert for_case_study.item == case_study and for_essay.item == essay


def test_the_database_refuses_a_link_for_two_items_or_none():
    link = ReviewLinkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLink.objects.filter(pk=link.pk).update(
            case_study=CaseStudyFactory(status=Status.DRAFT)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLink.objects.filter(pk=link.pk).update(essay=None)


def test_deleting_the_item_deletes_its_links():
    link = ReviewLinkFactory()
    link.essay.delete()
    assert ReviewLink.objects.find(link.token) is None
