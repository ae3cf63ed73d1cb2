"""Django admin of the project domain: offices, the project tree, the rows measured under a project, milestones,
and progress reports (to read).

Foreign keys are autocompletes (no <select> of every project) and changelists `select_related`
what they show, so a page costs the same number of queries whatever its length. The site's
titles are set here because the projects app is the heart of the site and `config/` stays wiring only.
"""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import log_writes
from core.generation import data_changed
from milestones.models import Milestone

from .models import (
    ClearanceItem,
    Demolition,
    Investment,
    LandAcquisition,
    Office,
    Problem,
    ProgressReport,
    Project,
    ReportChange,
    WorkItem,
)
from .progress import PROGRESS_INPUTS, lock_chains, refresh_progress

admin.site.site_header = _("Shuitou key-project tracker")
admin.site.site_title = _("Shuitou key-project tracker")
admin.site.index_title = _("Administration")

TIMESTAMPS = ("created_at", "updated_at")


class KeepsFiguresCurrent(admin.ModelAdmin):
    """The admin writes through the model, not through the write services, and does what they do around it: it
    locks the projects whose progress a save or delete moves before the row (`lock_chains`), refreshes their
    stored progress after, and marks cached reports stale (projects.services.writes)."""

    # The field naming the project a row's figures count for (a project's own: its parent's).
    hung_on: str | None = "project"

    def save_model(self, request, obj, form, change):
        project_ids = [self.own_project_id(obj), self.hung_on_id(obj), form.initial.get(self.hung_on or "")]
        self.lock(project_ids)
        super().save_model(request, obj, form, change)
        self.figures_changed(self.own_project_id(obj), *project_ids)

    def delete_model(self, request, obj):
        self.lock([self.hung_on_id(obj)])
        super().delete_model(request, obj)
        self.figures_changed(self.hung_on_id(obj))

    def delete_queryset(self, request, queryset):
        # The bulk action runs outside the change views' transaction: the delete and the refresh commit together.
        with transaction.atomic():
            project_ids = list(queryset.values_list(self.hung_on, flat=True)) if self.hung_on else []
            self.lock(project_ids)
            super().delete_queryset(request, queryset)
            self.figures_changed(*project_ids)

    def own_project_id(self, obj) -> int | None:
        return obj.pk if self.model is Project else None

    def hung_on_id(self, obj) -> int | None:
        return getattr(obj, f"{self.hung_on}_id", None) if self.hung_on else None

    def lock(self, project_ids) -> None:
        if self.model in PROGRESS_INPUTS:
            lock_chains(project_ids)

    def figures_changed(self, *project_ids) -> None:
        if self.model in PROGRESS_INPUTS:
            log_writes(updated=refresh_progress(project_ids=project_ids))
        data_changed()


@admin.register(Office)
class OfficeAdmin(KeepsFiguresCurrent):
    hung_on = None
    list_display = ("code", "name", "updated_at")
    search_fields = ("code", "name")
    ordering = ("code",)
    readonly_fields = TIMESTAMPS


class ProjectRowInline(admin.TabularInline):
    """Base of the rows edited inside a project's page."""

    extra = 0
    show_change_link = True


class WorkItemInline(ProjectRowInline):
    model = WorkItem
    fields = ("name", "unit", "planned_quantity", "completed_quantity", "weight")


class LandAcquisitionInline(ProjectRowInline):
    model = LandAcquisition
    fields = ("village", "kind", "planned_area_mu", "completed_area_mu")


class DemolitionInline(ProjectRowInline):
    model = Demolition
    fields = ("village", "planned_rooms", "agreements_signed", "rooms_demolished")


class ClearanceItemInline(ProjectRowInline):
    model = ClearanceItem
    fields = ("kind", "unit", "planned", "completed")


class InvestmentInline(ProjectRowInline):
    model = Investment
    fields = ("period", "amount")


class MilestoneInline(ProjectRowInline):
    model = Milestone
    fields = ("name", "planned_date", "actual_date", "weight", "delay_reason")


