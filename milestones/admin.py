"""Django admin of milestones (a project's page shows them too: projects.admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "planned_date", "actual_date", "reached", "weight")
    list_filter = (("actual_date", admin.EmptyFieldListFilter), "project__category", "project__office")
    list_select_related = ("project",)
    search_fields = ("name", "project__code", "project__name", "delay_reason")
    ordering = ("planned_date", "id")
    date_hierarchy = "planned_date"
    autocomplete_fields = ("project",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(boolean=True, description=_("reached"), ordering="actual_date")
    def reached(self, obj: Milestone) -> bool:
        return obj.actual_date is not None
