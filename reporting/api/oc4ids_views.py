"""OC4IDS project packages: one project, or a page of the project list's selection."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import filtered
from core.api.pagination import LimitOffsetPagination
from core.clock import today
from projects.models import Project

from ..filtersets import ProjectPackageFilterSet
from ..oc4ids.mapping import package_queryset, project_package


def _url_for(request):
    return lambda project: request.build_absolute_uri(reverse("project-oc4ids", args=[project.pk]))


@extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
class ProjectOc4idsView(APIView):
    """The project as an OC4IDS 0.9 project package; its parent and children are `relatedProjects`."""

    def get(self, request, pk: int):
        as_of = today()
        project = get_object_or_404(package_queryset(Project.objects.filter(pk=pk), today=as_of))
        package = project_package([project], uri=request.build_absolute_uri(), today=as_of, url_for=_url_for(request))
        return Response(package)


@extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
class ProjectPackageView(APIView):
    """A page of projects as one OC4IDS project package (`limit`/`offset`, at most 500 projects a page).

    Filters: `category`, `office`, `root`, `status`. `links.next`/`links.prev` lead to the other pages,
    and `X-Total-Count` gives the size of the whole selection.
    """

    filterset_class = ProjectPackageFilterSet

    def get(self, request):
        as_of = today()
        projects = filtered(self.filterset_class, request, Project.objects.all())
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(package_queryset(projects, today=as_of), request, view=self)
        links = {
            name: link
            for name, link in (("next", paginator.get_next_link()), ("prev", paginator.get_previous_link()))
            if link
        }
        package = project_package(
            page, uri=request.build_absolute_uri(), today=as_of, url_for=_url_for(request), links=links
        )
        return Response(package, headers={"X-Total-Count": str(paginator.count)})
