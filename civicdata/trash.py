"""The trash: deleting an essay or case study moves it here, whole, with its sections and other
parts; editors restore it or empty the trash, which is the only real deletion."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from civicdata import audit
from civicdata.links import refresh_links_to
from search_index.documents import remove_item


@transaction.atomic
def move_to_trash(items, *, user) -> int:
    """Readers lose the items at once; pages linking to them show the links as plain text."""
    count = 0
    for item in items:
        if item.trashed_at is None:
            item.trashed_at, item.trashed_by = timezone.now(), user
            item.save(update_fields=["trashed_at", "trashed_by", "updated_at"])
            remove_item(item)  # out of the search index; restoring renders, which indexes it
            _forget_links_from(item)  # out of the broken-links list; restoring records them again
            refresh_links_to(item)
            audit.record(user, Action.TRASHED, item)
            count += 1
    return count


@transaction.atomic
def restore_from_trash(items, *, render_item, user) -> int:
    """Back as they were when trashed (drafts stay drafts), rendered afresh."""
    count = 0
    for item in items:
        if item.trashed_at is not None:
            item.trashed_at, item.trashed_by = None, None
            item.save(update_fields=["trashed_at", "trashed_by", "updated_at"])
            render_item(item)
            refresh_links_to(item)
            audit.record(user, Action.RESTORED, item)
            count += 1
    return count


@transaction.atomic
def empty_trash(items, *, user) -> int:
    """Delete for good the given items that are in the trash."""
    trashed = [item for item in items if item.trashed_at is not None]
    for item in trashed:
        audit.record(user, Action.DELETED, item)
        _forget_links_from(item)
        item.delete()
    return len(trashed)


def _forget_links_from(item):
    from essays.models import InternalLink  # civicdata's modules import apps' models late

    InternalLink.objects.filter(
        source_type=ContentType.objects.get_for_model(item), source_id=item.pk
    ).delete()
