"""Milestone API."""

from core.api.views import DomainViewSet
from core.clock import today

from .. import filtersets, selectors
from . import serializers


class MilestoneViewSet(DomainViewSet):
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet
    search_fields = ["name", "project__name"]
    ordering_fields = ["planned_date", "actual_date", "name", "days_overdue", "updated_at"]

    def get_queryset(self):
        return selectors.milestone_list(today=today())
