"""Filters of the portfolio summary."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import IdFilter, StrictBooleanFilter, TimeStampedFilterSet
from projects.choices import Category, Status
from projects.models import Office, Project

from .models import ProgressReport


class SummaryFilterSet(filters.FilterSet):
    category = filters.MultipleChoiceFilter(choices=Category.choices)
    office = filters.ModelChoiceFilter(queryset=Office.objects.all())
    root = StrictBooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Top-level projects only"))

    class Meta:
        model = Project
        fields = ["category", "office"]


class ProjectPackageFilterSet(SummaryFilterSet):
    """The OC4IDS package's selection: the project list's `category`, `office`, `root` and `status`."""

    status = filters.MultipleChoiceFilter(choices=Status.choices)

    class Meta:
        model = Project
        fields = ["category", "office", "status"]


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
