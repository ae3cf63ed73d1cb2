"""Report endpoints: the portfolio summary and overdue milestones by office."""

from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.clock import today
from milestones.filtersets import MilestoneFilterSet
from milestones.selectors import milestone_list
from projects.models import Project

from ..filtersets import SummaryFilterSet
from ..overdue import overdue_by_office
from ..summary import portfolio_summary
from . import serializers


def filtered(filterset_class, request, queryset):
    """The queryset through the filterset; a bad parameter answers 400 naming it."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


@extend_schema(responses=serializers.SummarySerializer)
class SummaryReportView(APIView):
    """Totals by status, category and office; filter with `category`, `office`, `root`."""

    filterset_class = SummaryFilterSet

    def get(self, request):
        projects = filtered(self.filterset_class, request, Project.objects.all())
        summary = portfolio_summary(projects=projects, today=today())
        return Response(serializers.SummarySerializer(summary).data)


@extend_schema(responses=serializers.OverdueReportSerializer)
class OverdueReportView(APIView):
    """Overdue milestones grouped by office, worst first; takes the milestone list's filters."""

    filterset_class = MilestoneFilterSet

    def get(self, request):
        as_of = today()
        milestones = filtered(self.filterset_class, request, milestone_list(today=as_of))
        report = overdue_by_office(milestones=milestones, today=as_of)
        return Response(serializers.OverdueReportSerializer(report).data)
