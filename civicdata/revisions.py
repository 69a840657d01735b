"""Revisions of essays and case studies: recording them, reading them back, restoring one.

django-reversion stores the versions. Each model says what a revision of it holds where it is
defined (`reversion.register(..., follow=[...])` at the end of essays/models.py and
portfolio/models.py): an essay with its sections, insets, pullquotes and bylines; a case study
with its partners and data sources. Fields that rendering derives are left out; a restored item
is rendered again.

Recording: a write wraps its unit of work in `recording(user=..., comment=...)` and calls
`include(item)` for each essay or case study it changed. When the block ends, each included
item is stored once, with its parts, as it then is: signals are not used, so nothing is
serialized twice and rows written with `bulk_create` or `update()` are stored all the same.
Recordings nest: an inner one (a service called from an admin view) joins the outer, so one
request makes one revision.
"""

import copy
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from audit.models import Action
from civicdata import audit

# The service that renders each kind of item (what rendering derives is not stored in revisions).
RENDER_SERVICES = {
    "essays.essay": "essays.services.render_essay",
    "portfolio.casestudy": "portfolio.services.render_case_study",
}
# Changing these changes what readers see at which address: pages linking to the item are
# re-rendered after a restore changes one.
_READERS_VIEW_FIELDS = {"status", "slug", "publish_at", "expire_at"}


# --- Recording ---------------------------------------------------------------------------------


@dataclass
class _Recording:
    user: object = None
    comments: list = field(default_factory=list)
    items: set = field(default_factory=set)  # (model, pk) of each item to store


_recording: ContextVar[_Recording | None] = ContextVar("civicdata_revision", default=None)


@contextmanager
def recording(*, user=None, comment: str = ""):
    """Record one revision of every item `include()`d inside the block: who (`user`, None for a
    command), when, and why (`comment`, with anything `describe()`d). Runs the block in a
    transaction; a block that raises or is rolled back records nothing.

    Inside another recording it joins that one, adding its user (if the outer has none) and its
    comment."""
    outer = _recording.get()
    if outer is not None:
        if outer.user is None:
            outer.user = user
        describe(comment)
        yield outer
        return
    state = _Recording(user=user)
    token = _recording.set(state)
    try:
        describe(comment)
        with reversion.create_revision(manage_manually=True):
            yield state
            if transaction.get_rollback():  # a dry run: nothing is kept, nothing to record
                return
            # The writes are done: store each item as it now is, read afresh, once.
            for model, pk in state.items:
                current = model._base_manager.filter(pk=pk).first()
                if current is not None:
                    reversion.add_to_revision(current)
            reversion.set_user(state.user if getattr(state.user, "pk", None) else None)
            reversion.set_comment("\n".join(state.comments))
    finally:
        _recording.reset(token)


def include(item) -> None:
    """Store `item` (an essay or case study, with its parts) in the revision being recorded."""
    state = _recording.get()
    if state is None:
        raise RuntimeError("include() is called inside `with revisions.recording(...)` only")
    state.items.add((item._meta.concrete_model, item.pk))


def describe(comment: str) -> None:
    """Add a line saying why to the revision being recorded (lines already there stay)."""
    state = _recording.get()
    comment = (comment or "").strip()
    if state is not None and comment and comment not in state.comments:
        state.comments.append(comment)


# --- Reading -----------------------------------------------------------------------------------


def versions_of(item):
    """The stored versions of an item, newest first, each with its revision and its user: the
    item's history."""
    return (
        Version.objects.get_for_object(item)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-revision_id")
    )


def revision_of(item, revision_id):
    """The revision `revision_id` if it holds a version of `item`, else None."""
    version = versions_of(item).filter(revision_id=revision_id).first()
    return version.revision if version is not None else None


def revision_label(revision: Revision) -> str:
    """A revision as people name it: "Nov. 26, 2026, 1:49 p.m. by alice"."""
    when = date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    return f"{when} by {revision_author(revision)}"


def revision_author(revision: Revision) -> str:
    if revision.user is not None:
        return revision.user.get_username()
    return "an import or command"


def parts_of(model) -> list[models.ManyToOneRel]:
    """The relations to an item's parts that its revisions hold, in registration order (parts
    others are placed in come first: sections before insets)."""
    return [model._meta.get_field(name) for name in _get_options(model).follow]


def stored_fields(model) -> list[models.Field]:
    """The item's or part's own fields a revision holds (its id included)."""
    names = set(_get_options(model).fields)
    return [f for f in [*model._meta.concrete_fields, *model._meta.many_to_many] if f.name in names]


