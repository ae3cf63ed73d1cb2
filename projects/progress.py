"""Stored project progress: which writes move it, and its refresh in the transaction of every such write.

A project's progress comes from its work items, its milestones or a figure entered by hand; a
parent's comes from its children, weighted by their total investment, at any depth. That
recursion is too dear to run on every read of a list, so every write service that changes one of its
inputs (`PROGRESS_INPUTS`) locks the projects it will touch first (`lock_chains`), and calls
`refresh_progress` with them, once, at its end: the projects and all their ancestors are recomputed,
deepest first, while their rows are locked.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from milestones.models import Milestone

from .choices import ProgressMethod
from .models import Project, ProjectLink, WorkItem

# The fields whose change moves stored progress, by model; creating or deleting such a row always does.
PROGRESS_INPUTS: dict[type[models.Model], frozenset[str]] = {
    Project: frozenset({"parent", "progress_method", "manual_progress", "total_investment"}),
    WorkItem: frozenset({"project", "planned_quantity", "completed_quantity", "weight"}),
    Milestone: frozenset({"project", "actual_date", "weight"}),
}
STORED_PLACES = Decimal(1).scaleb(-settings.PROGRESS_DECIMAL_PLACES)


def moves_progress(model: type[models.Model], fields: Iterable[str]) -> bool:
    """Whether changing `fields` of a `model` row moves stored progress."""
    return not PROGRESS_INPUTS.get(model, frozenset()).isdisjoint(fields)


def lock_chains(project_ids: Iterable[int | None]) -> dict[int, Project]:
    """These projects, their ancestors and the children of all of them: what a refresh of these projects reads and
    may write, locked (`SELECT … FOR UPDATE`) in id order.

    Every write that moves progress takes these locks first, before any row under a project: the same order in
    every transaction, so concurrent writes queue instead of deadlocking, and the one that waited computes from
    the rows the other committed.
    """
    wanted = {project_id for project_id in project_ids if project_id is not None}
    if not wanted:
        return {}
    chain = ProjectLink.objects.filter(descendant_id__in=wanted).values("ancestor_id")
    # One indexed semi-join of the closure table: each member of the chain, and its children (depth 1).
    return _locked(ProjectLink.objects.filter(ancestor_id__in=chain, depth__lte=1).values("descendant_id"))


def lock_subtree_and_chains(project_id: int) -> dict[int, Project]:
    """The project, everything under it, its ancestors and their children, locked as `lock_chains` does: all a
    progress report on the project may refresh, and the offices its authorization reads."""
    chain = ProjectLink.objects.filter(descendant_id=project_id).values("ancestor_id")
    # The chain's links found through the ancestor index first, then filtered: an OR at the top would read the
    # whole closure table (38 ms at province scale, all of it holding locks).
    links = ProjectLink.objects.filter(ancestor_id__in=chain).filter(Q(depth__lte=1) | Q(ancestor_id=project_id))
    return _locked(links.values("descendant_id"))


def _locked(project_ids: QuerySet) -> dict[int, Project]:
    rows = Project.objects.select_for_update().filter(pk__in=project_ids).order_by("pk").only(*_READ)
    return {project.pk: project for project in rows}


@transaction.atomic(savepoint=False)  # the caller's transaction; its own when called outside one (an admin action)
def refresh_progress(
    *,
    project_ids: Iterable[int | None],
    locked: dict[int, Project] | None = None,
    work_items_read: Iterable[WorkItem] = (),
) -> list[tuple[Project, dict[str, tuple]]]:
    """Recomputes the stored progress of these projects and of all their ancestors, in the caller's transaction;
    returns the projects whose progress moved with `{"progress": (before, after)}`, for the caller's audit entries
    (`core.audit.log_writes`, written with its own in one INSERT).

    At most four queries whatever the number of projects: the chain and the children of its members, locked
    (`lock_chains`, or the rows the caller `locked` already, which must hold them); the work items or the
    milestones of the projects computed from their own rows; one UPDATE of those that moved. `work_items_read` are
    every work item of the projects they belong to, as the caller read them after taking the projects' locks (a
    progress report does): those projects' items are not read again.
    """
    wanted = {project_id for project_id in project_ids if project_id is not None}
    if not wanted:
        return []
    projects = locked if locked is not None else lock_chains(wanted)
    children: dict[int, list[Project]] = {}
    for project in projects.values():
        children.setdefault(project.parent_id, []).append(project)
    in_chain = [projects[pk] for pk in _chain_ids(wanted, projects)]
    leaves = [project for project in in_chain if project.pk not in children]
    own = _own_progress(leaves, work_items_read)

    moved = []
    for project in sorted(in_chain, key=lambda project: -_depth(project, projects)):
        if project.pk in children:
            value = _weighted_by_investment(children[project.pk])
        else:
            value = own[project.pk]
        value = value.quantize(STORED_PLACES)
        if value != project.progress:
            moved.append((project, project.progress, value))
            project.progress = value
    if not moved:
        return []
    now = timezone.now()
    for project, _before, _after in moved:
        # Not save(): the version (the row's ETag) is raised here, and the caller writes the audit entries.
        project.version, project.updated_at = F("version") + 1, now
    Project.objects.bulk_update([project for project, _before, _after in moved], ["progress", "version", "updated_at"])
    return [(project, {"progress": (before, after)}) for project, before, after in moved]


_READ = (
    "id",
    "code",
    "name",
    "parent_id",
    "office_id",
    "progress",
    "progress_method",
    "manual_progress",
    "total_investment",
)


def _chain_ids(wanted: set[int], projects: dict[int, Project]) -> set[int]:
    """The wanted projects and their ancestors, following the parents among the rows read."""
    chain: set[int] = set()
    for project_id in wanted:
        while project_id is not None and project_id in projects and project_id not in chain:
            chain.add(project_id)
            project_id = projects[project_id].parent_id
    return chain


def _depth(project: Project, projects: dict[int, Project]) -> int:
    depth = 0
    while project.parent_id in projects:
        project, depth = projects[project.parent_id], depth + 1
    return depth


def _own_progress(projects: list[Project], work_items_read: Iterable[WorkItem]) -> dict[int, Decimal]:
    """The progress of projects without children: from their work items, their milestones, or entered by hand."""
    by_method: dict[str, list[int]] = {}
    for project in projects:
        by_method.setdefault(project.progress_method, []).append(project.pk)
    progress = {project.pk: project.manual_progress or Decimal(0) for project in projects}
    if ids := by_method.get(ProgressMethod.QUANTITIES):
        progress.update(_quantity_progress(ids, work_items_read))
    if ids := by_method.get(ProgressMethod.MILESTONES):
        progress.update(_milestone_progress(ids))
    return progress


def _weighted_by_investment(children: list[Project]) -> Decimal:
    """Children's progress averaged by total investment; equal weights when no child has one."""
    weights = [child.total_investment or Decimal(0) for child in children]
    if not any(weights):
        weights = [Decimal(1)] * len(children)
    return sum(child.progress * weight for child, weight in zip(children, weights, strict=True)) / sum(weights)


