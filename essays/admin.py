from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from civicdata.admin_forms import (
    HUGO_ROUND_TRIP_FIELDSET,
    PUBLICATION_FIELDSET,
    ChildOfPublishableInlineMixin,
    MarkdownxAdminMixin,
    MarkdownxInlinesMixin,
    PositionedInlineFormSet,
    PublicationAdminMixin,
    PublishableAdminForm,
    RendersOnSaveMixin,
    TrashAdmin,
    _digest,
)
from civicdata.links import ESSAY
from civicdata.publishing import Status
from civicdata.revision_admin import RevisionsAdminMixin
from reviews.admin import ReviewLinksAdminMixin

from .board_admin import EditorialFindingsMixin
from .models import (
    Author,
    Byline,
    DraftingStatus,
    Essay,
    Inset,
    InternalLink,
    Pullquote,
    Section,
    Series,
    TrashedEssay,
)
from .services import render_essay


@admin.register(Series)
class SeriesAdmin(MarkdownxAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "essay_count"]
    # Stated here because the model's ordering is dropped from the annotated (grouped) query.
    ordering = ["title"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(essay_count=Count("essays"))

    @admin.display(description="essays", ordering="essay_count")
    def essay_count(self, series):
        return series.essay_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "essay_count"]
    ordering = ["name"]  # see SeriesAdmin.ordering
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(essay_count=Count("bylines"))

    @admin.display(description="essays", ordering="essay_count")
    def essay_count(self, author):
        return author.essay_count


class BylineInline(ChildOfPublishableInlineMixin, admin.TabularInline):
    model = Byline
    formset = PositionedInlineFormSet
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    ordering = ["position"]
    extra = 0


PUBLISH_OPEN_SECTIONS_FIELD = "publish_with_open_sections"


class EssayAdminForm(PublishableAdminForm):
    publish_with_open_sections = forms.BooleanField(
        required=False,
        label="Publish with sections still being written",
        help_text="Asked for when an essay is published while sections are placeholders or in "
        "progress: readers will see them as 'still being written'.",
    )

    class Meta(PublishableAdminForm.Meta):
        model = Essay

    def part_digests(self, essay):
        return {
            f"section-{section.pk}": (
                f"the section “{section.heading or 'opening'}”",
                _digest((section.position, section.heading, section.drafting_status, section.body)),
            )
            for section in essay.sections.all()
        }