@dataclass
class Snapshot:
    """An item and its parts as a revision (or the database, now) holds them: unsaved model
    instances, each part list in order."""

    item: models.Model
    many: dict  # many-to-many field name -> list of ids
    parts: dict  # relation name (Essay: "sections", ...) -> list of rows

    @classmethod
    def of_revision(cls, revision: Revision, item) -> "Snapshot":
        """`item` as `revision` holds it; Version.DoesNotExist if it holds none of it."""
        model = item._meta.concrete_model
        relations = parts_of(model)
        content_types = ContentType.objects.get_for_models(
            model, *(relation.related_model for relation in relations)
        )
        by_type = {content_type.pk: m for m, content_type in content_types.items()}
        rows = {m: [] for m in by_type.values()}
        snapshot_item, many = None, {}
        for version in revision.version_set.filter(content_type__in=by_type).order_by("pk"):
            row_model = by_type[version.content_type_id]
            row, row_many = _instance(row_model, version)
            if row_model is model:
                if str(row.pk) == str(item.pk):
                    snapshot_item, many = row, row_many
            else:
                rows[row_model].append(row)
        if snapshot_item is None:
            raise Version.DoesNotExist(f"revision {revision.pk} holds no version of {item!r}")
        parts = {}
        for relation in relations:
            attname = relation.field.attname
            parts[relation.name] = _in_order(
                [row for row in rows[relation.related_model] if getattr(row, attname) == item.pk]
            )
        return cls(snapshot_item, many, parts)

    def keeping(self, item, names) -> "Snapshot":
        """This snapshot with the fields `names` (and many-to-many links) as `item` has them."""
        if not names:
            return self
        kept = copy.copy(self.item)
        many = dict(self.many)
        for f in stored_fields(item._meta.concrete_model):
            if f.name in names and f.many_to_many:
                many[f.name] = list(getattr(item, f.name).values_list("pk", flat=True))
            elif f.name in names:
                setattr(kept, f.attname, getattr(item, f.attname))
        return Snapshot(kept, many, self.parts)

    @classmethod
    def of_database(cls, item) -> "Snapshot":
        """The item as it is now."""
        model = item._meta.concrete_model
        item = model._base_manager.get(pk=item.pk)
        many = {
            f.name: list(getattr(item, f.name).values_list("pk", flat=True))
            for f in stored_fields(model)
            if f.many_to_many
        }
        parts = {
            relation.name: _in_order(list(getattr(item, relation.get_accessor_name()).all()))
            for relation in parts_of(model)
        }
        return cls(item, many, parts)


def _instance(model, version):
    values = dict(version.field_dict)
    many = {f.name: values.pop(f.attname) for f in model._meta.many_to_many if f.attname in values}
    return model(**values), many


def _in_order(rows):
    if rows and any(f.name == "position" for f in rows[0]._meta.concrete_fields):
        return sorted(rows, key=lambda row: (row.position, row.pk))
    return sorted(rows, key=lambda row: row.pk)


# --- Restoring ---------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    item: models.Model
    not_restored: list[str]  # what could not come back, for people (its target was deleted)


def restore_revision(*, item, revision: Revision, user, note: str = "", keep=()) -> RestoreResult:
    """Bring an item back to what `revision` holds, in one transaction: its own fields, its
    parts exactly (parts added since are deleted, parts deleted since come back with their
    ids), its many-to-many links; then render it again, and the pages linking to it if readers'
    view of it changed. The restore is itself a new revision, by `user`, with `note`.

    Fields named in `keep` stay as they are: those `user` may not change (the admin passes its
    read-only fields, so restoring never does what the change form would not let them do).

    Raises ValidationError when the revision's values no longer fit (another item took its slug
    or its place in the series); nothing is changed then."""
    model = item._meta.concrete_model
    comment = f"Restored from the revision of {revision_label(revision)}."
    not_restored = []
    with recording(user=user, comment=comment):
        describe(note)
        current = model._base_manager.select_for_update().get(pk=item.pk)
        snapshot = Snapshot.of_revision(revision, current).keeping(current, keep)
        before = {name: getattr(current, name) for name in _READERS_VIEW_FIELDS}
        _restore_fields(current, snapshot.item, not_restored)
        current.save()
        _restore_many(current, snapshot.many, not_restored)
        _restore_parts(current, snapshot.parts, not_restored)
        import_string(RENDER_SERVICES[model._meta.label_lower])(current)
        _after_readers_view_changed(current, before)
        for line in not_restored:
            describe(f"Not restored: {line}")
        include(current)
        audit.record(user, Action.REVISION_RESTORED, current, revision_label(revision))
        after = (current.status, current.publish_at)
        if action := audit.publication_action((before["status"], before["publish_at"]), after):
            audit.record(user, action, current)
    return RestoreResult(current, not_restored)


