"""API views of the project domain: each picks its selector, serializer and filterset."""

from django.shortcuts import get_object_or_404
from rest_framework import generics

from accounts.permissions import OFFICE_WRITERS, PROBLEM_WRITERS
from core.api.exports import ExportMixin
from core.api.views import DomainViewSet
from core.clock import today
from milestones.selectors import milestone_list

from .. import filtersets, selectors
from ..models import Project
from . import milestone_serializers, progress_report_serializers, serializers


class OfficeViewSet(DomainViewSet):
    queryset = selectors.office_list()
    serializer_class = serializers.OfficeSerializer
    filterset_class = filtersets.OfficeFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "updated_at"]
    write_roles = OFFICE_WRITERS


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

    def get_queryset(self):
        return selectors.every_project_with_figures(today=today())

    def projects_of(self, project):
        # A project is written under its own office; hanging it under a parent (new, or moved) needs the parent's.
        moved = project.parent_id is not None and project.parent_id != getattr(project, "_stored_parent_id", None)
        return [project, project.parent] if moved else [project]


class WorkItemViewSet(DomainViewSet):
    queryset = selectors.work_item_list()
    serializer_class = serializers.WorkItemSerializer
    filterset_class = filtersets.WorkItemFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "planned_quantity", "completed_quantity", "updated_at"]


class LandAcquisitionViewSet(DomainViewSet):
    queryset = selectors.land_acquisition_list()
    serializer_class = serializers.LandAcquisitionSerializer
    filterset_class = filtersets.LandAcquisitionFilterSet
    search_fields = ["village"]
    ordering_fields = ["village", "planned_area_mu", "completed_area_mu", "updated_at"]


class DemolitionViewSet(DomainViewSet):
    queryset = selectors.demolition_list()
    serializer_class = serializers.DemolitionSerializer
    filterset_class = filtersets.DemolitionFilterSet
    search_fields = ["village"]
    ordering_fields = ["village", "planned_rooms", "agreements_signed", "rooms_demolished", "updated_at"]


class ClearanceItemViewSet(DomainViewSet):
    queryset = selectors.clearance_item_list()
    serializer_class = serializers.ClearanceItemSerializer
    filterset_class = filtersets.ClearanceItemFilterSet
    search_fields = ["unit"]
    ordering_fields = ["kind", "planned", "completed", "updated_at"]


class InvestmentViewSet(DomainViewSet):
    queryset = selectors.investment_list()
    serializer_class = serializers.InvestmentSerializer
    filterset_class = filtersets.InvestmentFilterSet
    ordering_fields = ["period", "amount", "updated_at"]


class ProblemViewSet(DomainViewSet):
    queryset = selectors.problem_list()
    serializer_class = serializers.ProblemSerializer
    filterset_class = filtersets.ProblemFilterSet
    search_fields = ["description"]
    ordering_fields = ["raised_on", "due_on", "status", "updated_at"]
    write_roles = PROBLEM_WRITERS


class MilestoneViewSet(ExportMixin, DomainViewSet):
    export_basename = "milestones"  # ?format=csv|xlsx → milestones-YYYY-MM-DD.csv
    serializer_class = milestone_serializers.MilestoneSerializer
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


class ProjectHistoryView(generics.ListAPIView):
    """The project's figures after each report that moved them (on it, on a descendant, or on an ancestor
    that changed its rows), oldest first."""

    serializer_class = progress_report_serializers.ReportFiguresSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.project_history(project=get_object_or_404(Project, pk=self.kwargs["pk"]))
