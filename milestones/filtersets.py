"""Query-string filters of the milestone list."""

from django_filters import rest_framework as filters

from core.api.filters import TimeStampedFilterSet
from projects.choices import Category
from projects.models import Office, Project

from .models import Milestone


class MilestoneFilterSet(TimeStampedFilterSet):
    project = filters.ModelChoiceFilter(queryset=Project.objects.all())
    office = filters.ModelChoiceFilter(field_name="project__office", queryset=Office.objects.all())
    category = filters.MultipleChoiceFilter(field_name="project__category", choices=Category.choices)
    planned_date_before = filters.DateFilter(field_name="planned_date", lookup_expr="lte")
    planned_date_after = filters.DateFilter(field_name="planned_date", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = ["project", "office", "category"]