def _quantity_progress(project_ids: list[int], work_items_read: Iterable[WorkItem]) -> dict[int, Decimal]:
    """Weight-averaged `min(completed / planned, 1)` of the work items that have something planned; 0 without any."""
    done = dict.fromkeys(project_ids, Decimal(0))
    weight = dict.fromkeys(project_ids, Decimal(0))
    read = [(i.project_id, i.planned_quantity, i.completed_quantity, i.weight) for i in work_items_read]
    unread = set(project_ids) - {project_id for project_id, *_ in read}
    items = [row for row in read if row[0] in done]
    if unread:
        items += WorkItem.objects.filter(project_id__in=unread).values_list(
            "project_id", "planned_quantity", "completed_quantity", "weight"
        )
    for project_id, planned, completed, item_weight in items:
        if planned <= 0:
            continue
        done[project_id] += min(completed / planned, Decimal(1)) * item_weight
        weight[project_id] += item_weight
    return {pk: done[pk] * 100 / weight[pk] if weight[pk] else Decimal(0) for pk in project_ids}


def _milestone_progress(project_ids: list[int]) -> dict[int, Decimal]:
    """The share of milestone weight that is done; 0 without milestones."""
    done = dict.fromkeys(project_ids, Decimal(0))
    weight = dict.fromkeys(project_ids, Decimal(0))
    for project_id, milestone_weight, actual_date in Milestone.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "weight", "actual_date"
    ):
        weight[project_id] += milestone_weight
        if actual_date is not None:
            done[project_id] += milestone_weight
    return {pk: done[pk] * 100 / weight[pk] if weight[pk] else Decimal(0) for pk in project_ids}
