"""Admin plumbing shared by the essays and portfolio admins: Markdown editors, ordered inlines,
and re-rendering after a save."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from addresses.services import record_slug_change
from civicdata.links import refresh_links_to, rerender_sources_of

POSITION_HELP_TEXT = "Leave empty to add it at the end."

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


class PublicationAdminMixin:
    """The list column saying what readers see of an item now."""

    @admin.display(description="visibility", ordering="status")
    def visibility(self, item):
        return "Live" if item.is_published else item.visibility_note


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
        if not change or {"status", "slug"} & set(form.changed_data):
            refresh_links_to(item, previous_slug=form.initial.get("slug"))
        if change and "slug" in form.changed_data:
            # The previous address keeps working: a permanent redirect to the new one.
            record_slug_change(item, previous_slug=form.initial.get("slug"))

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        _forget_links_from(type(obj), [pk])
        refresh_links_to(obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # Unlike delete_model (inside the delete view's transaction), the list's delete action
        # runs in none: deleting and re-rendering succeed or fail together.
        deleted = dict(queryset.values_list("pk", "slug"))
        super().delete_queryset(request, queryset)
        _forget_links_from(queryset.model, deleted)
        # One pass for all of them: a page linking to several is re-rendered once.
        rerender_sources_of(self.link_kind, set(deleted.values()))


def _forget_links_from(model, pks):
    """A deleted item's own links would otherwise linger in the broken-links list."""
    from essays.models import InternalLink  # civicdata's modules import apps' models late

    InternalLink.objects.filter(
        source_type=ContentType.objects.get_for_model(model), source_id__in=pks
    ).delete()
