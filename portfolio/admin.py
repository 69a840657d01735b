from functools import wraps

from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html

from civicdata.admin_forms import (
    HUGO_ROUND_TRIP_FIELDSET,
    PUBLICATION_FIELDSET,
    ChildOfPublishableInlineMixin,
    MarkdownxAdminMixin,
    PositionedInlineFormSet,
    PublicationAdminMixin,
    RendersOnSaveMixin,
    TrashAdmin,
)
from civicdata.links import CASE_STUDY
from civicdata.revision_admin import RevisionsAdminMixin
from essays.board_admin import EditorialFindingsMixin
from reviews.admin import ReviewLinksAdminMixin

from .forms import CONFIRM_FIELD, CaseStudyAdminForm
from .models import CaseStudy, DataSource, Partner, Topic, TrashedCaseStudy, essays_linking_to
from .services import render_case_study


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "case_study_count"]
    ordering = ["name"]  # Meta.ordering does not apply to the counting (GROUP BY) query
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(case_study_count=Count("case_studies"))

    @admin.display(description="case studies", ordering="case_study_count")
    def case_study_count(self, topic):
        return topic.case_study_count


class PartnerInline(ChildOfPublishableInlineMixin, admin.TabularInline):
    model = Partner
    formset = PositionedInlineFormSet
    fields = ["organization", "role", "position"]
    ordering = ["position"]
    extra = 0


class DataSourceInline(ChildOfPublishableInlineMixin, admin.StackedInline):
    model = DataSource
    formset = PositionedInlineFormSet
    fields = [("name", "owner", "position"), "description", "limitations"]
    ordering = ["position"]
    extra = 0


def _naming_essays_linking_here(delete_selected):
    """The delete action, whose confirmation page also names the essays linking to the case
    studies about to go."""

    @wraps(delete_selected)
    def delete_selected_naming_essays(modeladmin, request, queryset):
        response = delete_selected(modeladmin, request, queryset)
        if isinstance(response, TemplateResponse):
            slugs = queryset.values_list("slug", flat=True)
            response.context_data["essays_linking_here"] = list(essays_linking_to(slugs))
        return response

    return delete_selected_naming_essays


@admin.register(CaseStudy)
class CaseStudyAdmin(
    RevisionsAdminMixin,
    ReviewLinksAdminMixin,
    EditorialFindingsMixin,
    PublicationAdminMixin,
    RendersOnSaveMixin,
    MarkdownxAdminMixin,
    admin.ModelAdmin,
):
    render_item = staticmethod(render_case_study)
    link_kind = CASE_STUDY
    actions = ["publish_now", "unpublish", "run_editorial_checks"]
    form = CaseStudyAdminForm

    class Media:
        # The hero image preview's size: a stylesheet, as the Content-Security-Policy requires.
        css = {"all": ["css/admin.css"]}

    list_display = ["title", "visibility", "stage", "date", "has_hero_image"]
    list_filter = ["status", "stage", "topics", "date"]
    search_fields = ["title", "summary", "body", "partners__organization", "data_sources__name"]
    search_help_text = "Searches titles, summaries, text, partner organizations and data sources."
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "related_essays"]
    readonly_fields = ["hero_image_preview", "editorial_findings"]
    fieldsets = [
        # CONFIRM_FIELD stays hidden unless a save would rename or unpublish a case study that
        # essays link to (CaseStudyAdminForm).
        (None, {"fields": [CONFIRM_FIELD, "title", "slug", "date", "summary", "body"]}),
        PUBLICATION_FIELDSET,
        ("The project", {"fields": ["stage", "topics", "funding_model", "outcomes"]}),
        (
            "People in the data",
            {
                "fields": ["data_subjects", "protections", "results_used_by"],
                "description": "Plain text, shown to readers as written; a blank line starts "
                "a new paragraph.",
            },
        ),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_image_preview", "hero_image_alt"]},
        ),
        ("Related essays", {"fields": ["related_essays"]}),
        ("Editorial checks", {"fields": ["editorial_findings"]}),
        HUGO_ROUND_TRIP_FIELDSET,
    ]
    inlines = [PartnerInline, DataSourceInline]
    delete_confirmation_template = "admin/portfolio/casestudy/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/portfolio/casestudy/delete_selected_confirmation.html"
    )

    def delete_view(self, request, object_id, extra_context=None):
        case_study = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "essays_linking_here": (
                list(case_study.essays_linking_here()) if case_study is not None else []
            ),
        }
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_naming_essays_linking_here(function), name, description)
        return actions

    @admin.display(description="hero image", boolean=True, ordering="hero_image")
    def has_hero_image(self, case_study):
        return bool(case_study.hero_image)

    @admin.display(description="current image")
    def hero_image_preview(self, case_study):
        if not case_study.hero_image:
            return "-"
        return format_html(
            '<img class="hero-image-preview" src="{}" alt="{}">',
            case_study.hero_image.url,
            case_study.hero_image_alt,
        )


@admin.register(TrashedCaseStudy)
class TrashedCaseStudyAdmin(TrashAdmin):
    render_item = staticmethod(render_case_study)
