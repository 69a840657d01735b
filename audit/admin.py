from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is never edited."""

    list_display = ["at", "user", "action", "item_type", "item_title", "detail"]
    list_filter = ["action", "item_type", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "item_type"]
    search_fields = ["item_title", "detail", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
