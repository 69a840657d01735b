"""Revisions in the admin of essays and case studies: a note with each save, the history (the
change form's History button), any two revisions compared, and restoring one.

The views are thin: recording, comparing and restoring are civicdata.revisions and
civicdata.revision_diff.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from civicdata import revisions
from civicdata.revision_diff import compare
from civicdata.roles import can_publish

REVISION_NOTE_FIELD = "revision_note"
HISTORY_PAGE_SIZE = 50


class RevisionsAdminMixin:
    """For the admin of a model registered with django-reversion and listed in
    civicdata.revisions.RENDER_SERVICES."""

    object_history_template = "admin/revisions/history.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not a model field: the form carries it to the revision's comment.
        self.form = type(
            self.form.__name__,
            (self.form,),
            {
                REVISION_NOTE_FIELD: forms.CharField(
                    label="Revision note",
                    required=False,
                    max_length=500,
                    help_text="Optional: what this save changes and why. Shown in the history "
                    "(the History button), not to readers.",
                )
            },
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        may_save = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        already = any(REVISION_NOTE_FIELD in options["fields"] for _name, options in fieldsets)
        if not may_save or already:
            return fieldsets
        return [*fieldsets, ("Revision", {"fields": [REVISION_NOTE_FIELD]})]

    # Recording ----------------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with revisions.recording(user=request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        # Actions and list edits that change items record them under this user.
        with revisions.recording(user=request.user):
            return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.include(form.instance)
        note = form.cleaned_data.get(REVISION_NOTE_FIELD, "").strip()
        if not note:
            message = self.construct_change_message(request, form, formsets, not change)
            note = LogEntry(change_message=json.dumps(message)).get_change_message()
        revisions.describe(note)

    # Views --------------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_revisions_view),
                name=f"{prefix}_revisions_compare",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                view(self.restore_revision_view),
                name=f"{prefix}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        item = self._item_to_read(request, object_id)
        page = Paginator(revisions.versions_of(item), HISTORY_PAGE_SIZE).get_page(
            request.GET.get("p")
        )
        shown = list(page)
        if page.has_next():
            shown.append(page.paginator.object_list[page.end_index()])
        # Each revision with the one before it, to compare with.
        rows = [
            (version.revision, previous.revision if previous else None)
            for version, previous in zip(page, [*shown[1:], None], strict=False)
        ]
        context = {
            **self._context(request, item, f"Revisions of “{item}”"),
            "page": page,
            "rows": rows,
            "may_restore": self.has_change_permission(request, item),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_revisions_view(self, request, object_id):
        item = self._item_to_read(request, object_id)
        older, newer = (self._revision(item, request.GET.get(name)) for name in ("older", "newer"))
        if older.date_created > newer.date_created:
            older, newer = newer, older
        comparison = compare(
            revisions.Snapshot.of_revision(older, item),
            revisions.Snapshot.of_revision(newer, item),
        )
        context = {
            **self._context(request, item, f"Changes to “{item}”"),
            "older": older,
            "newer": newer,
            "before_label": revisions.revision_label(older),
            "after_label": revisions.revision_label(newer),
            "comparison": comparison,
            "may_restore": self.has_change_permission(request, item),
        }
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    def restore_revision_view(self, request, object_id, revision_id):
        item = self._item_to_read(request, object_id)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        revision = self._revision(item, revision_id)
        if request.method == "POST":
            try:
                result = revisions.restore_revision(
                    item=item,
                    revision=revision,
                    user=request.user,
                    note=request.POST.get("note", "")[:500],
                    keep=self._fields_kept_on_restore(request, item),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                self.message_user(
                    request,
                    f"“{result.item}” was restored from the revision of "
                    f"{revisions.revision_label(revision)}. The restore is a new revision in "
                    "its history.",
                    messages.SUCCESS,
                )
                for line in result.not_restored:
                    messages.warning(request, f"Not restored: {line}.")
                return redirect(self._url("change", item))
        kept = self._fields_kept_on_restore(request, item)
        comparison = compare(
            revisions.Snapshot.of_database(item),
            revisions.Snapshot.of_revision(revision, item).keeping(item, kept),
        )
        context = {
            **self._context(request, item, f"Restore “{item}”"),
            "revision": revision,
            "revision_name": revisions.revision_label(revision),
            "before_label": "Now",
            "after_label": f"After restoring ({revisions.revision_label(revision)})",
            "comparison": comparison,
        }
        return TemplateResponse(request, "admin/revisions/restore.html", context)

    # Helpers ------------------------------------------------------------------------------------

    def _fields_kept_on_restore(self, request, item):
        """A restore changes no field that the change form shows this user read-only, nor
        who made the item or whether it is in the trash; and only editors restore a status
        (authors choose among some statuses only: civicdata.roles)."""
        kept = set(self.get_readonly_fields(request, item))
        kept |= {"created_by", "trashed_at", "trashed_by"}
        if not can_publish(request.user, self.model):
            kept.add("status")
        return kept

    def _item_to_read(self, request, object_id):
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404(f"No {self.opts.verbose_name} with this id.")
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def _revision(self, item, revision_id):
        try:
            revision = revisions.revision_of(item, int(revision_id))
        except (TypeError, ValueError):
            revision = None
        if revision is None:
            raise Http404("This revision is not one of this item's.")
        return revision

    def _url(self, view_name, item):
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view_name}"
        return reverse(name, args=[quote(item.pk)])

    def _context(self, request, item, title):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "object": item,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "history_url": self._url("history", item),
            "compare_url": self._url("revisions_compare", item),
            "preserved_filters": self.get_preserved_filters(request),
        }
