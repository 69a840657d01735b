from django.contrib import admin
from django.utils.html import format_html

from civicdata.admin_forms import (
    HUGO_ROUND_TRIP_FIELDSET,
    PUBLICATION_FIELDSET,
    ChildOfPublishableInlineMixin,
    MarkdownxAdminMixin,
    PositionedInlineFormSet,
    PublicationAdminMixin,
    PublishableAdminForm,
    RendersOnSaveMixin,
    TrashAdmin,
)
from civicdata.links import CASE_STUDY
from essays.board_admin import EditorialFindingsMixin

from .models import CaseStudy, Partner, TrashedCaseStudy
from .services import render_case_study


class PartnerInline(ChildOfPublishableInlineMixin, admin.TabularInline):
    model = Partner
    formset = PositionedInlineFormSet
    fields = ["organization", "role", "position"]
    ordering = ["position"]
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(
    EditorialFindingsMixin,
    PublicationAdminMixin,
    RendersOnSaveMixin,
    MarkdownxAdminMixin,
    admin.ModelAdmin,
):
    render_item = staticmethod(render_case_study)
    link_kind = CASE_STUDY
    actions = ["publish_now", "unpublish", "run_editorial_checks"]
    form = PublishableAdminForm

    list_display = ["title", "visibility", "date", "has_hero_image"]
    list_filter = ["status", "date"]
    search_fields = ["title", "summary", "body", "partners__organization"]
    search_help_text = "Searches titles, summaries, text and partner organizations."
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related_essays"]
    readonly_fields = ["hero_image_preview", "editorial_findings"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "summary", "body"]}),
        PUBLICATION_FIELDSET,
        (
            "Hero image",
            {"fields": ["hero_image", "hero_image_preview", "hero_image_alt"]},
        ),
        ("Related essays", {"fields": ["related_essays"]}),
        ("Editorial checks", {"fields": ["editorial_findings"]}),
        HUGO_ROUND_TRIP_FIELDSET,
    ]
    inlines = [PartnerInline]

    @admin.display(description="hero image", boolean=True, ordering="hero_image")
    def has_hero_image(self, case_study):
        return bool(case_study.hero_image)

    @admin.display(description="current image")
    def hero_image_preview(self, case_study):
        if not case_study.hero_image:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" style="max-width: 320px; height: auto">',
            case_study.hero_image.url,
            case_study.hero_image_alt,
        )


@admin.register(TrashedCaseStudy)
class TrashedCaseStudyAdmin(TrashAdmin):
    render_item = staticmethod(render_case_study)
