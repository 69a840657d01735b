"""Admin plumbing shared by the essays and portfolio admins: Markdown editors, ordered inlines,
and re-rendering after a save."""

import datetime
import hashlib
import json
from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from addresses.services import record_slug_change
from audit.models import Action
from civicdata import audit, revisions
from civicdata.links import refresh_links_to
from civicdata.publishing import Status
from civicdata.roles import AUTHOR_STATUSES, can_publish, may_change
from civicdata.trash import empty_trash, move_to_trash, restore_from_trash

POSITION_HELP_TEXT = "Leave empty to add it at the end."
MAX_POSITION = 10_000

# The fields of civicdata.publishing.Publishable that only a Hugo export needs.
HUGO_ROUND_TRIP_FIELDSET = (
    "Hugo round trip",
    {
        "classes": ["collapse"],
        "fields": ["front_matter_format", "front_matter_extra"],
        "description": "Kept so the item exports back to Hugo as it came in. Rarely edited.",
    },
)

PUBLICATION_FIELDSET = (
    "Publication",
    {
        "fields": ["status", ("publish_at", "expire_at")],
        "description": "Readers see a published item from its publication time (at once when "
        "empty) until its take-down time.",
    },
)


class PublishableAdminForm(forms.ModelForm):
    """Refuses to overwrite an item someone else saved after this form was opened.

    The form carries, hidden, the item's `updated_at` when the page loaded and a short digest
    of each of its fields and parts. On save the stored `updated_at` is read under a row lock
    and must still be the same; if not, the digests say what the other person changed. The
    editor's text stays in the form, so nothing typed is lost.
    """

    edited_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        fields = "__all__"  # noqa: DJ007 (the admin passes the fields of its fieldsets)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["edited_version"] = json.dumps(
                {"at": self.instance.updated_at.isoformat(), "parts": self._digests(self.instance)}
            )

    def clean_front_matter_extra(self):
        extra = self.cleaned_data.get("front_matter_extra")
        if not isinstance(extra, dict):
            raise forms.ValidationError(
                'Kept front matter is a mapping of field names to values: {"tags": ["data"]}.'
            )
        if "\\u0000" in json.dumps(extra):  # PostgreSQL's jsonb refuses NUL
            raise forms.ValidationError("Kept front matter cannot contain NUL characters.")
        return extra

    def part_digests(self, item) -> dict[str, tuple[str, str]]:
        """Parts edited in inlines: key -> (what to call it, digest). Essays add sections."""
        return {}

    def _digests(self, item) -> dict[str, list[str]]:
        digests = {}
        for name in self.fields:
            try:
                field = item._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = field.value_from_object(item)
            if field.many_to_many:
                value = sorted(related.pk for related in value)
            digests[name] = [f"the {field.verbose_name}", _digest(value)]
        digests.update({key: list(part) for key, part in self.part_digests(item).items()})
        return digests

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        stored = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        loaded_at, loaded_parts = _loaded_version(self.data.get(self.add_prefix("edited_version")))
        if stored is not None and stored.isoformat() != loaded_at:
            raise forms.ValidationError(
                self._conflict_message(stored, loaded_at, loaded_parts), code="edit_conflict"
            )
        return cleaned_data

    def _conflict_message(self, stored, loaded_at, loaded_parts):
        current = self._digests(type(self.instance).objects.get(pk=self.instance.pk))
        changed = [
            name
            for key, (name, digest) in current.items()
            if loaded_parts.get(key, [None, None])[1] != digest
        ] + [name for key, (name, _) in loaded_parts.items() if key not in current]
        what = f", changing {_listing(changed)}" if changed and loaded_parts else ""
        when = date_format(timezone.localtime(stored), "DATETIME_FORMAT")
        name = self.instance._meta.verbose_name
        return (
            f"{self._who_saved(loaded_at)} saved this {name} at {when}, after you opened it"
            f"{what}. Your changes were not saved. What you wrote is still below: copy it, open "
            f"the {name} again to see the latest version, and apply your changes there."
        )

    def _who_saved(self, loaded_at):
        """The user of the admin's last change to the item since the form was loaded."""
        from django.contrib.admin.models import LogEntry

        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.instance),
            object_id=str(self.instance.pk),
        )
        try:
            entries = entries.filter(action_time__gte=datetime.datetime.fromisoformat(loaded_at))
        except (TypeError, ValueError):
            pass
        entry = entries.select_related("user").order_by("-action_time").first()
        return entry.user.get_username() if entry and entry.user else "Someone else"


def _loaded_version(text):
    """(updated_at as ISO text, {key: [name, digest]}) from the hidden field; (None, {}) for
    anything else, which the conflict check then refuses as out of date."""
    try:
        loaded = json.loads(text or "")
        loaded_at, parts = loaded["at"], loaded["parts"]
    except (ValueError, TypeError, KeyError):
        return None, {}
    if not isinstance(loaded_at, str) or not isinstance(parts, dict):
        return None, {}
    parts = {
        key: part
        for key, part in parts.items()
        if isinstance(part, list) and len(part) == 2 and all(isinstance(p, str) for p in part)
    }
    return loaded_at, parts


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:12]


