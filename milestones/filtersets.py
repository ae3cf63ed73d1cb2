"""Query-string filters of the milestone list."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import StrictBooleanFilter, TimeStampedFilterSet
from core.clock import today
from projects.choices import Category
from projects.models import Office, Project

from .choices import MilestoneState
from .models import Milestone
from .selectors import due_within_filter, overdue_filter


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
