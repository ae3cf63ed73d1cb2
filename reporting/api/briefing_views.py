"""The briefing (Markdown, Word, JSON) and the progress charts (SVG, PNG).

These views pick their format from `?format=` themselves: DRF's negotiation would answer 404 for a
format it has no renderer for, where the contract asks for a 400 naming the parameter. Errors still
leave as JSON problem details.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import filtered
from core.clock import today
from projects.models import Project

from ..briefing.docx import render_docx
from ..briefing.figures import briefing_figures, paragraph_roots
from ..briefing.period import Period
from ..briefing.wording import render_markdown, word_briefing
from ..charts import portfolio_chart, progress_history, project_chart, render_png, render_svg
from ..filtersets import SummaryFilterSet

MARKDOWN = "text/markdown; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


class FormatParameterNegotiation(BaseContentNegotiation):
    """Leaves `?format=` to the view; everything this negotiation renders is JSON (data or problems)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentView(APIView):
    """Base of views that answer one of `formats`, chosen with `?format=`."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatParameterNegotiation
    formats: tuple[str, ...] = ()
    filterset_class = SummaryFilterSet

    def chosen_format(self, request) -> str:
        chosen = request.query_params.get("format", self.formats[0])
        if chosen not in self.formats:
            message = f"Unknown format {chosen!r}; choose one of: {', '.join(self.formats)}."
            raise ValidationError({"format": [ErrorDetail(message, code="invalid_choice")]})
        return chosen

    def selected_projects(self, request):
        """Projects through the filters (`category`, `office`, `root`); a bad value answers 400 naming it."""
        return filtered(self.filterset_class, request, Project.objects.all())


def _format_parameter(formats: tuple[str, ...]) -> OpenApiParameter:
    return OpenApiParameter("format", OpenApiTypes.STR, enum=list(formats), description=f"Default: {formats[0]}.")


BRIEFING_FORMATS = ("md", "docx", "json")
CHART_FORMATS = ("svg", "png")


@extend_schema(
    parameters=[
        _format_parameter(BRIEFING_FORMATS),
        OpenApiParameter("period", OpenApiTypes.STR, description="YYYY-MM; default: the current month."),
    ],
    responses={
        (200, "text/markdown"): OpenApiTypes.STR,
        (200, DOCX): OpenApiTypes.BINARY,
        (200, "application/json"): OpenApiTypes.OBJECT,
    },
)
class BriefingView(DocumentView):
    """The period's progress briefing, in Chinese (or English with `Accept-Language: en`).

    One paragraph per project (with its bid sections and phases), grouped by category, built from the
    project's figures and what the period's progress reports changed; then overdue milestones and the
    open problems with the support they ask for. Filters: `category`, `office`, `root`.
    """

    formats = BRIEFING_FORMATS

    def get(self, request):
        chosen = self.chosen_format(request)
        period = self._period(request)
        projects = self.selected_projects(request)
        # Town-wide problems belong to no office or category: they come only with the whole town's briefing.
        town_wide = not (request.query_params.get("office") or request.query_params.getlist("category"))
        as_of = today()
        figures = briefing_figures(projects=projects, period=period, today=as_of, include_town_wide=town_wide)
        language = translation.get_language() or "zh-hans"
        document = word_briefing(figures, language=language)
        if chosen == "json":
            response = Response(document)
        elif chosen == "md":
            response = HttpResponse(render_markdown(document), content_type=MARKDOWN)
        else:
            rows = [brief.row for brief in figures.projects]
            history = progress_history([row.pk for row in rows])
            charts = {
                row.pk: render_png(project_chart(row, history[row.pk], today=as_of))
                for row in rows
                if row.pk in history
            }
            portfolio = render_png(portfolio_chart(rows, history, today=as_of)) if rows else None
            response = HttpResponse(
                render_docx(document, portfolio_chart=portfolio, project_charts=charts), content_type=DOCX
            )
            response["Content-Disposition"] = f'attachment; filename="briefing-{period}.docx"'
        response["Content-Language"] = language
        return response

    @staticmethod
    def _period(request) -> Period:
        text = request.query_params.get("period")
        if text is None:
            return Period.containing(today())
        try:
            return Period.parse(text)
        except ValueError:
            message = f"Enter a month as YYYY-MM (e.g. 2018-06); got {text!r}."
            raise ValidationError({"period": [ErrorDetail(message, code="invalid")]}) from None


def _chart_response(chart, chosen: str) -> HttpResponse:
    body = render_svg(chart) if chosen == "svg" else render_png(chart)
    return HttpResponse(body, content_type=CHART_TYPES[chosen])


@extend_schema(
    parameters=[_format_parameter(CHART_FORMATS)],
    responses={(200, "image/svg+xml"): OpenApiTypes.STR, (200, "image/png"): OpenApiTypes.BINARY},
)
class ProjectChartView(DocumentView):
    """The project's progress and planned progress at each report and today, as SVG (default) or PNG."""

    formats = CHART_FORMATS
    filterset_class = None

    def get(self, request, pk: int):
        chosen = self.chosen_format(request)
        as_of = today()
        project = get_object_or_404(Project, pk=pk)
        history = progress_history([project.pk])
        return _chart_response(project_chart(project, history.get(project.pk, []), today=as_of), chosen)


@extend_schema(
    parameters=[_format_parameter(CHART_FORMATS)],
    responses={(200, "image/svg+xml"): OpenApiTypes.STR, (200, "image/png"): OpenApiTypes.BINARY},
)
class PortfolioChartView(DocumentView):
    """The weighted progress of the selected projects over time (filters `category`, `office`, `root`)."""

    formats = CHART_FORMATS

    def get(self, request):
        chosen = self.chosen_format(request)
        as_of = today()
        roots = list(paragraph_roots(self.selected_projects(request)))
        history = progress_history([project.pk for project in roots])
        return _chart_response(portfolio_chart(roots, history, today=as_of), chosen)
