"""Milestone API."""

from rest_framework import viewsets

from .. import filtersets, selectors
from . import serializers


class MilestoneViewSet(viewsets.ModelViewSet):
    queryset = selectors.milestone_list()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet
    search_fields = ["name", "project__name"]
    ordering_fields = ["planned_date", "actual_date", "name", "updated_at"]
