"""The figures of a briefing, computed; the templates only word them.

A briefing has one paragraph per selected project that has no selected ancestor (a works and its
标段 make one paragraph, the 标段 appearing inside it). Each paragraph gives the project's current
standing over its whole subtree (totals, progress, children, milestones ahead) and what changed in the
period: the difference between the first "before" and the last "after" of every field that the
period's progress reports changed (projects.models.ReportChange), milestones met in the period, and
the period's investment. After the paragraphs: overdue milestones and open problems.

The cost is a fixed number of queries, whatever the number of projects (tests/test_briefing.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet

from milestones.models import Milestone
from projects.choices import (
    BEHIND_SCHEDULE_VARIANCE,
    Category,
    ChangeTarget,
    ClearanceKind,
    LandKind,
    ProblemStatus,
    Status,
)
from projects.models import (
    ClearanceItem,
    Investment,
    LandAcquisition,
    Problem,
    ProgressReport,
    Project,
    ProjectLink,
    ReportChange,
    WorkItem,
)
from projects.selectors import projects_with_figures

from ..summary import portfolio_summary
from .period import Period

ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal(0)


def one_decimal(value) -> Decimal | None:
    """A percentage as the API gives it: one decimal, half up; None stays None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return one_decimal(min(Decimal(part) * 100 / Decimal(whole), Decimal(100)))


@dataclass
class WorkItemLine:
    """A work quantity; `project` is the short name of the sub-project it belongs to ("" for the paragraph's own)."""

    name: str
    unit: str
    planned: Decimal
    completed: Decimal
    share: Decimal | None
    period_delta: Decimal
    project: str


@dataclass
class LandLine:
    """Land of one kind (征收, 征用, 租用, 流转) over the subtree, in mu."""

    kind: str
    kind_label: Any
    planned_mu: Decimal
    completed_mu: Decimal
    period_delta: Decimal


@dataclass
class ClearanceLine:
    """Clearance of one kind in one unit (graves in 座 and in 穴 are two lines)."""

    kind: str
    kind_label: Any
    unit: str
    planned: Decimal
    completed: Decimal
    period_delta: Decimal


@dataclass
class Rooms:
    planned: int
    signed: int
    demolished: int
    signed_delta: int
    demolished_delta: int


@dataclass
class MilestoneLine:
    id: int
    name: str
    project: str  # short name of the sub-project, "" for the paragraph's own project
    project_id: int
    project_code: str
    project_name: str
    office_name: str
    planned_date: datetime.date
    actual_date: datetime.date | None
    days_overdue: int
    delay_reason: str


@dataclass
class ChildLine:
    id: int
    code: str
    name: str  # short name: the parent's name taken off the front where it starts with it
    status: str
    status_label: Any
    progress: Decimal


@dataclass
class ProjectBrief:
    """One paragraph: a project and everything under it."""

    id: int
    code: str
    name: str
    category: str
    category_label: Any
    status: str
    status_label: Any
    office_name: str
    leader: str
    progress: Decimal
    planned_progress: Decimal | None
    schedule_variance: Decimal | None
    budget: Decimal | None
    investment_completed: Decimal
    investment_in_period: Decimal
    rooms: Rooms | None
    work_items: list[WorkItemLine] = field(default_factory=list)
    land: list[LandLine] = field(default_factory=list)
    graves: list[ClearanceLine] = field(default_factory=list)
    clearance: list[ClearanceLine] = field(default_factory=list)
    children: list[ChildLine] = field(default_factory=list)
    milestones_met: list[MilestoneLine] = field(default_factory=list)
    upcoming: list[MilestoneLine] = field(default_factory=list)
    overdue: list[MilestoneLine] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    reported_in_period: bool = False
    row: Project | None = field(default=None, repr=False)  # the annotated project, for its chart

    @property
    def behind(self) -> bool:
        return self.schedule_variance is not None and self.schedule_variance < BEHIND_SCHEDULE_VARIANCE

    @property
    def changed_in_period(self) -> bool:
        """Something the period's figures can say: a quantity, area, room or grave moved, a milestone, money."""
        deltas = [line.period_delta for line in (*self.work_items, *self.land, *self.graves, *self.clearance)]
        rooms = self.rooms and (self.rooms.signed_delta or self.rooms.demolished_delta)
        return bool(any(deltas) or rooms or self.milestones_met or self.investment_in_period)


@dataclass
class ProblemLine:
    id: int
    category: str
    category_label: Any
    description: str
    raised_on: datetime.date
    due_on: datetime.date | None
    project_id: int | None
    project_name: str
    office_name: str


@dataclass
class CategoryGroup:
    category: str
    label: Any
    projects: list[ProjectBrief]


