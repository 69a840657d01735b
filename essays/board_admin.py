"""The drafting board: every section still to be written, across every essay and series.

Built on the admin's own changelist, so filters, sorting, one-by-one editing (list_editable) and
bulk actions work as everywhere else in the admin.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator

from civicdata import revisions
from civicdata.roles import may_change

from .drafting import drafting_state
from .models import BoardSection, DraftingStatus, Finding
from .services import (
    accept_findings,
    mark_essays_changed,
    render_essay,
    reopen_findings,
    set_drafting_status,
)


class AssignedToMeFilter(admin.SimpleListFilter):
    title = "assigned to me"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "Assigned to me")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(assignee=request.user)
        return queryset


class AssignActionForm(helpers.ActionForm):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("username"),
        required=False,
        label="Assign to",
        help_text="For the 'Assign to' action; empty unassigns.",
    )


@admin.register(BoardSection)
class DraftingBoardAdmin(admin.ModelAdmin):
    list_display = [
        "section_heading",
        "essay_link",
        "series_title",
        "drafting_status",
        "assignee",
        "editor_note",
        "draft_length",
        "open_for",
    ]
    list_display_links = None
    list_editable = ["drafting_status", "assignee"]
    list_filter = [
        "essay__series",
        ("essay", admin.RelatedOnlyFieldListFilter),
        "drafting_status",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        AssignedToMeFilter,
    ]
    list_select_related = ["essay__series", "assignee"]
    search_fields = ["heading", "body", "editor_note", "essay__title"]
    ordering = ["essay__series__title", "essay__series_position", "position"]
    sortable_by = [
        "section_heading",
        "essay_link",
        "drafting_status",
        "assignee",
        "draft_length",
        "open_for",
    ]
    list_per_page = 100
    action_form = AssignActionForm
    actions = ["assign", "assign_to_me", "mark_in_progress", "mark_drafted", "mark_placeholder"]
    change_list_template = "admin/essays/boardsection/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).open().for_board()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Assigning and changing statuses on the board is the editors' (change_boardsection);
    # authors may look (view_boardsection). Django's own proxy-model permissions.

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assignee":
            # Evaluated once for the whole board, not once per row's select.
            field.queryset = field.queryset.filter(is_active=True, is_staff=True).order_by(
                "username"
            )
            field.choices = list(field.choices)
        return field

    @admin.display(description="Section", ordering="heading")
    def section_heading(self, section):
        return section.heading or "(opening)"

    @admin.display(description="Essay", ordering="essay__title")
    def essay_link(self, section):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:essays_essay_change", args=[section.essay_id]),
            section.essay.title,
        )

    @admin.display(description="Series", ordering="essay__series__title")
    def series_title(self, section):
        return section.essay.series.title

    @admin.display(description="Draft length", ordering="draft_length")
    def draft_length(self, section):
        return f"{section.draft_length} characters"

    @admin.display(description="Open for", ordering="status_changed_at")
    def open_for(self, section):
        days = (timezone.now() - section.status_changed_at).days
        return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"

    def changelist_view(self, request, extra_context=None):
        state = drafting_state()
        series_progress = {}
        for essay in state.essays:
            done, total = series_progress.get(essay.series, (0, 0))
            series_progress[essay.series] = (
                done + essay.sections_drafted,
                total + essay.sections_total,
            )
        extra_context = {
            **(extra_context or {}),
            "essay_progress": [e for e in state.essays if e.sections_total],
            "series_progress": sorted(series_progress.items(), key=lambda item: item[0].title),
            "open_findings": state.open_findings,
        }
        return super().changelist_view(request, extra_context=extra_context)

    def save_model(self, request, obj, form, change):
        what = " and ".join(form[name].label.lower() for name in form.changed_data)
        with revisions.recording(
            user=request.user, comment=f"Drafting board: {what} of “{obj}” changed."
        ):
            super().save_model(request, obj, form, change)
            if "drafting_status" in form.changed_data:
                # Readers see a placeholder as "still being written": their page changes too.
                render_essay(obj.essay)
                mark_essays_changed([obj.essay_id])
            revisions.include(obj.essay)

    def _set_status(self, request, queryset, status):
        sections = list(queryset.select_related("essay"))
        set_drafting_status(sections=sections, status=status, user=request.user)
        self.message_user(
            request, f"{len(sections)} sections marked {status.label.lower()}.", messages.SUCCESS
        )

    @admin.action(description="Assign to the person chosen above", permissions=["change"])
    def assign(self, request, queryset):
        form = AssignActionForm(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        if not form.is_valid():
            self.message_user(request, "Choose someone to assign.", messages.ERROR)
            return
        assignee = form.cleaned_data["assignee"]
        count = queryset.update(assignee=assignee)
        who = assignee.get_username() if assignee else "nobody"
        self.message_user(request, f"{count} sections assigned to {who}.", messages.SUCCESS)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = queryset.update(assignee=request.user)
        self.message_user(request, f"{count} sections assigned to you.", messages.SUCCESS)

    @admin.action(description="Mark in progress", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, DraftingStatus.IN_PROGRESS)

    @admin.action(description="Mark drafted", permissions=["change"])
    def mark_drafted(self, request, queryset):
        self._set_status(request, queryset, DraftingStatus.DRAFTED)

    @admin.action(description="Mark placeholder", permissions=["change"])
    def mark_placeholder(self, request, queryset):
        self._set_status(request, queryset, DraftingStatus.PLACEHOLDER)


class EditorialFindingsMixin:
    """An essay's or case study's admin page lists what the editorial checks found in it, and
    its list offers to run the checks again (they also run on every save)."""

    @admin.action(description="Run the editorial checks again", permissions=["change"])
    def run_editorial_checks(self, request, queryset):
        items = [item for item in queryset if may_change(request.user, item)]
        for item in items:
            self.render_item(item)  # rendering runs the checks and stores their findings
        self.message_user(
            request,
            f"Checked {len(items)} {self.model._meta.verbose_name_plural}.",
            messages.SUCCESS,
        )

    @admin.display(description="editorial findings")
    def editorial_findings(self, item):
        if item.pk is None:
            return "The checks run when the item is saved."
        findings = list(
            Finding.objects.filter(
                source_type=ContentType.objects.get_for_model(item), source_id=item.pk
            ).select_related("section", "accepted_as")
        )
        if not findings:
            return "None: every check passed when the item was last saved."
        rows = format_html_join(
            "",
            '<li class="finding finding-{}">{}<strong>{}</strong>{}: {}{}{}</li>',
            (
                (
                    finding.kind,
                    "Accepted as intended — " if finding.accepted_as_id else "",
                    finding.get_kind_display(),
                    f" in “{finding.section.heading}”"
                    if finding.section and finding.section.heading
                    else "",
                    finding.message,
                    format_html("<br><q>{}</q>", Truncator(finding.excerpt).chars(200))
                    if finding.excerpt
                    else "",
                    format_html("<br>Nearest sentence: <q>{}</q>", finding.suggestion)
                    if finding.suggestion
                    else "",
                )
                for finding in findings
            ),
        )
        return format_html(
            '<ul class="editorial-findings">{}</ul><p><a href="{}?{}">Review findings and '
            "mark them as intended</a></p>",
            rows,
            reverse("admin:essays_finding_changelist"),
            urlencode({"source_type__id__exact": ContentType.objects.get_for_model(item).pk}),
        )


class AcceptActionForm(helpers.ActionForm):
    reason = forms.CharField(
        required=False, label="Reason", help_text="Why the finding is intended."
    )


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    """Editorial findings; editors mark the intended ones as accepted, with a reason."""

    list_display = ["item", "section", "kind", "message", "excerpt", "suggestion", "accepted"]
    list_filter = ["kind", ("accepted_as", admin.EmptyFieldListFilter)]
    list_select_related = ["section", "accepted_as", "source_type"]
    search_fields = ["message", "excerpt"]
    action_form = AcceptActionForm
    actions = ["accept", "reopen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_accept_permission(self, request):
        return request.user.has_perm("essays.add_acceptedfinding")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("source")

    @admin.display(description="Item")
    def item(self, finding):
        return str(finding.source)

    @admin.display(description="Accepted", boolean=True, ordering="accepted_as")
    def accepted(self, finding):
        return finding.accepted_as_id is not None

    @admin.action(description="Mark as intended (give a reason above)", permissions=["accept"])
    def accept(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason for accepting.", messages.ERROR)
            return
        count = accept_findings(findings=queryset, reason=reason, user=request.user)
        self.message_user(request, f"{count} findings accepted as intended.", messages.SUCCESS)

    @admin.action(description="Reopen", permissions=["accept"])
    def reopen(self, request, queryset):
        count = reopen_findings(findings=queryset)
        self.message_user(request, f"{count} findings reopened.", messages.SUCCESS)
