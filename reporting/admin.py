"""Progress reports in the admin: to read, never to edit (they are the history of record)."""

from django.contrib import admin

from .models import ProgressReport, ReportChange


class ReportChangeInline(admin.TabularInline):
    model = ReportChange
    fields = ("target", "object_id", "project", "field", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("reported_on", "project", "office", "author", "created_at")
    list_filter = ("office", "reported_on")
    list_select_related = ("project", "office", "author")
    search_fields = ("summary", "project__code", "project__name")
    date_hierarchy = "reported_on"
    fields = ("project", "office", "author", "reported_on", "summary", "created_at")
    readonly_fields = fields
    inlines = [ReportChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
