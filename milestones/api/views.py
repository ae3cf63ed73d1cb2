"""Milestone API."""

from core.api.exports import ExportMixin
from core.api.views import DomainViewSet
from core.clock import today

from .. import filtersets, selectors
from . import serializers


class MilestoneViewSet(ExportMixin, DomainViewSet):
    export_basename = "milestones"  # ?format=csv|xlsx → milestones-YYYY-MM-DD.csv
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet
    search_fields = ["name", "project__name"]
    ordering_fields = ["planned_date", "actual_date", "name", "days_overdue", "updated_at"]

    def get_queryset(self):
        return selectors.milestone_list(today=today())
