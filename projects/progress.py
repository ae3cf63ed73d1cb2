"""Stored project progress, kept current in the transaction of every write that moves it.

A project's progress comes from its work items, its milestones or a figure entered by hand; a
parent's comes from its children, weighted by their total investment, at any depth. That
recursion is too dear to run on every read of a list, so each write refreshes the projects it
touched and their ancestors, deepest first, while holding their rows locked (docs/DESIGN.md).
A write of many rows (a progress report) defers the refreshes and runs them as one at its end.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from core.audit import log_update
from milestones.models import Milestone
from projects.choices import ProgressMethod
from projects.models import Project, ProjectLink, WorkItem

STORED_PLACES = Decimal("0.0001")

# The project ids whose refresh waits for the end of a `progress_refresh_deferred()` block; None outside one.
_deferred_ids: ContextVar[set[int] | None] = ContextVar("deferred_progress_refresh", default=None)


@contextmanager
def progress_refresh_deferred() -> Iterator[None]:
    """Collects the refreshes asked for inside the block and runs them as one when it ends without error.

    One refresh of the union locks the whole chain once, in id order, where one refresh per saved row
    would lock and recompute the same ancestors again for every row. Use it inside the transaction of
    the writes, so the figures are current when it commits. Nested blocks leave the work to the outermost.
    """
    if _deferred_ids.get() is not None:
        yield
        return
    wanted: set[int] = set()
    token = _deferred_ids.set(wanted)
    try:
        yield
    finally:
        _deferred_ids.reset(token)
    refresh_progress(project_ids=wanted)


def refresh_progress(*, project_ids: Iterable[int | None]) -> None:
    """Recomputes the stored progress of these projects and of all their ancestors (at the end of the
    `progress_refresh_deferred()` block, if inside one)."""
    wanted = {project_id for project_id in project_ids if project_id is not None}
    deferred = _deferred_ids.get()
    if deferred is not None:
        deferred |= wanted
    elif wanted:
        _refresh_chains(wanted)


@transaction.atomic
def _refresh_chains(wanted: set[int]) -> None:
    chain = set(ProjectLink.objects.filter(descendant_id__in=wanted).values_list("ancestor_id", flat=True))
    # Lock in id order, the same order in every transaction, so concurrent refreshes queue instead of
    # deadlocking; a refresh that waited then reads its siblings' committed figures.
    projects = {
        project.pk: project for project in Project.objects.select_for_update().filter(pk__in=chain).order_by("pk")
    }
    levels = dict(
        ProjectLink.objects.filter(descendant_id__in=projects).values_list("descendant_id").annotate(n=Count("*"))
    )
    for project in sorted(projects.values(), key=lambda project: -levels[project.pk]):
        value = _progress_of(project).quantize(STORED_PLACES)
        if value != project.progress:
            # Not a save(): raise the version (the row's ETag) and write the audit entry here.
            Project.objects.filter(pk=project.pk).update(
                progress=value, version=F("version") + 1, updated_at=timezone.now()
            )
            log_update(project, {"progress": (project.progress, value)})
            project.progress = value


def _progress_of(project: Project) -> Decimal:
    children = list(Project.objects.filter(parent=project).values_list("progress", "total_investment"))
    if children:
        return _weighted_by_investment(children)
    if project.progress_method == ProgressMethod.MANUAL:
        return project.manual_progress or Decimal(0)
    if project.progress_method == ProgressMethod.MILESTONES:
        return _milestone_progress(project)
    return _quantity_progress(project)


def _weighted_by_investment(children: list[tuple[Decimal, Decimal | None]]) -> Decimal:
    """Children's progress averaged by total investment; equal weights when no child has one."""
    weights = [investment or Decimal(0) for _progress, investment in children]
    if not any(weights):
        weights = [Decimal(1)] * len(children)
    return sum(progress * weight for (progress, _), weight in zip(children, weights, strict=True)) / sum(weights)


def _quantity_progress(project: Project) -> Decimal:
    """Weight-averaged progress of the work items that have something planned."""
    items = [item for item in WorkItem.objects.filter(project=project) if item.planned_quantity > 0]
    total_weight = sum(item.weight for item in items)
    if not total_weight:
        return Decimal(0)
    done = sum(min(item.completed_quantity / item.planned_quantity, Decimal(1)) * item.weight for item in items)
    return done * 100 / total_weight


def _milestone_progress(project: Project) -> Decimal:
    """The share of milestone weight that is done."""
    milestones = list(Milestone.objects.filter(project=project).values_list("weight", "actual_date"))
    total_weight = sum(weight for weight, _date in milestones)
    if not total_weight:
        return Decimal(0)
    return sum(weight for weight, actual_date in milestones if actual_date is not None) * 100 / total_weight