def _listing(names):
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class PublicationAdminMixin:
    """Who may change and publish an item (civicdata.roles, checked object by object), the list
    column saying what readers see of it now, and the publish and unpublish actions."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += [name for name in EDITOR_ONLY_FIELDS if _has_field(self.model, name)]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and not self.has_publish_permission(request):
            allowed = {*AUTHOR_STATUSES, *([obj.status] if obj else [])}
            status.choices = [choice for choice in status.choices if choice[0] in allowed]
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "edited_version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        before = (form.initial.get("status"), form.initial.get("publish_at"))
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request.user, Action.CREATED, obj)
            before = (None, None)
        if action := audit.publication_action(before, (obj.status, obj.publish_at)):
            audit.record(request.user, action, obj, _schedule_detail(obj))

    @admin.display(description="visibility", ordering="status")
    def visibility(self, item):
        return "Live" if item.is_published else item.visibility_note

    @admin.action(description="Publish (at their scheduled time, if any)", permissions=["publish"])
    def publish_now(self, request, queryset):
        count = _set_status(queryset, Status.PUBLISHED, user=request.user)
        self.message_user(request, f"{count} published.", messages.SUCCESS)

    @admin.action(description="Unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = _set_status(queryset, Status.UNPUBLISHED, user=request.user)
        self.message_user(request, f"{count} unpublished.", messages.SUCCESS)


def _schedule_detail(item):
    if item.is_scheduled:
        return f"for {timezone.localtime(item.publish_at):%Y-%m-%d %H:%M %Z}"
    return ""


# Publishing decisions: authors see these fields but cannot change them.
EDITOR_ONLY_FIELDS = ("publish_at", "expire_at", "announced")


def _has_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


@transaction.atomic
def _set_status(queryset, status, *, user):
    """Give every item `status`, re-render the pages linking to those whose visibility changed,
    and log who did it."""
    # Locked by primary key: the admin's list may carry annotations, and PostgreSQL refuses
    # FOR UPDATE with GROUP BY.
    pks = list(queryset.values_list("pk", flat=True))
    locked = queryset.model._default_manager.select_for_update().filter(pk__in=pks)
    changed = [item for item in locked if item.status != status]
    for item in changed:
        before = (item.status, item.publish_at)
        item.status = status
        item.save(update_fields=["status", "updated_at"])
        revisions.include(item)  # the list's POST is recorded as one revision, with the user
        refresh_links_to(item)
        if action := audit.publication_action(before, (item.status, item.publish_at)):
            audit.record(user, action, item, _schedule_detail(item))
    return len(changed)


class ChildOfPublishableInlineMixin:
    """Sections, partners and other rows of an item: changed by whoever may change the item."""

    def has_add_permission(self, request, obj):
        allowed = super().has_add_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))


class MarkdownxAdminMixin:
    """Markdown fields get markdownx's admin editor: the text beside a live, sanitized preview.

    (MarkdownxField alone gives the plain widget, without the admin's layout and colours.)
    """

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}


class MarkdownxInlinesMixin(MarkdownxAdminMixin):
    """For an admin whose inlines have Markdown editors: starts the editors of rows added with
    'Add another', which markdownx.js alone leaves dead (see static/js/markdownx-inlines.js).
    The script comes after markdownx's own, whichever of its two files DEBUG picked."""

    @property
    def media(self):
        return (
            super().media
            + AdminMarkdownxWidget().media
            + forms.Media(js=["js/markdownx-inlines.js"])
        )


class PositionedInlineFormSet(BaseInlineFormSet):
    """Inline rows ordered by a `position` number, unique within their parent.

    - A row whose position is left empty goes at the end: it gets the next number after the
      highest one in use, rows taking numbers in the order they appear on the page.
    - Two rows with the same number give a form error, never a database error.
    - Rows may swap or shift numbers in one save: rows changing number are first moved out of
      the way, so the database's unique constraint never sees two rows on one number.
    """

    position_field = "position"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self.position_field)
        if field is None:
            return
        field.required = False
        field.help_text = POSITION_HELP_TEXT
        # Far below the database's integer limit, which moving rows aside adds to.
        field.max_value = MAX_POSITION
        field.validators.append(MaxValueValidator(MAX_POSITION))
        field.widget.attrs["max"] = MAX_POSITION
        if form.instance._state.adding:
            # A new row shows an empty box rather than the model's default (1), which would
            # collide with the first row as soon as a second one is added.
            form.initial.pop(self.position_field, None)

    def _rows_to_save(self):
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk is not None or form.has_changed())
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = self._rows_to_save()
        taken = [form.cleaned_data.get(self.position_field) for form in rows]
        next_position = max((p for p in taken if p is not None), default=0) + 1
        for form in rows:
            if form.cleaned_data.get(self.position_field) is None:
                form.cleaned_data[self.position_field] = next_position
                setattr(form.instance, self.position_field, next_position)
                next_position += 1

    def get_unique_error_message(self, unique_check):
        if self.position_field in unique_check and len(unique_check) <= 2:
            return (
                "Two rows have the same position. Give each row its own number, "
                "or leave the box empty to add the row at the end."
            )
        return super().get_unique_error_message(unique_check)

    def save(self, commit=True):
        if commit:
            self._move_renumbered_rows_aside()
        return super().save(commit)

    save.alters_data = True

    def _move_renumbered_rows_aside(self):
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None
            and (self._should_delete_form(form) or self.position_field in form.changed_data)
        ]
        if not moving or self.instance.pk is None:
            return
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        highest_stored = siblings.aggregate(top=models.Max(self.position_field))["top"] or 0
        highest_wanted = max(
            (
                form.cleaned_data.get(self.position_field) or 0
                for form in self.forms
                if form.is_valid()
            ),
            default=0,
        )
        # Shifting every moving row by more than any number in use keeps them apart from the
        # rows that stay and from each other, in a single UPDATE.
        offset = max(highest_stored, highest_wanted) + 1
        siblings.filter(pk__in=moving).update(
            **{self.position_field: models.F(self.position_field) + offset}
        )


