"""Report endpoints: the portfolio summary and overdue milestones by office, cached until the next write."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import filtered
from core.clock import today
from milestones.selectors import milestone_list
from projects.filtersets import MilestoneFilterSet
from projects.models import Project

from ..cache import cached_report
from ..filtersets import SummaryFilterSet
from ..overdue import overdue_by_office
from ..summary import portfolio_summary
from . import serializers

CACHE_HEADER = OpenApiParameter(
    "X-Cache",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=True,
    enum=["hit", "miss"],
    description="Whether the answer came from the report cache; absent where the cache is off.",
)


class CachedReportView(APIView):
    """Answers `report(request)`, the serialized report, from the report cache (reporting.cache) when it can."""

    def get(self, request):
        data, outcome = cached_report(request, lambda: self.report(request))
        return Response(data, headers={"X-Cache": outcome} if outcome else None)

    def report(self, request) -> dict:
        raise NotImplementedError


@extend_schema(responses=serializers.SummarySerializer, parameters=[CACHE_HEADER])
class SummaryReportView(CachedReportView):
    """Totals by status, category and office; filter with `category`, `office`, `root`."""

    filterset_class = SummaryFilterSet

    def report(self, request) -> dict:
        projects = filtered(self.filterset_class, request, Project.objects.all())
        summary = portfolio_summary(projects=projects, today=today())
        return serializers.SummarySerializer(summary).data


@extend_schema(
    responses=serializers.OverdueReportSerializer,
    parameters=[serializers.OverdueReportParametersSerializer, CACHE_HEADER],
)
class OverdueReportView(CachedReportView):
    """Overdue milestones grouped by office, worst first, each office with its few most overdue milestones;
    takes the milestone list's filters."""

    filterset_class = MilestoneFilterSet

    def report(self, request) -> dict:
        as_of = today()
        milestones = filtered(self.filterset_class, request, milestone_list(today=as_of))
        parameters = serializers.OverdueReportParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        report = overdue_by_office(
            milestones=milestones, today=as_of, milestones_per_office=parameters.validated_data["milestones_per_office"]
        )
        return serializers.OverdueReportSerializer(report).data
