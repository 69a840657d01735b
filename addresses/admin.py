from django.contrib import admin

from .models import OldAddress


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