class RendersOnSaveMixin:
    """Re-render an item after the admin saved it with its inlines, and the pages linking to it
    when readers' view of it changed: published, unpublished, renamed, added or deleted."""

    render_item = None  # staticmethod(the service that renders the item)
    link_kind = None  # what civicdata.links calls the item: ESSAY or CASE_STUDY

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        item = form.instance
        self.render_item(item)
        if change and "slug" in form.changed_data:
            # The previous address keeps working: a permanent redirect to the new one. Recorded
            # first, so the links to it re-rendered below follow it to the new address.
            record_slug_change(item, previous_slug=form.initial.get("slug"))
        if not change or {"status", "slug", "publish_at", "expire_at"} & set(form.changed_data):
            refresh_links_to(item, previous_slug=form.initial.get("slug"))

    # Deleting moves to the trash (civicdata.trash); the confirmation pages say so.
    delete_confirmation_template = "admin/move_to_trash_confirmation.html"
    delete_selected_confirmation_template = "admin/move_to_trash_selected_confirmation.html"

    def get_queryset(self, request):
        return super().get_queryset(request).present()

    def delete_model(self, request, obj):
        move_to_trash([obj], user=request.user)

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        # Django has just said "deleted"; say what happened instead.
        list(messages.get_messages(request))
        self.message_user(
            request,
            f"The {self.opts.verbose_name} “{obj_display}” is in the trash; an editor can "
            "restore it from there.",
            messages.SUCCESS,
        )
        return response

    def delete_queryset(self, request, queryset):
        move_to_trash(queryset, user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (
                _saying_they_went_to_the_trash(function),
                name,
                "Move selected %(verbose_name_plural)s to the trash",
            )
        return actions


def _saying_they_went_to_the_trash(delete_selected):
    """Django's delete action (or one wrapping it), ending with what happened: Django would say
    "Successfully deleted"."""

    @wraps(delete_selected)
    def move_selected_to_trash(modeladmin, request, queryset):
        count = queryset.count()  # before they leave the list's queryset
        response = delete_selected(modeladmin, request, queryset)
        if response is None:  # done (not the confirmation page)
            list(messages.get_messages(request))
            items = model_ngettext(modeladmin.opts, count)
            modeladmin.message_user(
                request,
                f"Moved {count} {items} to the trash; an editor can restore them from there.",
                messages.SUCCESS,
            )
        return response

    return move_selected_to_trash


class TrashAdmin(admin.ModelAdmin):
    """Essays or case studies in the trash (a proxy model each): editors restore them whole, or
    empty the trash, the only real deletion. Django's permissions on the proxy model decide who:
    view to look, change to restore, delete to empty."""

    render_item = None  # staticmethod(the service that renders the item)
    list_display = ["title", "slug", "status", "trashed_at", "trashed_by"]
    list_select_related = ["trashed_by"]
    ordering = ["-trashed_at"]
    search_fields = ["title", "slug"]
    actions = ["restore", "empty_trash"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_trash()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # emptying is the only deletion, and says so
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing in the trash is edited; restore it first

    def has_restore_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def has_empty_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")

    @admin.action(description="Restore", permissions=["restore"])
    def restore(self, request, queryset):
        count = restore_from_trash(queryset, render_item=self.render_item, user=request.user)
        self.message_user(request, f"{count} restored.", messages.SUCCESS)

    @admin.action(description="Delete for good (empty the trash)", permissions=["empty"])
    def empty_trash(self, request, queryset):
        count = empty_trash(queryset, user=request.user)
        self.message_user(request, f"{count} deleted for good.", messages.SUCCESS)