@admin.register(Project)
class ProjectAdmin(KeepsFiguresCurrent):
    hung_on = "parent"
    list_display = ("code", "name", "category", "status", "office", "parent", "planned_finish", "total_investment")
    list_display_links = ("code", "name")
    list_filter = (
        "category",
        "status",
        "progress_method",
        "office",
        ("parent", admin.EmptyFieldListFilter),
    )
    list_select_related = ("office", "parent")
    search_fields = ("code", "name", "leader", "contractor", "location", "office__name")
    ordering = ("code",)
    autocomplete_fields = ("parent", "office")
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("code", "name", "category", "status", "parent", "office")}),
        (_("People and place"), {"fields": ("leader", "contractor", "location", "description")}),
        (_("Schedule"), {"fields": ("planned_start", "planned_finish", "actual_start", "actual_finish")}),
        (_("Investment and progress"), {"fields": ("total_investment", "progress_method", "manual_progress")}),
        (_("Record"), {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = [
        WorkItemInline,
        LandAcquisitionInline,
        DemolitionInline,
        ClearanceItemInline,
        InvestmentInline,
        MilestoneInline,
    ]

    def save_related(self, request, form, formsets, change):
        # The rows edited inline are saved here, after the project.
        super().save_related(request, form, formsets, change)
        self.figures_changed(form.instance.pk)


class ProjectRowAdmin(KeepsFiguresCurrent):
    """Base of the admins of rows under a project: project as autocomplete, fetched with the rows."""

    autocomplete_fields = ("project",)
    list_select_related = ("project",)
    ordering = ("project__code", "id")
    readonly_fields = TIMESTAMPS


@admin.register(WorkItem)
class WorkItemAdmin(ProjectRowAdmin):
    list_display = ("name", "project", "unit", "planned_quantity", "completed_quantity", "weight")
    list_filter = ("project__category", "project__office")
    search_fields = ("name", "project__code", "project__name")


@admin.register(LandAcquisition)
class LandAcquisitionAdmin(ProjectRowAdmin):
    list_display = ("project", "village", "kind", "planned_area_mu", "completed_area_mu")
    list_filter = ("kind", "project__category", "project__office")
    search_fields = ("village", "project__code", "project__name")


@admin.register(Demolition)
class DemolitionAdmin(ProjectRowAdmin):
    list_display = ("project", "village", "planned_rooms", "agreements_signed", "rooms_demolished")
    list_filter = ("project__category", "project__office")
    search_fields = ("village", "project__code", "project__name")


@admin.register(ClearanceItem)
class ClearanceItemAdmin(ProjectRowAdmin):
    list_display = ("project", "kind", "unit", "planned", "completed")
    list_filter = ("kind", "project__category", "project__office")
    search_fields = ("unit", "project__code", "project__name")


@admin.register(Investment)
class InvestmentAdmin(ProjectRowAdmin):
    list_display = ("project", "period", "amount")
    list_filter = ("project__category", "project__office")
    search_fields = ("project__code", "project__name")
    ordering = ("project__code", "-period")
    date_hierarchy = "period"


@admin.register(Problem)
class ProblemAdmin(ProjectRowAdmin):
    list_display = ("__str__", "project", "category", "status", "raised_on", "due_on", "resolved_on")
    # An empty project means a town-wide problem.
    list_filter = ("category", "status", ("project", admin.EmptyFieldListFilter), "project__office")
    search_fields = ("description", "project__code", "project__name")
    ordering = ("-raised_on", "id")
    date_hierarchy = "raised_on"


@admin.register(Milestone)
class MilestoneAdmin(ProjectRowAdmin):
    list_display = ("name", "project", "planned_date", "actual_date", "reached", "weight")
    list_filter = (("actual_date", admin.EmptyFieldListFilter), "project__category", "project__office")
    search_fields = ("name", "project__code", "project__name", "delay_reason")
    ordering = ("planned_date", "id")
    date_hierarchy = "planned_date"

    @admin.display(boolean=True, description=_("reached"), ordering="actual_date")
    def reached(self, obj: Milestone) -> bool:
        return obj.actual_date is not None


# Progress reports: to read, never to edit (they are the history of record).
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
