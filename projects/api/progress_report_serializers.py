"""Shapes of progress reports: the nested changes a client posts and the report it reads back."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.api.filters import MAX_ID
from core.api.serializers import INT32_MAX, ChoiceLabelField, PercentField, decimal_field_like, figure_fields

from ..figures import RATIOS, SUBTREE_SUMS, in_reading_order
from ..models import ClearanceItem, Investment, LandAcquisition, ProgressReport, ReportChange, ReportFigures, WorkItem
from . import examples


class RowRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,  # beyond a 64-bit column the lookup would overflow (a 500 on SQLite)
        help_text="Id of the row to change; it must belong to the report's project or one of its descendants.",
    )


class WorkItemChangeSerializer(RowRefSerializer):
    completed_quantity = decimal_field_like(
        WorkItem, "completed_quantity", min_value=0, help_text="The new completed quantity (not an increment)."
    )


class LandAcquisitionChangeSerializer(RowRefSerializer):
    completed_area_mu = decimal_field_like(
        LandAcquisition, "completed_area_mu", min_value=0, help_text="The new completed area in mu."
    )


class DemolitionChangeSerializer(RowRefSerializer):
    agreements_signed = serializers.IntegerField(min_value=0, max_value=INT32_MAX, required=False)
    rooms_demolished = serializers.IntegerField(min_value=0, max_value=INT32_MAX, required=False)

    def validate(self, attrs):
        if not {"agreements_signed", "rooms_demolished"} & set(attrs):
            raise serializers.ValidationError("Give agreements_signed, rooms_demolished or both.", code="required")
        return attrs


class ClearanceItemChangeSerializer(RowRefSerializer):
    completed = decimal_field_like(ClearanceItem, "completed", min_value=0)


class MilestoneChangeSerializer(RowRefSerializer):
    actual_date = serializers.DateField(allow_null=True, help_text="The date the milestone was met; null to reopen it.")
    delay_reason = serializers.CharField(required=False, allow_blank=True)


class InvestmentChangeSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        source="project_id",
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Id of the project whose month it is: the report's project (the default) or one under it.",
    )
    period = serializers.DateField(help_text="First day of the month.")
    amount = decimal_field_like(
        Investment, "amount", min_value=0, help_text="The month's investment in 万元 (its total)."
    )

    def validate_period(self, period):
        if period.day != 1:
            raise serializers.ValidationError("Must be the first day of a month.", code="invalid")
        return period


class ReportChangeSerializer(serializers.ModelSerializer):
    target_label = ChoiceLabelField("target")

    class Meta:
        model = ReportChange
        fields = ["target", "target_label", "object_id", "project", "field", "before", "after"]


REPORT_FIGURES = in_reading_order(SUBTREE_SUMS, RATIOS)
ReportedFigures = type("ReportedFigures", (serializers.Serializer,), figure_fields(REPORT_FIGURES))


class ReportFiguresSerializer(ReportedFigures, serializers.ModelSerializer):
    """A project's figures right after a report."""

    report = serializers.IntegerField(source="report_id")
    reported_on = serializers.DateField(source="report.reported_on")
    progress = PercentField()

    class Meta:
        model = ReportFigures
        fields = ["report", "reported_on", "project", "progress", *(figure.name for figure in REPORT_FIGURES)]


@extend_schema_serializer(examples=examples.PROGRESS_REPORT)
class ProgressReportSerializer(serializers.ModelSerializer):
    """A report: write the nested changes; read them back with their values before and after."""

    work_items = WorkItemChangeSerializer(many=True, required=False, write_only=True)
    land_acquisitions = LandAcquisitionChangeSerializer(many=True, required=False, write_only=True)
    demolitions = DemolitionChangeSerializer(many=True, required=False, write_only=True)
    clearance_items = ClearanceItemChangeSerializer(many=True, required=False, write_only=True)
    milestones = MilestoneChangeSerializer(many=True, required=False, write_only=True)
    investment = InvestmentChangeSerializer(required=False, write_only=True)
    project = serializers.IntegerField(
        source="project_id", min_value=1, max_value=MAX_ID, help_text="Id of the project the report is on."
    )
    changes = ReportChangeSerializer(many=True, read_only=True)
    figures = serializers.SerializerMethodField(help_text="The project's figures right after the report.")

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "office",
            "author",
            "reported_on",
            "summary",
            "work_items",
            "land_acquisitions",
            "demolitions",
            "clearance_items",
            "milestones",
            "investment",
            "changes",
            "figures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["office", "author"]

    @extend_schema_field(ReportFiguresSerializer(allow_null=True))
    def get_figures(self, report) -> dict | None:
        own = next((figures for figures in report.figures.all() if figures.project_id == report.project_id), None)
        return None if own is None else ReportFiguresSerializer(own).data
