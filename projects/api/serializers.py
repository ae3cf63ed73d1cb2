"""Serializers of the projects app: shape only; rules live in model constraints and services."""

from rest_framework import serializers

from core.api.serializers import ChoiceLabelField, DomainModelSerializer

from ..models import ClearanceItem, Demolition, Investment, LandAcquisition, Office, Problem, Project, WorkItem

TIMESTAMPS = ["created_at", "updated_at"]


class OfficeSerializer(DomainModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "code", "name", *TIMESTAMPS]


class ProjectSerializer(DomainModelSerializer):
    category_label = ChoiceLabelField("category")
    status_label = ChoiceLabelField("status")
    progress_method_label = ChoiceLabelField("progress_method")
    manual_progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        coerce_to_string=False,
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "category",
            "category_label",
            "status",
            "status_label",
            "parent",
            "office",
            "leader",
            "contractor",
            "location",
            "description",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "total_investment",
            "progress_method",
            "progress_method_label",
            "manual_progress",
            *TIMESTAMPS,
        ]


class WorkItemSerializer(DomainModelSerializer):
    class Meta:
        model = WorkItem
        fields = ["id", "project", "name", "unit", "planned_quantity", "completed_quantity", "weight", *TIMESTAMPS]


class LandAcquisitionSerializer(DomainModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = LandAcquisition
        fields = ["id", "project", "village", "kind", "kind_label", "planned_area_mu", "completed_area_mu", *TIMESTAMPS]


class DemolitionSerializer(DomainModelSerializer):
    class Meta:
        model = Demolition
        fields = ["id", "project", "village", "planned_rooms", "agreements_signed", "rooms_demolished", *TIMESTAMPS]


class ClearanceItemSerializer(DomainModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = ClearanceItem
        fields = ["id", "project", "kind", "kind_label", "unit", "planned", "completed", *TIMESTAMPS]


class InvestmentSerializer(DomainModelSerializer):
    class Meta:
        model = Investment
        fields = ["id", "project", "period", "amount", *TIMESTAMPS]


class ProblemSerializer(DomainModelSerializer):
    category_label = ChoiceLabelField("category")
    status_label = ChoiceLabelField("status")

    class Meta:
        model = Problem
        fields = [
            "id",
            "project",
            "category",
            "category_label",
            "description",
            "status",
            "status_label",
            "raised_on",
            "due_on",
            "resolved_on",
            *TIMESTAMPS,
        ]
