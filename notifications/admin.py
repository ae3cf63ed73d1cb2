"""Reminder settings of offices (editable) and the delivery log (read-only) in the admin."""

from django.contrib import admin

from .models import DeliveryAttempt, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("office", "enabled", "email_recipients", "webhook_url", "updated_at")
    list_filter = ("enabled",)
    list_select_related = ("office",)
    search_fields = ("office__code", "office__name", "email_recipients", "webhook_url")
    autocomplete_fields = ("office",)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ("created_at", "office", "channel", "attempt", "succeeded", "status_code", "duration_ms", "error")
    list_filter = ("channel", "succeeded", "office")
    list_select_related = ("office",)
    search_fields = ("target", "error")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
