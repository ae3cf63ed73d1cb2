"""Filters of the portfolio summary."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import StrictBooleanFilter
from projects.choices import Category, Status
from projects.models import Office, Project


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
