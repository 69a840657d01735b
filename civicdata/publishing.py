"""What readers may see: the one visibility rule, shared by essays and case studies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class FrontMatterFormat(models.TextChoices):
    YAML = "yaml", "YAML (---)"
    TOML = "toml", "TOML (+++)"
    JSON = "json", "JSON"


def live_at(moment):
    """The condition for an item readers may see at `moment`: published, its publication time
    reached and its expiry time not yet. Visibility follows the clock; no job flips a flag."""
    return (
        models.Q(status=Status.PUBLISHED, trashed_at__isnull=True)
        & (models.Q(publish_at__isnull=True) | models.Q(publish_at__lte=moment))
        & (models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=moment))
    )


def may_preview(user, model) -> bool:
    """Whether `user` sees drafts of `model`'s items: those who may change them."""
    return user.is_authenticated and user.has_perm(
        f"{model._meta.app_label}.change_{model._meta.model_name}"
    )


class PublishableQuerySet(models.QuerySet):
    def published(self, at=None):
        """Items readers may see (now, or at the moment `at`). Every public page, list, feed,
        sitemap and link uses this."""
        return self.filter(live_at(at or timezone.now()))

    def present(self):
        """Items not in the trash: what the admin, the drafting board and exports work on."""
        return self.filter(trashed_at__isnull=True)

    def in_trash(self):
        return self.filter(trashed_at__isnull=False)

    def scheduled(self):
        """Published items whose publication time is still to come."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user):
        """Published items, widened to every item for staff who may change them (preview)."""
        return self.visible(with_drafts=may_preview(user, self.model))

    def visible(self, *, with_drafts, at=None):
        return self.present() if with_drafts else self.published(at)


class Publishable(models.Model):
    """Fields every publishable item has: a status, its schedule, and what a Hugo round trip
    needs."""

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published items are shown to readers, and only between the times below.",
    )
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty to publish at once. A future time schedules a published item: "
        "readers see it from that moment.",
    )
    expire_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="Optional: readers no longer see the item from this moment.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Authors may edit what they created while it is unpublished.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleting moves an item here; only emptying the trash deletes it (civicdata.trash).
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # The Hugo round trip. Front matter fields civicdata does not use yet are kept here, and the
    # file as last imported is kept whole, so an item that was not edited since exports unchanged.
    front_matter_extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Hugo front matter fields civicdata does not use, kept for export.",
    )
    front_matter_format = models.CharField(
        max_length=4, choices=FrontMatterFormat.choices, default=FrontMatterFormat.YAML
    )
    hugo_source = models.TextField(blank=True, editable=False)
    hugo_source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.publish_at and self.expire_at and self.expire_at <= self.publish_at:
            raise ValidationError({"expire_at": "The take-down time must come after publication."})

    @property
    def is_published(self):
        """Readers may see the item now (the same rule as `published()`)."""
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.trashed_at is None
            and (self.publish_at is None or self.publish_at <= now)
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def is_scheduled(self):
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def is_expired(self):
        return (
            self.status == Status.PUBLISHED
            and self.expire_at is not None
            and (self.expire_at <= timezone.now())
        )

    @property
    def visibility_note(self):
        """What staff read in the banner over an item readers cannot see now."""
        if self.trashed_at is not None:
            return "In the trash"
        if self.is_scheduled:
            when = date_format(timezone.localtime(self.publish_at), "DATETIME_FORMAT")
            return f"Scheduled for {when}"
        if self.is_expired:
            when = date_format(timezone.localtime(self.expire_at), "DATETIME_FORMAT")
            return f"Taken down since {when}"
        return self.get_status_display()


def status_constraint(name):
    return models.CheckConstraint(condition=models.Q(status__in=Status.values), name=name)


def schedule_constraint(name):
    return models.CheckConstraint(
        condition=models.Q(publish_at__isnull=True)
        | models.Q(expire_at__isnull=True)
        | models.Q(expire_at__gt=models.F("publish_at")),
        name=name,
    )
