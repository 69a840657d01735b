from django.contrib import admin
from django.db import transaction

from .models import OldAddress
from .services import refresh_links_through


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ["path", "leads_to", "origin", "created_at"]
    list_filter = ["origin"]
    list_select_related = ["essay", "case_study"]
    search_fields = ["path", "essay__title", "case_study__title"]
    autocomplete_fields = ["essay", "case_study"]
    readonly_fields = ["origin", "created_at"]
    fields = ["path", "essay", "case_study", "origin", "created_at"]

    @admin.display(description="leads to")
    def leads_to(self, address):
        return address.target

    # Links naming an address follow its old address: what links there is rendered again.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_links_through({obj.path, form.initial.get("path")})

    def delete_model(self, request, obj):
        path = obj.path
        super().delete_model(request, obj)
        refresh_links_through({path})

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        paths = set(queryset.values_list("path", flat=True))
        super().delete_queryset(request, queryset)
        refresh_links_through(paths)
