from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Action(models.TextChoices):
    CREATED = "created", "Created"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    SCHEDULED = "scheduled", "Scheduled"
    UNPUBLISHED = "unpublished", "Unpublished"
    TRASHED = "trashed", "Moved to the trash"
    RESTORED = "restored", "Restored from the trash"
    DELETED = "deleted", "Deleted for good"
    REVISION_RESTORED = "revision_restored", "Earlier revision restored"
    REVIEW_LINK_CREATED = "review_link_created", "Review link created"
    REVIEW_LINK_REVOKED = "review_link_revoked", "Review link revoked"


class AuditEvent(models.Model):
    """Who did what to which essay or case study, and when. Written by civicdata.audit.record,
    never edited: the admin shows it read-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    item_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    item_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("item_type", "item_id")
    item_title = models.CharField(max_length=300, help_text="The item's title at the time.")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["item_type", "item_id"], name="auditevent_item_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.item_title}"