class SectionFormSet(PositionedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self._being_published():
            return
        open_sections = [
            form.cleaned_data.get("heading") or "the opening"
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("drafting_status") != DraftingStatus.DRAFTED
        ]
        confirmed = forms.CheckboxInput().value_from_datadict(
            self.data, {}, PUBLISH_OPEN_SECTIONS_FIELD
        )
        if open_sections and not confirmed:
            names = ", ".join(f"“{heading}”" for heading in open_sections)
            raise forms.ValidationError(
                f"This essay still has {len(open_sections)} section"
                f"{pluralize(len(open_sections))} being written: {names}. Readers will see "
                f"{pluralize(len(open_sections), 'it,them')} as 'still being written'. To "
                "publish it as it is, tick 'Publish with sections still being written' under "
                "Publication and save again."
            )

    def _being_published(self):
        """The essay goes from unpublished to published (now or scheduled) in this save."""
        essay = self.instance
        if essay.status != Status.PUBLISHED:
            return False
        was = Essay.objects.filter(pk=essay.pk).values_list("status", flat=True).first()
        return was != Status.PUBLISHED


class SectionInline(ChildOfPublishableInlineMixin, admin.StackedInline):
    model = Section
    formset = SectionFormSet
    fieldsets = [
        (None, {"fields": ["position", "heading", "drafting_status", "body", "editor_note"]}),
        (
            "Heading in the Hugo file",
            {"classes": ["collapse"], "fields": ["heading_level", "anchor"]},
        ),
    ]
    readonly_fields = ["anchor"]
    ordering = ["position"]
    extra = 0


class PlacedBlockFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Deleting a section deletes what is placed in it; say so instead of losing an inset
        # silently (or failing on one just edited).
        leaving = self._sections_being_deleted()
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            section = form.cleaned_data.get("section")
            if section is not None and str(section.pk) in leaving:
                form.add_error(
                    "section",
                    f"The section “{section}” is being deleted. Place this elsewhere, "
                    "or delete it too.",
                )

    def _sections_being_deleted(self):
        prefix = Section._meta.get_field("essay").remote_field.get_accessor_name()
        marked = forms.CheckboxInput()
        try:
            total = min(int(self.data.get(f"{prefix}-TOTAL_FORMS", 0)), 10_000)
        except (TypeError, ValueError):
            return set()
        return {
            str(self.data.get(f"{prefix}-{index}-id"))
            for index in range(total)
            if marked.value_from_datadict(self.data, {}, f"{prefix}-{index}-DELETE")
        }


class PlacedBlockInline(ChildOfPublishableInlineMixin, admin.StackedInline):
    """Insets and pullquotes: their section is chosen among this essay's sections only."""

    formset = PlacedBlockFormSet
    ordering = [F("section__position").asc(nulls_first=True), "after_paragraph", "pk"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        # The section choices depend on the essay being edited, which Django's
        # formfield_for_foreignkey is not told; hand it over through the field callback.
        kwargs["formfield_callback"] = partial(
            self.formfield_for_dbfield, request=request, essay=obj
        )
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, essay=None, **kwargs):
        if db_field.name == "section":
            return self.formfield_for_foreignkey(db_field, request, essay=essay, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, essay=None, **kwargs):
        if db_field.name == "section":
            kwargs["empty_label"] = "Top of the essay"
            if essay is None or essay.pk is None:
                kwargs["queryset"] = Section.objects.none()
                kwargs["help_text"] = (
                    "This essay has no saved sections yet, so the only place is the top of the "
                    "essay. Save the essay with its sections first, then choose one here."
                )
            else:
                kwargs["queryset"] = essay.sections.order_by("position")
                kwargs["help_text"] = (
                    "Empty: at the very top of the essay. Sections added in this same save "
                    "can be chosen after saving."
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class InsetInline(PlacedBlockInline):
    model = Inset
    fields = ["section", "after_paragraph", "body"]


class PullquoteInline(PlacedBlockInline):
    model = Pullquote
    fields = ["section", "after_paragraph", "body", "attribution"]


class HasPlaceholderSectionsFilter(admin.SimpleListFilter):
    title = "placeholder sections"
    parameter_name = "has_placeholders"

    def lookups(self, request, model_admin):
        return [("yes", "Has placeholder sections"), ("no", "No placeholder sections")]

    def queryset(self, request, queryset):
        placeholders = Section.objects.filter(
            essay=OuterRef("pk"), drafting_status=DraftingStatus.PLACEHOLDER
        )
        if self.value() == "yes":
            return queryset.filter(Exists(placeholders))
        if self.value() == "no":
            return queryset.filter(~Exists(placeholders))
        return queryset


@admin.register(Essay)
class EssayAdmin(
    RevisionsAdminMixin,
    ReviewLinksAdminMixin,
    EditorialFindingsMixin,
    PublicationAdminMixin,
    RendersOnSaveMixin,
    MarkdownxInlinesMixin,
    admin.ModelAdmin,
):
    render_item = staticmethod(render_essay)
    link_kind = ESSAY
    form = EssayAdminForm
    actions = ["publish_now", "unpublish", "run_editorial_checks"]

    list_display = ["title", "series", "series_position", "visibility", "date", "placeholders"]
    list_display_links = ["title"]
    ordering = ["series__title", "series_position"]  # see SeriesAdmin.ordering
    list_filter = ["series", "status", HasPlaceholderSectionsFilter]
    list_select_related = ["series"]
    search_fields = ["title", "summary", "sections__heading", "sections__body"]
    search_help_text = "Searches titles, summaries, and the headings and text of sections."
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["series"]
    readonly_fields = [
        "word_count",
        "reading_minutes",
        "unresolved_links",
        "drafting_progress",
        "open_sections",
        "editorial_findings",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "summary"]}),
        (
            PUBLICATION_FIELDSET[0],
            {
                **PUBLICATION_FIELDSET[1],
                "fields": [*PUBLICATION_FIELDSET[1]["fields"], PUBLISH_OPEN_SECTIONS_FIELD],
            },
        ),
        ("Series", {"fields": ["series", "series_position"]}),
        (
            "Drafting",
            {
                "fields": ["drafting_progress", "open_sections", "editorial_findings"],
                "description": "As of the last save; the drafting board shows every essay.",
            },
        ),
        (
            "Derived from the text",
            {
                "fields": ["word_count", "reading_minutes", "unresolved_links"],
                "description": "Updated each time the essay is saved.",
            },
        ),
        HUGO_ROUND_TRIP_FIELDSET,
    ]
    inlines = [BylineInline, SectionInline, InsetInline, PullquoteInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                placeholder_count=Count(
                    "sections",
                    filter=Q(sections__drafting_status=DraftingStatus.PLACEHOLDER),
                    # distinct: should a search or filter join the sections again, each is
                    # still counted once.
                    distinct=True,
                )
            )
        )

    @admin.display(description="progress")
    def drafting_progress(self, essay):
        if essay.pk is None:
            return "-"
        sections = list(essay.sections.all())
        drafted = sum(not section.is_open for section in sections)
        return format_html(
            '<progress max="{}" value="{}"></progress> {} of {} sections drafted',
            len(sections),
            drafted,
            drafted,
            len(sections),
        )

    @admin.display(description="sections still being written")
    def open_sections(self, essay):
        if essay.pk is None:
            return "-"
        sections = essay.sections.open().select_related("assignee").order_by("position")
        if not sections:
            return "None: every section is drafted."
        board = reverse("admin:essays_boardsection_changelist")
        return format_html(
            '<ul class="open-sections">{}</ul><p><a href="{}?{}">Open these on the drafting '
            "board</a></p>",
            format_html_join(
                "",
                "<li><strong>{}</strong> — {}, {}{}</li>",
                (
                    (
                        section.heading or "(opening)",
                        section.get_drafting_status_display().lower(),
                        f"assigned to {section.assignee.get_username()}"
                        if section.assignee
                        else "not assigned",
                        format_html(". Note: {}", section.editor_note)
                        if section.editor_note
                        else "",
                    )
                    for section in sections
                ),
            ),
            board,
            urlencode({"essay__id__exact": essay.pk}),
        )

    @admin.display(description="placeholders", ordering="placeholder_count")
    def placeholders(self, essay):
        return essay.placeholder_count

    @admin.display(description="reading time")
    def reading_minutes(self, essay):
        return f"{essay.reading_minutes} min"

    @admin.display(description="unresolved internal links")
    def unresolved_links(self, essay):
        if essay.pk is None:
            return "-"
        links = InternalLink.objects.filter(
            source_type=ContentType.objects.get_for_model(Essay),
            source_id=essay.pk,
            resolved=False,
        ).order_by("target_kind", "target_slug")
        if not links:
            return "None: every internal link reaches a published page."
        return format_html(
            "<p>Readers see these links as plain text: their target is missing or not "
            "published.</p><ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} <code>{}</code> ({})</li>",
                (
                    (link.get_target_kind_display(), link.target_slug, link.text or "no text")
                    for link in links
                ),
            ),
        )


@admin.register(InternalLink)
class InternalLinkAdmin(admin.ModelAdmin):
    """Every internal link found when essays and case studies were last saved; read-only."""

    list_display = ["source_link", "target_kind", "target_slug", "text", "resolved"]
    list_filter = ["resolved", "target_kind", "source_type"]
    search_fields = ["target_slug", "text"]
    list_select_related = ["source_type"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="found in", ordering="source_type")
    def source_link(self, link):
        source = link.source
        if source is None:
            return f"(deleted {link.source_type.name} {link.source_id})"
        try:
            url = reverse(
                f"admin:{link.source_type.app_label}_{link.source_type.model}_change",
                args=[link.source_id],
            )
        except NoReverseMatch:
            return str(source)
        return format_html('<a href="{}">{}</a>', url, source)


@admin.register(TrashedEssay)
class TrashedEssayAdmin(TrashAdmin):
    render_item = staticmethod(render_essay)