@dataclass
class BriefingFigures:
    period: Period
    as_of: datetime.date
    groups: list[CategoryGroup]
    overdue: list[MilestoneLine]
    problems: list[ProblemLine]
    totals: dict

    @property
    def projects(self) -> list[ProjectBrief]:
        return [brief for group in self.groups for brief in group.projects]


def paragraph_roots(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The selected projects that have no selected ancestor: one paragraph (or chart line) each."""
    nested = ProjectLink.objects.filter(descendant__in=projects, ancestor__in=projects, depth__gt=0)
    return projects.exclude(pk__in=nested.values("descendant"))


def briefing_figures(
    *, projects: QuerySet[Project], period: Period, today: datetime.date, include_town_wide: bool = True
) -> BriefingFigures:
    """The briefing's figures for `projects` (each with everything under it) in `period`, as of `today`.

    `include_town_wide` adds the open problems that belong to no project.
    """
    roots = paragraph_roots(projects)
    subtree = ProjectLink.objects.filter(ancestor__in=roots).values("descendant")
    root_of: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    for ancestor_id, descendant_id, depth in ProjectLink.objects.filter(ancestor__in=roots).values_list(
        "ancestor_id", "descendant_id", "depth"
    ):
        root_of[descendant_id], depth_of[descendant_id] = ancestor_id, depth

    rows = {
        project.pk: project
        for project in projects_with_figures(
            Project.objects.filter(pk__in=subtree).select_related("office"), today=today
        ).order_by("code")
    }
    briefs = {pk: _brief(rows[pk]) for pk in rows if depth_of.get(pk) == 0}

    def short(project_id: int) -> str:
        """The sub-project's name within its paragraph: "" for the paragraph's own project."""
        root = rows[root_of[project_id]]
        if project_id == root.pk:
            return ""
        name = rows[project_id].name
        return name.removeprefix(root.name) or name

    for pk, project in rows.items():
        if depth_of.get(pk) == 1:
            briefs[root_of[pk]].children.append(
                ChildLine(
                    id=pk,
                    code=project.code,
                    name=short(pk),
                    status=project.status,
                    status_label=Status(project.status).label,
                    progress=one_decimal(project.progress),
                )
            )

    in_period = {"report__reported_on__gte": period.first, "report__reported_on__lte": period.last}
    deltas, changed_project = _deltas(ReportChange.objects.filter(project__in=subtree, **in_period))

    for item in WorkItem.objects.filter(project__in=subtree).order_by("project_id", "id"):
        briefs[root_of[item.project_id]].work_items.append(
            WorkItemLine(
                name=item.name,
                unit=item.unit,
                planned=item.planned_quantity,
                completed=item.completed_quantity,
                share=share(item.completed_quantity, item.planned_quantity),
                period_delta=deltas.get((ChangeTarget.WORK_ITEM, item.pk, "completed_quantity"), ZERO),
                project=short(item.project_id),
            )
        )

    land: dict[tuple[int, str], LandLine] = {}
    for row in LandAcquisition.objects.filter(project__in=subtree).order_by("project_id", "id"):
        key = (root_of[row.project_id], row.kind)
        line = land.get(key)
        if line is None:
            line = land[key] = LandLine(row.kind, LandKind(row.kind).label, ZERO, ZERO, ZERO)
            briefs[key[0]].land.append(line)
        line.planned_mu += row.planned_area_mu
        line.completed_mu += row.completed_area_mu
        line.period_delta += deltas.get((ChangeTarget.LAND_ACQUISITION, row.pk, "completed_area_mu"), ZERO)

    clearance: dict[tuple[int, str, str], ClearanceLine] = {}
    for row in ClearanceItem.objects.filter(project__in=subtree).order_by("project_id", "id"):
        key = (root_of[row.project_id], row.kind, row.unit)
        line = clearance.get(key)
        if line is None:
            line = clearance[key] = ClearanceLine(row.kind, ClearanceKind(row.kind).label, row.unit, ZERO, ZERO, ZERO)
            brief = briefs[key[0]]
            (brief.graves if row.kind == ClearanceKind.GRAVES else brief.clearance).append(line)
        line.planned += row.planned
        line.completed += row.completed
        line.period_delta += deltas.get((ChangeTarget.CLEARANCE_ITEM, row.pk, "completed"), ZERO)

    for (target, object_id, field_name), delta in deltas.items():
        rooms = briefs[root_of[changed_project[target, object_id]]].rooms
        if target == ChangeTarget.DEMOLITION and rooms is not None:
            if field_name == "agreements_signed":
                rooms.signed_delta += int(delta)
            elif field_name == "rooms_demolished":
                rooms.demolished_delta += int(delta)

    for project_id, amount in Investment.objects.filter(project__in=subtree, period=period.first).values_list(
        "project_id", "amount"
    ):
        briefs[root_of[project_id]].investment_in_period += amount

    horizon = period.following().last if period.year < datetime.MAXYEAR else period.last
    overdue: list[MilestoneLine] = []
    for milestone in Milestone.objects.filter(project__in=subtree).order_by("planned_date", "id"):
        project = rows[milestone.project_id]
        brief = briefs[root_of[milestone.project_id]]
        line = MilestoneLine(
            id=milestone.pk,
            name=milestone.name,
            project=short(milestone.project_id),
            project_id=project.pk,
            project_code=project.code,
            project_name=project.name,
            office_name=project.office.name,
            planned_date=milestone.planned_date,
            actual_date=milestone.actual_date,
            days_overdue=0,
            delay_reason=milestone.delay_reason,
        )
        if milestone.actual_date is not None:
            if period.first <= milestone.actual_date <= period.last:
                brief.milestones_met.append(line)
        elif milestone.planned_date < today:
            line.days_overdue = (today - milestone.planned_date).days
            brief.overdue.append(line)
            overdue.append(line)
        elif milestone.planned_date <= horizon:
            brief.upcoming.append(line)
    for brief in briefs.values():
        brief.milestones_met.sort(key=lambda line: (line.actual_date, line.id))
    overdue.sort(key=lambda line: (-line.days_overdue, line.project_code, line.id))

    reports = ProgressReport.objects.filter(
        project__in=subtree, reported_on__gte=period.first, reported_on__lte=period.last
    ).order_by("reported_on", "id")
    for project_id, summary in reports.values_list("project_id", "summary"):
        brief = briefs[root_of[project_id]]
        brief.reported_in_period = True
        if summary.strip():
            brief.summaries.append(summary.strip())

    wanted = Q(project__in=subtree) | Q(project__isnull=True) if include_town_wide else Q(project__in=subtree)
    problems = [
        ProblemLine(
            id=problem.pk,
            category=problem.category,
            category_label=problem.get_category_display(),
            description=problem.description,
            raised_on=problem.raised_on,
            due_on=problem.due_on,
            project_id=problem.project_id,
            project_name=problem.project.name if problem.project else "",
            office_name=problem.project.office.name if problem.project else "",
        )
        for problem in Problem.objects.filter(wanted, status=ProblemStatus.OPEN)
        .select_related("project__office")
        .order_by("raised_on", "id")
    ]

    by_category: dict[str, list[ProjectBrief]] = defaultdict(list)
    for brief in sorted(briefs.values(), key=lambda brief: brief.code):
        by_category[brief.category].append(brief)
    groups = [CategoryGroup(key, label, by_category[key]) for key, label in Category.choices if key in by_category]
    totals = portfolio_summary(projects=projects, today=today)["totals"]
    return BriefingFigures(period=period, as_of=today, groups=groups, overdue=overdue, problems=problems, totals=totals)


def _brief(project: Project) -> ProjectBrief:
    has_rooms = bool(project.rooms_planned or project.rooms_signed or project.rooms_demolished)
    return ProjectBrief(
        id=project.pk,
        code=project.code,
        name=project.name,
        category=project.category,
        category_label=Category(project.category).label,
        status=project.status,
        status_label=Status(project.status).label,
        office_name=project.office.name,
        leader=project.leader,
        progress=one_decimal(project.progress),
        planned_progress=one_decimal(project.planned_progress),
        schedule_variance=one_decimal(project.schedule_variance),
        budget=project.total_investment,
        investment_completed=project.investment_completed,
        investment_in_period=ZERO,
        rooms=Rooms(project.rooms_planned, project.rooms_signed, project.rooms_demolished, 0, 0) if has_rooms else None,
        row=project,
    )


# The fields a report changes that are counts or amounts (the others are dates and text).
NUMERIC_FIELDS = {
    "completed_quantity",
    "completed_area_mu",
    "agreements_signed",
    "rooms_demolished",
    "completed",
    "amount",
}


def _deltas(changes: QuerySet[ReportChange]) -> tuple[dict[tuple, Decimal], dict[tuple, int]]:
    """Per (target, row, field): the last "after" of the period less its first "before"; and each row's project.

    A row created by a report (an investment month) has no "before": it counts from zero.
    """
    first_before: dict[tuple, Decimal] = {}
    last_after: dict[tuple, Decimal] = {}
    projects: dict[tuple, int] = {}
    ordered = changes.filter(field__in=NUMERIC_FIELDS).order_by("report__reported_on", "report_id", "id")
    for target, object_id, project_id, field_name, before, after in ordered.values_list(
        "target", "object_id", "project_id", "field", "before", "after"
    ):
        key = (target, object_id, field_name)
        first_before.setdefault(key, Decimal(before) if before is not None else ZERO)
        last_after[key] = Decimal(after) if after is not None else ZERO
        projects[target, object_id] = project_id
    return {key: last_after[key] - first_before[key] for key in last_after}, projects
