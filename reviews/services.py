"""Making, revoking and using review links. Each write runs in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from civicdata import audit

from .models import (
    COMMENTS_PER_HOUR,
    DEFAULT_VALIDITY_DAYS,
    ReviewComment,
    ReviewLink,
    ReviewOpening,
    new_token,
    verifier_digest,
)
from .user_agents import browser_family


class LinkUnavailable(Exception):
    """The link expired or was revoked while it was being used."""


class TooManyComments(Exception):
    """The link took COMMENTS_PER_HOUR comments in the last hour already."""


@transaction.atomic
def create_review_link(*, item, created_by, days=DEFAULT_VALIDITY_DAYS, recipient=""):
    """Make a review link for an unpublished essay or case study, valid for `days` days.

    Returns (link, token): the token is the last part of the link's address, and this is the
    only moment it is known (only a digest of its secret is stored). Raises ValidationError
    for an item readers can already see, or a validity out of bounds.
    """
    if item.is_published:
        raise ValidationError(
            "Readers can already see this page; send them its address instead of a review link."
        )
    selector, verifier = new_token()
    now = timezone.now()
    link = ReviewLink(
        **{ReviewLink.item_field(item): item},
        selector=selector,
        verifier_digest=verifier_digest(verifier),
        recipient=recipient,
        created_by=created_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    link.full_clean()
    link.save()
    audit.record(
        created_by, Action.REVIEW_LINK_CREATED, item, f"{link}, until {link.expires_at:%Y-%m-%d}"
    )
    return link, selector + verifier


@transaction.atomic
def revoke_review_link(*, link, revoked_by):
    """Stop a link from working, at once and for good. Revoking it again changes nothing."""
    link = ReviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = revoked_by
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(revoked_by, Action.REVIEW_LINK_REVOKED, link.item, str(link))
    return link


def record_opening(*, link, user_agent=""):
    """Log that the link was opened now, with the kind of browser only (no address)."""
    return ReviewOpening.objects.create(link=link, browser=browser_family(user_agent))


@transaction.atomic
def add_review_comment(*, link, body, section_heading="", name=""):
    """Store a reviewer's comment on the link's item.

    Raises LinkUnavailable if the link stopped working meanwhile, TooManyComments past
    COMMENTS_PER_HOUR in the last hour, and ValidationError for an empty or overlong text.
    The link's row is locked, so concurrent comments are counted one after the other.
    """
    link = ReviewLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_active:
        raise LinkUnavailable
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if link.comments.filter(created_at__gt=hour_ago).count() >= COMMENTS_PER_HOUR:
        raise TooManyComments
    comment = ReviewComment(link=link, body=body, section_heading=section_heading, name=name)
    comment.full_clean()
    comment.save()
    return comment