def _restore_fields(current, stored, not_restored):
    changed = []
    for f in stored_fields(type(current)):
        if f.primary_key or f.many_to_many:
            continue
        value = getattr(stored, f.attname)
        if f.is_relation and value is not None and not _exists(f.related_model, value):
            not_restored.append(
                f"{f.verbose_name}: the {f.related_model._meta.verbose_name} it named was deleted"
            )
            continue
        if getattr(current, f.attname) != value:
            setattr(current, f.attname, value)
            changed.append(f.name)
    unchanged = [f.name for f in type(current)._meta.fields if f.name not in changed]
    # Only what the restore changes is checked (a field's own validators may need what is
    # gone, such as an image file), with the model's rules across fields (clean()).
    current.full_clean(exclude=unchanged)


def _restore_many(current, stored_many, not_restored):
    for name, ids in stored_many.items():
        related = type(current)._meta.get_field(name).related_model
        existing = set(related._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if missing := len(set(ids) - existing):
            not_restored.append(
                f"{missing} of its {related._meta.verbose_name_plural} (since deleted)"
            )
        getattr(current, name).set(existing)


def _restore_parts(current, stored_parts, not_restored):
    relations = parts_of(type(current))
    # First the parts added since go, whole: deleting a section takes what is placed in it.
    for relation in relations:
        wanted = [row.pk for row in stored_parts[relation.name]]
        try:
            _parts(current, relation).exclude(pk__in=wanted).delete()
        except models.ProtectedError as error:
            names = ", ".join(sorted({str(row) for row in error.protected_objects}))
            raise ValidationError(
                f"Restoring would delete {relation.related_model._meta.verbose_name_plural} "
                f"that others depend on ({names}); nothing was changed."
            ) from None
    # Parts that stay may swap places: moved out of the way first, so no unique constraint on
    # (item, position) sees two rows on one number.
    for relation in relations:
        _move_numbers_aside(current, relation, stored_parts[relation.name])
    for relation in relations:
        for row in stored_parts[relation.name]:
            if _restorable(row, relation, not_restored):
                row.save()  # updates the row by its id, or inserts it with that id again


def _parts(current, relation):
    return relation.related_model._base_manager.filter(**{relation.field.name: current})


def _move_numbers_aside(current, relation, stored_rows):
    child = relation.related_model
    numbered = set()
    for constraint in child._meta.total_unique_constraints:
        if relation.field.name in constraint.fields:
            numbered.update(
                name
                for name in constraint.fields
                if isinstance(child._meta.get_field(name), models.IntegerField)
            )
    rows = _parts(current, relation)
    for name in numbered:
        highest_stored = max((getattr(row, name) or 0 for row in stored_rows), default=0)
        highest_now = rows.aggregate(top=models.Max(name))["top"] or 0
        rows.update(**{name: models.F(name) + max(highest_stored, highest_now) + 1})


def _restorable(row, relation, not_restored):
    """Clear or refuse a part's links to rows deleted since (a user who left, an author)."""
    for f in row._meta.concrete_fields:
        if not f.is_relation or f is relation.field:
            continue
        value = getattr(row, f.attname)
        if value is None or _exists(f.related_model, value):
            continue
        if f.null:
            setattr(row, f.attname, None)
        else:
            not_restored.append(
                f"a {row._meta.verbose_name}: the {f.related_model._meta.verbose_name} "
                "it named was deleted"
            )
            return False
    return True


def _exists(model, pk):
    return model._base_manager.filter(pk=pk).exists()


def _after_readers_view_changed(item, before):
    changed = {name for name, value in before.items() if getattr(item, name) != value}
    if not changed:
        return
    from civicdata.links import refresh_links_to

    if "slug" in changed:
        from addresses.services import record_slug_change  # the old address keeps working

        # First, so pages linking to the previous slug are re-rendered to follow it.
        record_slug_change(item, previous_slug=before["slug"])
    refresh_links_to(item, previous_slug=before["slug"])
