"""Review links: a partner reads one unpublished essay or case study, read-only, through a secret
address an editor made for them, and may leave comments for the editors.

The address ends in a token of two parts. The first twelve characters (the selector) find the
link's row and are not secret; the rest (the verifier, 256 random bits) is the secret, and only
its SHA-256 digest is stored, compared in constant time. So a copy of the database (a backup, a
replica) opens nothing, and a mistyped or tampered token matches no link. Why not
django.core.signing: a link needs a row anyway (to be revoked, to keep its log), and a signature
would add only a dependency on SECRET_KEY, whose rotation would silently kill every link out.
The cost: an address is shown once, when it is made, and cannot be shown again.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from essays.models import Essay
from portfolio.models import CaseStudy

SELECTOR_BYTES = 9  # 12 URL-safe characters
VERIFIER_BYTES = 32  # 43 URL-safe characters
SELECTOR_LENGTH = 12
TOKEN_LENGTH = SELECTOR_LENGTH + 43

DEFAULT_VALIDITY_DAYS = 7
MAX_VALIDITY_DAYS = 30

COMMENT_MAX_LENGTH = 2000
# Comments a link accepts in an hour: plenty for a reviewer, a ceiling for a leaked link.
COMMENTS_PER_HOUR = 20


def new_token():
    """A fresh (selector, verifier) pair."""
    return secrets.token_urlsafe(SELECTOR_BYTES), secrets.token_urlsafe(VERIFIER_BYTES)


def verifier_digest(verifier):
    return hashlib.sha256(verifier.encode()).hexdigest()


def active_at(moment):
    """The condition for a link that opens at `moment`: not revoked and not yet expired."""
    return models.Q(revoked_at__isnull=True, expires_at__gt=moment)


class LinkState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ReviewLinkQuerySet(models.QuerySet):
    def for_item(self, item):
        """The links made for an essay or a case study."""
        return self.filter(**{ReviewLink.item_field(item): item})

    def active(self):
        """Links that open now."""
        return self.filter(active_at(timezone.now()))

    def for_admin(self):
        """Links with what the item's admin page shows beside each: who made and revoked it,
        how often it was opened and the latest openings, and its comments."""
        return (
            self.select_related("created_by", "revoked_by")
            .annotate(opening_count=models.Count("openings"))
            .prefetch_related(
                models.Prefetch(
                    "openings",
                    queryset=ReviewOpening.objects.order_by("-opened_at")[:10],
                    to_attr="latest_openings",
                ),
                "comments",
            )
        )

    def find(self, token):
        """The link a token opens, whatever its state, or None for a token no link was made
        with: unknown, mistyped or tampered with."""
        if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
            return None
        selector, verifier = token[:SELECTOR_LENGTH], token[SELECTOR_LENGTH:]
        link = self.filter(selector=selector).first()
        if link is None or not constant_time_compare(
            link.verifier_digest, verifier_digest(verifier)
        ):
            return None
        return link


class ReviewLink(models.Model):
    """A secret address at which anyone holding it reads one unpublished item, until it
    expires or an editor revokes it."""

    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, null=True, blank=True, related_name="review_links"
    )
    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="review_links"
    )
    selector = models.CharField(max_length=SELECTOR_LENGTH, unique=True, editable=False)
    verifier_digest = models.CharField(max_length=64, editable=False)
    recipient = models.CharField(
        "for",
        max_length=200,
        blank=True,
        help_text="Who you are sending it to, as a reminder for editors; reviewers never see this.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this moment.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(essay__isnull=False, case_study__isnull=True)
                | models.Q(essay__isnull=True, case_study__isnull=False),
                name="reviewlink_one_item",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="reviewlink_expires_after_creation",
            ),
        ]

    def __str__(self):
        label = f"“{self.recipient}”" if self.recipient else f"{self.selector[:6]}…"
        return f"Review link {label} for {self.item}"

    def clean(self):
        super().clean()
        if (self.essay_id is None) == (self.case_study_id is None):
            raise ValidationError("A review link is for either an essay or a case study.")
        if self.expires_at and self.created_at:
            if self.expires_at <= self.created_at:
                raise ValidationError({"expires_at": "A link must be valid for some time."})
            if self.expires_at - self.created_at > datetime.timedelta(days=MAX_VALIDITY_DAYS):
                raise ValidationError(
                    {"expires_at": f"A link is valid for at most {MAX_VALIDITY_DAYS} days."}
                )

    @staticmethod
    def item_field(item):
        """The field holding `item`: essay or case_study."""
        if isinstance(item, Essay):
            return "essay"
        if isinstance(item, CaseStudy):
            return "case_study"
        raise TypeError(f"No review links for {type(item).__name__}.")

    @property
    def item(self):
        return self.essay if self.essay_id is not None else self.case_study

    @property
    def item_id(self):
        return self.essay_id if self.essay_id is not None else self.case_study_id

    @property
    def state(self):
        """Active, expired or revoked now (the same rule as `active()`)."""
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.expires_at <= timezone.now():
            return LinkState.EXPIRED
        return LinkState.ACTIVE

    @property
    def is_active(self):
        return self.state == LinkState.ACTIVE


class ReviewOpening(models.Model):
    """One time a review link was opened. No address, no full user agent: readers' privacy."""

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)
    browser = models.CharField(
        max_length=40,
        blank=True,
        help_text="The kind of browser (reviews/user_agents.py), or a link preview.",
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["link", "-opened_at"], name="reviewopening_link_time")]

    def __str__(self):
        return f"Opened {self.opened_at:%Y-%m-%d %H:%M} ({self.browser or 'unknown browser'})"


class ReviewComment(models.Model):
    """What a reviewer wrote to the editors through a review link. Plain text."""

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="comments")
    section_heading = models.CharField(
        "section",
        max_length=300,
        blank=True,
        help_text="The heading of the section commented on, as it was then; empty for the "
        "piece as a whole.",
    )
    name = models.CharField(max_length=100, blank=True, help_text="As the reviewer gave it.")
    body = models.TextField("comment", validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["link", "created_at"], name="reviewcomment_link_time")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="reviewcomment_has_text"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), COMMENT_MAX_LENGTH),
                name="reviewcomment_body_length",
            ),
        ]

    def __str__(self):
        where = f" on “{self.section_heading}”" if self.section_heading else ""
        return f"Comment{where} by {self.name or 'a reviewer'}"
