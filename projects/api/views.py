"""API views of the project domain: each picks its selector, serializer and filterset."""

from django.shortcuts import get_object_or_404
from rest_framework import generics

from core.api.exports import ExportMixin
from core.api.views import DomainViewSet
from core.clock import today
from milestones.models import Milestone
from milestones.selectors import milestone_list

from .. import filtersets, selectors
from ..models import ClearanceItem, Demolition, Investment, LandAcquisition, Problem, Project, WorkItem
from ..services.progress_reports import progress_report_create
from ..services.writes import OFFICE_WRITES, PROJECT_WRITES, row_writes
from . import milestone_serializers, progress_report_serializers, serializers


class OfficeViewSet(DomainViewSet):
    queryset = selectors.office_list()
    serializer_class = serializers.OfficeSerializer
    filterset_class = filtersets.OfficeFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "updated_at"]
    writes = OFFICE_WRITES


class ProjectViewSet(ExportMixin, DomainViewSet):
    export_basename = "projects"  # ?format=csv|xlsx → projects-YYYY-MM-DD.csv
    serializer_class = serializers.ProjectSerializer
    filterset_class = filtersets.ProjectFilterSet
    search_fields = ["code", "name", "leader", "contractor", "location"]
    ordering_fields = [
        "code",
        "name",
        "planned_start",
        "planned_finish",
        "total_investment",
        "progress",
        "schedule_variance",
        "overdue_milestones",
        "updated_at",
    ]

    writes = PROJECT_WRITES

    def get_queryset(self):
        return selectors.every_project_with_figures(today=today())

    def projects_of(self, project):
        # The stored project is written under its own office; the service also asks about a new parent's.
        return [project]


class WorkItemViewSet(DomainViewSet):
    queryset = WorkItem.objects.all()
    serializer_class = serializers.WorkItemSerializer
    writes = row_writes(WorkItem)
    filterset_class = filtersets.WorkItemFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "planned_quantity", "completed_quantity", "updated_at"]


class LandAcquisitionViewSet(DomainViewSet):
    queryset = LandAcquisition.objects.all()
    serializer_class = serializers.LandAcquisitionSerializer
    writes = row_writes(LandAcquisition)
    filterset_class = filtersets.LandAcquisitionFilterSet
    search_fields = ["village"]
    ordering_fields = ["village", "planned_area_mu", "completed_area_mu", "updated_at"]


class DemolitionViewSet(DomainViewSet):
    queryset = Demolition.objects.all()
    serializer_class = serializers.DemolitionSerializer
    writes = row_writes(Demolition)
    filterset_class = filtersets.DemolitionFilterSet
    search_fields = ["village"]
    ordering_fields = ["village", "planned_rooms", "agreements_signed", "rooms_demolished", "updated_at"]


class ClearanceItemViewSet(DomainViewSet):
    queryset = ClearanceItem.objects.all()
    serializer_class = serializers.ClearanceItemSerializer
    writes = row_writes(ClearanceItem)
    filterset_class = filtersets.ClearanceItemFilterSet
    search_fields = ["unit"]
    ordering_fields = ["kind", "planned", "completed", "updated_at"]


class InvestmentViewSet(DomainViewSet):
    queryset = Investment.objects.all()
    serializer_class = serializers.InvestmentSerializer
    writes = row_writes(Investment)
    filterset_class = filtersets.InvestmentFilterSet
    ordering_fields = ["period", "amount", "updated_at"]


class ProblemViewSet(DomainViewSet):
    queryset = Problem.objects.all()
    serializer_class = serializers.ProblemSerializer
    writes = row_writes(Problem)
    filterset_class = filtersets.ProblemFilterSet
    search_fields = ["description"]
    ordering_fields = ["raised_on", "due_on", "status", "updated_at"]


class MilestoneViewSet(ExportMixin, DomainViewSet):
    export_basename = "milestones"  # ?format=csv|xlsx → milestones-YYYY-MM-DD.csv
    serializer_class = milestone_serializers.MilestoneSerializer
    writes = row_writes(Milestone)
    filterset_class = filtersets.MilestoneFilterSet
    search_fields = ["name", "project__name"]
    ordering_fields = ["planned_date", "actual_date", "name", "days_overdue", "updated_at"]

    def get_queryset(self):
        return milestone_list(today=today())


class ProgressReportViewSet(DomainViewSet):
    """A report applies all its changes in one transaction or none; reports are never edited."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = progress_report_serializers.ProgressReportSerializer
    filterset_class = filtersets.ProgressReportFilterSet
    search_fields = ["summary"]
    ordering_fields = ["reported_on", "created_at"]

    def get_queryset(self):
        return selectors.progress_report_list()

    def perform_create(self, serializer):
        # The answer shows the report as the service wrote it, changes and figures included: nothing to read back.
        serializer.instance = progress_report_create(user=self.request.user, **serializer.validated_data)


class ProjectHistoryView(generics.ListAPIView):
    """The project's figures after each report that moved them (on it, on a descendant, or on an ancestor
    that changed its rows), oldest first."""

    serializer_class = progress_report_serializers.ReportFiguresSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.project_history(project=get_object_or_404(Project, pk=self.kwargs["pk"]))
