"""Reads of the project domain: querysets with what their serializers need, computed in the database.

Every figure of a project list row is one correlated subquery over the project's subtree (the
closure table makes "the project and everything under it" one indexed join), so a page of 50
projects costs one query however deep the trees are.
"""

import datetime
import functools

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.expressions import DaysBetween
from milestones.models import Milestone
from milestones.selectors import overdue_filter

from .figures import SUBTREE_SUMS, SUM_NAMES
from .models import (
    Office,
    ProgressReport,
    Project,
    ProjectLink,
    ReportFigures,
)


def office_list() -> QuerySet[Office]:
    """Offices with `project_count`, counted in a subquery so that later joins cannot inflate it."""
    counts = Project.objects.filter(office=OuterRef("pk")).order_by().values("office").annotate(n=Count("pk"))
    return Office.objects.annotate(project_count=Coalesce(Subquery(counts.values("n")), 0))


SUBTREE_ROOT = "project__ancestor_links__ancestor"


def _subtree_rows(model):
    """Rows of `model` whose project is the outer project or one of its descendants."""
    return model.objects.filter(**{SUBTREE_ROOT: OuterRef("pk")})


def _grouped(rows, group_by: str, **aggregate):
    # Grouping by the column that is tied to the outer row makes one group: the row's total.
    return Subquery(rows.order_by().values(group_by).annotate(**aggregate).values(*aggregate))


def _subtree_sum(model, field: str, output_field) -> Coalesce:
    total = _grouped(_subtree_rows(model), SUBTREE_ROOT, total=Sum(field))
    return Coalesce(total, Value(0), output_field=output_field)


def _subtree_count(rows) -> Coalesce:
    return Coalesce(_grouped(rows, SUBTREE_ROOT, n=Count("*")), Value(0), output_field=IntegerField())


def planned_progress(today: datetime.date) -> ExpressionWrapper:
    """Share of the planned schedule that has passed by `today`: 0 before the start, 100 after the finish."""
    today_value = Value(today)
    return Case(
        When(Q(planned_start__isnull=True) | Q(planned_finish__isnull=True), then=Value(None)),
        When(planned_start__gte=today, then=Value(0.0)),
        When(planned_finish__lte=today, then=Value(100.0)),
        default=DaysBetween(today_value, F("planned_start"))
        * 100.0
        / DaysBetween(F("planned_finish"), F("planned_start")),
        output_field=FloatField(),
    )


def projects_with_figures(queryset: QuerySet[Project], *, today: datetime.date) -> QuerySet[Project]:
    """Projects with every computed figure of the API, each over the project and its descendants: the sums of
    `projects.figures`, the direct children, the overdue milestones, the planned progress and the variance."""
    children = _grouped(Project.objects.filter(parent=OuterRef("pk")), "parent", n=Count("*"))
    overdue = _subtree_rows(Milestone).filter(overdue_filter(today))
    sums = {figure.name: _subtree_sum(figure.model, figure.column, figure.kind.sum_field()) for figure in SUBTREE_SUMS}
    return queryset.annotate(
        children_count=Coalesce(children, Value(0), output_field=IntegerField()),
        **sums,
        overdue_milestones=_subtree_count(overdue),
        planned_progress=planned_progress(today),
    ).annotate(
        schedule_variance=ExpressionWrapper(F("progress") - F("planned_progress"), output_field=FloatField()),
    )


def chain_figures(*, project_ids: set[int]) -> QuerySet[Project]:
    """The progress and the sums of `projects.figures` of these projects and all their ancestors: what a report
    keeps as a point of each one's history. Lighter than the list's query, which also dates and counts."""
    chain = ProjectLink.objects.filter(descendant_id__in=project_ids).values("ancestor")
    return _projects_with_sums().filter(pk__in=chain).order_by().values("pk", "progress", *SUM_NAMES)


@functools.lru_cache(maxsize=1)
def _projects_with_sums() -> QuerySet[Project]:
    # Built once per process and cloned for each report: resolving six subqueries costs more than running them.
    return Project.objects.annotate(**_subtree_sums())


def _subtree_sums() -> dict:
    return {figure.name: _subtree_sum(figure.model, figure.column, figure.kind.sum_field()) for figure in SUBTREE_SUMS}


@functools.lru_cache(maxsize=2)
def _every_project_with_figures(today: datetime.date) -> QuerySet[Project]:
    return projects_with_figures(Project.objects.all(), today=today)


def every_project_with_figures(*, today: datetime.date) -> QuerySet[Project]:
    """`projects_with_figures` over all projects, built once a day and cloned for each request:
    building its nine subqueries costs more than PostgreSQL takes to run them for a page of 50."""
    return _every_project_with_figures(today).all()


def progress_report_list() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.prefetch_related(
        "changes", Prefetch("figures", queryset=ReportFigures.objects.select_related("report"))
    )


def project_history(*, project: Project) -> QuerySet[ReportFigures]:
    """The project's figures after each report that moved them, oldest first."""
    return (
        ReportFigures.objects.filter(project=project)
        .select_related("report")
        .order_by("report__reported_on", "report_id")
    )
