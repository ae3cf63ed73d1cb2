"""Shapes of progress reports: the nested changes a client posts and the report it reads back."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.api.filters import MAX_ID
from core.api.serializers import ChoiceLabelField, PercentField, RatioField

from ..models import ProgressReport, ReportChange, ReportFigures
from . import examples

QUANTITY = {"max_digits": settings.QUANTITY_MAX_DIGITS, "decimal_places": settings.QUANTITY_DECIMAL_PLACES}
AREA = {"max_digits": settings.AREA_MAX_DIGITS, "decimal_places": settings.AREA_DECIMAL_PLACES}
MONEY = {"max_digits": settings.MONEY_MAX_DIGITS, "decimal_places": settings.MONEY_DECIMAL_PLACES}


class RowRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,  # beyond a 64-bit column the lookup would overflow (a 500 on SQLite)
        help_text="Id of the row to change; it must belong to the report's project or one of its descendants.",
    )


class WorkItemChangeSerializer(RowRefSerializer):
    completed_quantity = serializers.DecimalField(
        **QUANTITY, min_value=0, help_text="The new completed quantity (not an increment)."
    )


class LandAcquisitionChangeSerializer(RowRefSerializer):
    completed_area_mu = serializers.DecimalField(**AREA, min_value=0, help_text="The new completed area in mu.")


class DemolitionChangeSerializer(RowRefSerializer):
    agreements_signed = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    rooms_demolished = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)

    def validate(self, attrs):
        if not {"agreements_signed", "rooms_demolished"} & set(attrs):
            raise serializers.ValidationError("Give agreements_signed, rooms_demolished or both.", code="required")
        return attrs


class ClearanceItemChangeSerializer(RowRefSerializer):
    completed = serializers.DecimalField(**QUANTITY, min_value=0)


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
    amount = serializers.DecimalField(**MONEY, min_value=0, help_text="The month's investment in 万元 (its total).")

    def validate_period(self, period):
        if period.day != 1:
            raise serializers.ValidationError("Must be the first day of a month.", code="invalid")
        return period


class ReportChangeSerializer(serializers.ModelSerializer):
    target_label = ChoiceLabelField("target")

    class Meta:
        model = ReportChange
        fields = ["target", "target_label", "object_id", "project", "field", "before", "after"]


class ReportFiguresSerializer(serializers.ModelSerializer):
    """A project's figures right after a report."""

    report = serializers.IntegerField(source="report_id")
    reported_on = serializers.DateField(source="report.reported_on")
    progress = PercentField()
    land_progress = RatioField("land_completed_mu", "land_planned_mu")
    agreement_progress = RatioField("rooms_signed", "rooms_planned")
    demolition_progress = RatioField("rooms_demolished", "rooms_planned")

    class Meta:
        model = ReportFigures
        fields = [
            "report",
            "reported_on",
            "project",
            "progress",
            "investment_completed",
            "land_planned_mu",
            "land_completed_mu",
            "land_progress",
            "rooms_planned",
            "rooms_signed",
            "rooms_demolished",
            "agreement_progress",
            "demolition_progress",
        ]


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
