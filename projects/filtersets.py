"""Query-string filters of the project domain's list endpoints, named for what a client means."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import IdFilter, StrictBooleanFilter, TimeStampedFilterSet
from core.clock import today
from milestones.choices import MilestoneState
from milestones.models import Milestone
from milestones.selectors import due_within_filter, overdue_filter

from .choices import BEHIND_SCHEDULE_VARIANCE, Category, ClearanceKind, LandKind, ProblemCategory, ProblemStatus, Status
from .models import (
    ClearanceItem,
    Demolition,
    Investment,
    LandAcquisition,
    Office,
    Problem,
    ProgressReport,
    Project,
    WorkItem,
)


class OfficeFilterSet(TimeStampedFilterSet):
    class Meta:
        model = Office
        fields = ["code"]


class ProjectFilterSet(TimeStampedFilterSet):
    code = filters.CharFilter(label=_("Project code, exact"))
    category = filters.MultipleChoiceFilter(choices=Category.choices)
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    office = filters.ModelChoiceFilter(queryset=Office.objects.all())
    parent = filters.ModelChoiceFilter(queryset=Project.objects.all())
    root = StrictBooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Top-level projects only"))
    planned_finish_before = filters.DateFilter(field_name="planned_finish", lookup_expr="lte")
    planned_finish_after = filters.DateFilter(field_name="planned_finish", lookup_expr="gte")
    # These two read figures annotated by the list's selector (reporting.selectors.projects_with_figures).
    behind_schedule = StrictBooleanFilter(
        method="filter_behind_schedule", label=_("Schedule variance below -10 points (true) or not (false)")
    )
    has_overdue = StrictBooleanFilter(
        method="filter_has_overdue", label=_("Has overdue milestones, itself or below (true) or none (false)")
    )

    class Meta:
        model = Project
        fields = ["code", "category", "status", "office", "parent"]

    def filter_behind_schedule(self, queryset, name, value):
        if value:
            return queryset.filter(schedule_variance__lt=BEHIND_SCHEDULE_VARIANCE)
        # Not `exclude()`: a project without planned dates has no variance, and it is not behind either.
        on_time = Q(schedule_variance__gte=BEHIND_SCHEDULE_VARIANCE) | Q(schedule_variance__isnull=True)
        return queryset.filter(on_time)

    def filter_has_overdue(self, queryset, name, value):
        return queryset.filter(overdue_milestones__gt=0) if value else queryset.filter(overdue_milestones=0)


class ProjectRowFilterSet(TimeStampedFilterSet):
    """For rows that hang under a project: `project` and `updated_since`."""

    project = filters.ModelChoiceFilter(queryset=Project.objects.all())


class WorkItemFilterSet(ProjectRowFilterSet):
    class Meta:
        model = WorkItem
        fields = ["project"]


class LandAcquisitionFilterSet(ProjectRowFilterSet):
    kind = filters.MultipleChoiceFilter(choices=LandKind.choices)

    class Meta:
        model = LandAcquisition
        fields = ["project", "kind"]


class DemolitionFilterSet(ProjectRowFilterSet):
    class Meta:
        model = Demolition
        fields = ["project"]


class ClearanceItemFilterSet(ProjectRowFilterSet):
    kind = filters.MultipleChoiceFilter(choices=ClearanceKind.choices)

    class Meta:
        model = ClearanceItem
        fields = ["project", "kind"]


class InvestmentFilterSet(ProjectRowFilterSet):
    period_after = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_before = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = Investment
        fields = ["project"]


class ProblemFilterSet(ProjectRowFilterSet):
    category = filters.MultipleChoiceFilter(choices=ProblemCategory.choices)
    status = filters.MultipleChoiceFilter(choices=ProblemStatus.choices)
    town_wide = StrictBooleanFilter(field_name="project", lookup_expr="isnull", label=_("Town-wide problems only"))

    class Meta:
        model = Problem
        fields = ["project", "category", "status"]


class DaysFilter(filters.NumberFilter):
    """A whole number of days: `1.5` or `1e3` is a 400, not silently 1 or 1000."""

    field_class = forms.IntegerField


class MilestoneFilterSet(TimeStampedFilterSet):
    project = filters.ModelChoiceFilter(queryset=Project.objects.all())
    office = filters.ModelChoiceFilter(field_name="project__office", queryset=Office.objects.all())
    category = filters.MultipleChoiceFilter(field_name="project__category", choices=Category.choices)
    planned_date_before = filters.DateFilter(field_name="planned_date", lookup_expr="lte")
    planned_date_after = filters.DateFilter(field_name="planned_date", lookup_expr="gte")
    state = filters.MultipleChoiceFilter(choices=MilestoneState.choices)
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue (true) or not overdue (false)"))
    due_within = DaysFilter(
        method="filter_due_within", min_value=0, max_value=3650, label=_("Not done and due within this many days")
    )

    class Meta:
        model = Milestone
        fields = ["project", "office", "category", "state"]

    def filter_overdue(self, queryset, name, value):
        condition = overdue_filter(today())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_within(self, queryset, name, value):
        return queryset.filter(due_within_filter(today(), value))


class ProgressReportFilterSet(TimeStampedFilterSet):
    project = filters.ModelChoiceFilter(
        queryset=Project.objects.all(), method="filter_project", label=_("Reports on this project or a descendant")
    )
    office = filters.ModelChoiceFilter(queryset=Office.objects.all())
    reported_on_after = filters.DateFilter(field_name="reported_on", lookup_expr="gte")
    reported_on_before = filters.DateFilter(field_name="reported_on", lookup_expr="lte")
    author = IdFilter(field_name="author_id")

    class Meta:
        model = ProgressReport
        fields = ["project", "office", "author"]

    def filter_project(self, queryset, name, project):
        return queryset.filter(project__ancestor_links__ancestor=project)
