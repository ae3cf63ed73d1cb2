"""Serializers of the projects app: shape only; rules live in model constraints and services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.serializers import (
    ChoiceLabelField,
    DomainModelSerializer,
    PercentField,
    decimal_field_like,
    figure_fields,
)

from ..figures import INVESTMENT_PROGRESS, RATIOS, SUBTREE_SUMS, in_reading_order
from ..models import ClearanceItem, Demolition, Investment, LandAcquisition, Office, Problem, Project, WorkItem
from . import examples

TIMESTAMPS = ["created_at", "updated_at"]


@extend_schema_serializer(examples=examples.OFFICE)
class OfficeSerializer(DomainModelSerializer):
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Office
        fields = ["id", "code", "name", "project_count", *TIMESTAMPS]


# The figures over a project's subtree, in reading order, each ratio after the figure it is a share of.
SUBTREE_FIGURES = in_reading_order(SUBTREE_SUMS, [INVESTMENT_PROGRESS, *RATIOS])
SubtreeFigures = type("SubtreeFigures", (serializers.Serializer,), figure_fields(SUBTREE_FIGURES))
FIGURES = [
    "progress",
    "planned_progress",
    "schedule_variance",
    *(figure.name for figure in SUBTREE_FIGURES),
    "overdue_milestones",
    "children_count",
]


@extend_schema_serializer(examples=examples.PROJECT)
class ProjectSerializer(SubtreeFigures, DomainModelSerializer):
    """A project with its figures; the figures cover the project and all its descendants."""

    # Labels head the columns of exports (core.api.exports); help texts describe the figures in the schema.
    progress = PercentField(
        help_text="Physical progress (%): work items, milestones or manual; a parent's from its children."
    )
    planned_progress = PercentField(
        allow_null=True, label=_("planned progress (%)"), help_text="Share of the planned schedule passed today (%)."
    )
    schedule_variance = PercentField(
        allow_null=True,
        label=_("schedule variance (points)"),
        help_text="progress − planned_progress; below −10 is behind.",
    )
    overdue_milestones = serializers.IntegerField(
        read_only=True, label=_("overdue milestones"), help_text="Of the project and its descendants, as of today."
    )
    children_count = serializers.IntegerField(
        read_only=True, label=_("sub-projects"), help_text="Direct children (bid sections, phases)."
    )
    category_label = ChoiceLabelField("category")
    status_label = ChoiceLabelField("status")
    progress_method_label = ChoiceLabelField("progress_method")
    manual_progress = decimal_field_like(
        Project,
        "manual_progress",
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
            *FIGURES,
            *TIMESTAMPS,
        ]
        read_only_fields = FIGURES


@extend_schema_serializer(examples=examples.WORK_ITEM)
class WorkItemSerializer(DomainModelSerializer):
    progress = PercentField(
        allow_null=True, help_text="min(completed / planned, 1) × 100; null when nothing is planned."
    )

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "project",
            "name",
            "unit",
            "planned_quantity",
            "completed_quantity",
            "weight",
            "progress",
            *TIMESTAMPS,
        ]


@extend_schema_serializer(examples=examples.LAND_ACQUISITION)
class LandAcquisitionSerializer(DomainModelSerializer):
    kind_label = ChoiceLabelField("kind")
    progress = PercentField(allow_null=True)

    class Meta:
        model = LandAcquisition
        fields = [
            "id",
            "project",
            "village",
            "kind",
            "kind_label",
            "planned_area_mu",
            "completed_area_mu",
            "progress",
            *TIMESTAMPS,
        ]


@extend_schema_serializer(examples=examples.DEMOLITION)
class DemolitionSerializer(DomainModelSerializer):
    agreement_progress = PercentField(allow_null=True)
    demolition_progress = PercentField(allow_null=True)

    class Meta:
        model = Demolition
        fields = [
            "id",
            "project",
            "village",
            "planned_rooms",
            "agreements_signed",
            "rooms_demolished",
            "agreement_progress",
            "demolition_progress",
            *TIMESTAMPS,
        ]


@extend_schema_serializer(examples=examples.CLEARANCE_ITEM)
class ClearanceItemSerializer(DomainModelSerializer):
    kind_label = ChoiceLabelField("kind")
    progress = PercentField(allow_null=True)

    class Meta:
        model = ClearanceItem
        fields = ["id", "project", "kind", "kind_label", "unit", "planned", "completed", "progress", *TIMESTAMPS]


@extend_schema_serializer(examples=examples.INVESTMENT)
class InvestmentSerializer(DomainModelSerializer):
    class Meta:
        model = Investment
        fields = ["id", "project", "period", "amount", *TIMESTAMPS]


# "Problem" in the schema is the error body (core.api.schema); this is a problem raised about a project.
@extend_schema_serializer(component_name="RaisedProblem", examples=examples.PROBLEM)
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
