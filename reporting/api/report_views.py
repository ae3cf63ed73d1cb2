"""Progress reports (append-only: create, list, read) and a project's history for charts."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from rest_framework import generics

from core.api.views import DomainViewSet
from projects.models import Project

from .. import filtersets
from ..models import ProgressReport, ReportFigures
from . import report_serializers


class ProgressReportViewSet(DomainViewSet):
    """A report applies all its changes in one transaction or none; reports are never edited."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = report_serializers.ProgressReportSerializer
    filterset_class = filtersets.ProgressReportFilterSet
    search_fields = ["summary"]
    ordering_fields = ["reported_on", "created_at"]

    def get_queryset(self):
        return ProgressReport.objects.prefetch_related(
            "changes", Prefetch("figures", queryset=ReportFigures.objects.select_related("report"))
        )


class ProjectHistoryView(generics.ListAPIView):
    """The project's figures after each report that moved them (on it, on a descendant, or on an ancestor
    that changed its rows), oldest first."""

    serializer_class = report_serializers.ReportFiguresSerializer
    filter_backends = []

    def get_queryset(self):
        project = get_object_or_404(Project, pk=self.kwargs["pk"])
        return (
            ReportFigures.objects.filter(project=project)
            .select_related("report")
            .order_by("report__reported_on", "report_id")
        )
