"""The audit log's one way in: `record(user, action, item)`."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone


def record(user, action, item, detail: str = ""):
    from audit.models import AuditEvent  # civicdata's modules import apps' models late

    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        item_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        item_id=item.pk,
        item_title=str(item)[:300],
        detail=detail[:500],
    )


def publication_action(before, after):
    """The audit action for a change of (status, publish_at) from `before` to `after`, or None
    when it decided nothing about what readers see."""
    from audit.models import Action
    from civicdata.publishing import Status

    (status_before, publish_at_before), (status, publish_at) = before, after
    if before == after:
        return None
    now = timezone.now()
    if status == Status.PUBLISHED:
        if publish_at is not None and publish_at > now:
            return Action.SCHEDULED
        was_live = status_before == Status.PUBLISHED and (
            publish_at_before is None or publish_at_before <= now
        )
        return None if was_live else Action.PUBLISHED
    if status_before == Status.PUBLISHED:
        return Action.UNPUBLISHED
    if status == Status.IN_REVIEW:
        return Action.SUBMITTED
    return None
