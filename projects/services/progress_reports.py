"""Filing a progress report: every change it carries applies in one transaction, or none does.

Read top to bottom, `progress_report_create`:
1. locks the report's project, everything under it, its ancestors and their children, with their offices (one
   query): every project whose progress the report may move, before any row under them, as every write does;
2. locks the rows each section names (`SELECT … FOR UPDATE`, one query a section, in id order), so the
   "before" values are the true ones and two reports on the same rows apply one after the other; work items
   come with every other item of their projects, read after the projects' locks, so the refresh needs no
   second read;
3. authorizes the author on every project whose rows the report changes;
4. checks each change against its row (it must exist, sit under the project, keep the row's rules) and
   answers every fault at once, keyed by its place (`work_items[2].completed_quantity`);
5. writes the report, the changed columns of each section's rows (one UPDATE a section), the changes with
   their before and after values, and the audit entries;
6. refreshes the stored progress of the projects whose work items or milestones changed, and of their ancestors;
7. records the figures after the report for its project, every project it changed and their ancestors;
8. marks cached reports stale once the transaction commits.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_write
from core.audit import log_writes
from core.clock import today
from core.constraints import check_constraints
from core.generation import data_changed
from milestones.models import Milestone

from ..choices import ChangeTarget
from ..models import (
    ClearanceItem,
    Demolition,
    Investment,
    LandAcquisition,
    ProgressReport,
    Project,
    ReportChange,
    ReportFigures,
    WorkItem,
)
from ..progress import lock_subtree_and_chains, moves_progress, refresh_progress
from ..selectors import chain_figures


@dataclass(frozen=True)
class Section:
    """One nested change list of a report: its key, the model it changes and the fields it may set."""

    key: str
    target: ChangeTarget
    model: type[models.Model]
    fields: tuple[str, ...]


WORK_ITEMS = Section("work_items", ChangeTarget.WORK_ITEM, WorkItem, ("completed_quantity",))
SECTIONS = (
    WORK_ITEMS,
    Section("land_acquisitions", ChangeTarget.LAND_ACQUISITION, LandAcquisition, ("completed_area_mu",)),
    Section("demolitions", ChangeTarget.DEMOLITION, Demolition, ("agreements_signed", "rooms_demolished")),
    Section("clearance_items", ChangeTarget.CLEARANCE_ITEM, ClearanceItem, ("completed",)),
    Section("milestones", ChangeTarget.MILESTONE, Milestone, ("actual_date", "delay_reason")),
)


@dataclass
class RowChange:
    """The values a report gives one row, only those that differ, and the values they replace."""

    target: ChangeTarget
    row: models.Model
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    created: bool = False  # a new row (a new month's investment): inserted already, nothing before


@transaction.atomic(savepoint=False)
def progress_report_create(
    *,
    user,
    project_id: int,
    reported_on: datetime.date,
    summary: str = "",
    investment: dict | None = None,
    **sections: list[dict],
) -> ProgressReport:
    """Applies the report's changes and stores it with before/after values and the figures after.

    `sections` are the nested change lists keyed as in `SECTIONS`, each entry `{"id", <field>: <new value>}`;
    `investment` is `{"period", "amount", "project_id"?}`, the month's total for the report's project or one under
    it. Raises PermissionDenied if `user` may not change a project whose rows the report changes, and
    ValidationError keyed by the place of each fault; either way nothing is written.
    """
    # The projects first, then the rows under them: the order every write that moves progress keeps.
    locked = lock_subtree_and_chains(project_id)
    if project_id not in locked:
        raise ValidationError({"project": [ValidationError(_("No such project."), "does_not_exist")]})
    subtree = _subtree(locked, project_id)

    errors: dict = {}
    if reported_on > today():
        errors["reported_on"] = [ValidationError(_("A report cannot be dated in the future."), "future")]
    loaded = {section: _locked_rows(section, sections.get(section.key) or []) for section in SECTIONS}
    # Everyone whose rows the report names, and the month's investment's project, as far as they are under it.
    named = {row.project_id for section, rows in loaded.items() for row in _named_rows(section, rows, sections)}
    if investment is not None:
        named.add(investment.get("project_id") or project_id)
    require_write(user, [locked[pk] for pk in {project_id, *named} if pk in subtree])

    changes: list[RowChange] = []
    for section, rows in loaded.items():
        seen: set[int] = set()
        for index, entry in enumerate(sections.get(section.key) or []):
            change, entry_errors = _check_entry(section, entry, rows, subtree, reported_on, seen)
            errors.update({f"{section.key}[{index}].{name}": messages for name, messages in entry_errors.items()})
            if change is not None and change.after:
                changes.append(change)
    if investment is not None:
        change, investment_errors = _investment_change(investment, project_id, subtree)
        errors.update({f"investment.{name}": messages for name, messages in investment_errors.items()})
        if change is not None and change.after:
            changes.append(change)
    if not errors and not changes and not summary.strip():
        errors["summary"] = [ValidationError(_("A report needs a summary or at least one change."), "empty")]
    if errors:
        raise ValidationError(errors)

    with disable_auditlog():  # its entry goes with the others, in one INSERT below
        report = ProgressReport.objects.create(
            project_id=project_id,
            office_id=locked[project_id].office_id,
            author=user,
            reported_on=reported_on,
            summary=summary,
        )
    _save_rows(changes)
    report_changes = ReportChange.objects.bulk_create(
        ReportChange(
            report=report,
            target=change.target,
            object_id=change.row.pk,
            project_id=change.row.project_id,
            field=name,
            before=_as_text(change.before.get(name)),
            after=_as_text(value),
        )
        for change in changes
        for name, value in change.after.items()
    )
    moved = {change.row.project_id for change in changes if moves_progress(type(change.row), change.after)}
    log_writes(
        created=[report, *(change.row for change in changes if change.created)],
        updated=[(change.row, _pairs(change)) for change in changes if not change.created]
        + refresh_progress(project_ids=moved, locked=locked, work_items_read=loaded[WORK_ITEMS].values()),
    )
    figures = _record_figures(report, {project_id} | {change.row.project_id for change in changes})
    data_changed()
    # What the answer shows, as it was written: no need to read it back.
    report._prefetched_objects_cache = {"changes": report_changes, "figures": figures}
    return report


def _subtree(projects: dict[int, Project], root_id: int) -> set[int]:
    """The root and everything under it, following the parents among `projects` (which hold the whole subtree)."""
    children: dict[int, list[int]] = {}
    for project in projects.values():
        children.setdefault(project.parent_id, []).append(project.pk)
    subtree, pending = set(), [root_id]
    while pending:
        project_id = pending.pop()
        subtree.add(project_id)
        pending += children.get(project_id, [])
    return subtree


def _locked_rows(section: Section, entries: list[dict]) -> dict[int, models.Model]:
    """The rows a section names, locked in id order (the same order in every transaction: no deadlock).

    Work items come with every other item of their projects, which the progress refresh then needs not read again.
    """
    if not entries:
        return {}
    named = section.model.objects.filter(pk__in={entry["id"] for entry in entries})
    if section.model is WorkItem:
        named = WorkItem.objects.filter(project_id__in=named.values("project_id"))
    return {row.pk: row for row in named.select_for_update().order_by("pk")}


def _named_rows(section: Section, rows: dict[int, models.Model], sections: dict) -> list[models.Model]:
    """The rows a section's entries name (of those found: work items come with their projects' others)."""
    return [rows[entry["id"]] for entry in sections.get(section.key) or [] if entry["id"] in rows]


def _check_entry(section: Section, entry: dict, rows: dict, subtree: set[int], reported_on, seen: set[int]):
    """The change one entry makes to its row, and its faults keyed by field."""
    if entry["id"] in seen:
        return None, {"id": [ValidationError(_("This row appears twice in the report."), "duplicate")]}
    seen.add(entry["id"])
    row = rows.get(entry["id"])
    if row is None:
        return None, {"id": [ValidationError(_("No such row."), "does_not_exist")]}
    if row.project_id not in subtree:
        message = _("This row belongs to a project outside the report's project.")
        return None, {"id": [ValidationError(message, "other_project")]}
    if (entry.get("actual_date") or datetime.date.min) > reported_on:
        return None, {"actual_date": [ValidationError(_("Must not be after the report's date."), "after_report")]}
    after = {name: entry[name] for name in section.fields if name in entry and getattr(row, name) != entry[name]}
    change = RowChange(section.target, row, before={name: getattr(row, name) for name in after}, after=after)
    for name, value in after.items():
        setattr(row, name, value)
    try:
        check_constraints(row, after)
    except ValidationError as error:
        return None, error.error_dict
    return change, {}


def _investment_change(investment: dict, project_id: int, subtree: set[int]) -> tuple[RowChange | None, dict]:
    """The month's investment row of the target project (inserted if the month has none), locked."""
    target = investment.get("project_id") or project_id
    if target not in subtree:
        if not Project.objects.filter(pk=target).exists():
            return None, {"project": [ValidationError(_("No such project."), "does_not_exist")]}
        return None, {"project": [ValidationError(_("This project is outside the report's project."), "other_project")]}
    period, amount = investment["period"], investment["amount"]
    # Inserting a new month's row at once makes a concurrent report on the same month wait for this one and then
    # find the row, instead of colliding on the unique (project, period).
    with disable_auditlog():  # a new row's entry goes with the report's others, in one INSERT
        row, created = Investment.objects.select_for_update().get_or_create(
            project_id=target, period=period, defaults={"amount": amount}
        )
    if created:
        return RowChange(ChangeTarget.INVESTMENT, row, after={"amount": amount}, created=True), {}
    after = {"amount": amount} if row.amount != amount else {}
    change = RowChange(ChangeTarget.INVESTMENT, row, before={"amount": row.amount}, after=after)
    row.amount = amount
    return change, {}


def _save_rows(changes: list[RowChange]) -> None:
    """One UPDATE per kind of row and set of changed columns (usually one a section), writing those columns only
    and raising each row's version."""
    now = timezone.now()
    groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = {}
    for change in changes:
        if not change.created:
            change.row.version, change.row.updated_at = F("version") + 1, now
            groups.setdefault((type(change.row), tuple(sorted(change.after))), []).append(change.row)
    for (model, columns), rows in groups.items():
        model.objects.bulk_update(rows, [*columns, "version", "updated_at"])


def _pairs(change: RowChange) -> dict[str, tuple]:
    return {name: (change.before.get(name), value) for name, value in change.after.items()}


def _as_text(value) -> str | None:
    # Decimals and dates as their text, so that no precision is lost.
    return None if value is None else str(value)


def _record_figures(report: ProgressReport, project_ids: set[int]) -> list[ReportFigures]:
    """The figures after the report of every project it moved (these and their ancestors): a point of each
    one's history, so that a 标段 whose rows a report on its works changed shows that report too."""
    return ReportFigures.objects.bulk_create(
        ReportFigures(report=report, project_id=figures.pop("pk"), **figures)
        for figures in chain_figures(project_ids=project_ids)
    )
