"""Shapes of the report endpoints (read-only)."""

from rest_framework import serializers

from core.api.serializers import PercentField, SumField, figure_fields
from projects.figures import SUBTREE_SUMS
from projects.models import Office

from ..summary import SUMMARY_RATIOS


class OfficeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "code", "name"]


class GraveFiguresSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="座 (tombs) or 穴 (burial places)")
    planned = SumField()
    completed = SumField()


# The sums of `projects.figures` over the selection, and their ratios (computed by `reporting.summary`).
SummedFigures = type(
    "SummedFigures",
    (serializers.Serializer,),
    {**figure_fields(SUBTREE_SUMS), **{ratio.name: PercentField(allow_null=True) for ratio in SUMMARY_RATIOS}},
)


class FiguresSerializer(SummedFigures):
    projects = serializers.IntegerField()
    projects_by_status = serializers.DictField(child=serializers.IntegerField())
    projects_by_category = serializers.DictField(child=serializers.IntegerField())
    investment_planned = SumField(help_text="万元; a budget counts unless one above it covers it")
    graves = GraveFiguresSerializer(many=True)
    overdue_milestones = serializers.IntegerField()


class OfficeFiguresSerializer(FiguresSerializer):
    office = OfficeRefSerializer()


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    totals = FiguresSerializer()
    by_office = OfficeFiguresSerializer(many=True)


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class OverdueMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    planned_date = serializers.DateField()
    days_overdue = serializers.IntegerField()
    delay_reason = serializers.CharField()
    project = ProjectRefSerializer()


class OfficeOverdueSerializer(serializers.Serializer):
    office = OfficeRefSerializer()
    overdue_count = serializers.IntegerField(help_text="All the office's overdue milestones, listed or not")
    max_days_overdue = serializers.IntegerField(help_text="Over all the office's overdue milestones")
    total_days_overdue = serializers.IntegerField(help_text="Over all the office's overdue milestones")
    milestones = OverdueMilestoneSerializer(
        many=True,
        help_text="Only the `milestones_per_office` most overdue: longest delay, then earliest planned date, then id",
    )


class OverdueReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    overdue_count = serializers.IntegerField(help_text="All overdue milestones matching the filters")
    offices = OfficeOverdueSerializer(many=True)


class OverdueReportParametersSerializer(serializers.Serializer):
    """The report's own query parameter, next to the milestone list's filters."""

    milestones_per_office = serializers.IntegerField(
        min_value=0,
        max_value=100,
        default=5,
        help_text="How many of each office's most overdue milestones to list; 0 for the figures only",
    )
