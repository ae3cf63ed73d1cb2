"""Filing a progress report: every change it carries applies in one transaction, or none does.

Rows are locked (`SELECT … FOR UPDATE`, kind by kind, in id order) before they are read, so the
"before" values are the true ones and two reports on the same project at the same moment apply one
after the other instead of overwriting each other. The stored progress of the projects whose rows
changed, and of their ancestors, is refreshed once after all rows are saved (projects.progress); the
figures after the report are then recorded for the report's project, every project whose rows it changed,
and their ancestors, as points of their history.
"""

import datetime
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils.translation import gettext as _

from core.clock import today
from milestones.models import Milestone
from projects.models import ClearanceItem, Demolition, Investment, LandAcquisition, Project, ProjectLink, WorkItem

from ..choices import ChangeTarget
from ..models import ProgressReport, ReportChange, ReportFigures
from ..progress import progress_refresh_deferred
from ..selectors import every_project_with_figures


@dataclass(frozen=True)
class Section:
    """One nested change list of a report: its key, the model it changes and the fields it may set."""

    key: str
    target: ChangeTarget
    model: type[models.Model]
    fields: tuple[str, ...]


SECTIONS = (
    Section("work_items", ChangeTarget.WORK_ITEM, WorkItem, ("completed_quantity",)),
    Section("land_acquisitions", ChangeTarget.LAND_ACQUISITION, LandAcquisition, ("completed_area_mu",)),
    Section("demolitions", ChangeTarget.DEMOLITION, Demolition, ("agreements_signed", "rooms_demolished")),
    Section("clearance_items", ChangeTarget.CLEARANCE_ITEM, ClearanceItem, ("completed",)),
    Section("milestones", ChangeTarget.MILESTONE, Milestone, ("actual_date", "delay_reason")),
)


@dataclass
class RowChange:
    """The new values a report gives one row; only the fields whose value differs."""

    target: ChangeTarget
    row: models.Model
    values: dict
    created: bool = False  # the row is new: saved already, and had no value before


@transaction.atomic
def progress_report_create(
    *,
    author,
    project: Project,
    reported_on: datetime.date,
    summary: str = "",
    investment: dict | None = None,
    authorize: Callable[[set[int]], None] | None = None,
    **sections: list[dict],
) -> ProgressReport:
    """Applies the report's changes and stores it with before/after values and the figures after.

    `sections` are the nested change lists keyed as in `SECTIONS`; `investment` is
    `{"period", "amount", "project"?}`, the month's amount. `authorize` is called with the ids of
    every project whose rows the report changes and raises if the author may not change them.
    Raises ValidationError keyed by the place of each fault (`work_items[2].completed_quantity`),
    and writes nothing.
    """
    subtree = set(ProjectLink.objects.filter(ancestor=project).values_list("descendant_id", flat=True))
    errors: dict = {}
    if reported_on > today():
        errors["reported_on"] = [ValidationError(_("A report cannot be dated in the future."), "future")]

    changes: list[RowChange] = []
    for section in SECTIONS:
        section_errors, section_changes = _load_section(section, sections.get(section.key) or [], subtree, reported_on)
        for index, entry_errors in enumerate(section_errors):
            errors.update({f"{section.key}[{index}].{field}": messages for field, messages in entry_errors.items()})
        changes += section_changes
    if investment is not None:
        investment_change, investment_errors = _load_investment(investment, project, subtree)
        errors.update({f"investment.{field}": messages for field, messages in investment_errors.items()})
        if investment_change is not None and investment_change.values:
            changes.append(investment_change)

    if not errors and not changes and not summary.strip():
        errors["summary"] = [ValidationError(_("A report needs a summary or at least one change."), "empty")]
    if errors:
        raise ValidationError(errors)
    touched = {project.pk} | {change.row.project_id for change in changes}
    if authorize is not None:
        authorize(touched)

    report = ProgressReport.objects.create(
        project=project, office_id=project.office_id, author=author, reported_on=reported_on, summary=summary
    )
    with progress_refresh_deferred():
        records = [record for change in changes for record in _apply(report, change)]
    ReportChange.objects.bulk_create(records)
    _record_figures(report, touched)
    return report


def _load_section(section: Section, entries: list[dict], subtree: set[int], reported_on: datetime.date):
    """Locks and checks the rows a section names: (errors, one dict per entry; the changes)."""
    rows = section.model.objects.select_for_update().filter(pk__in=[e["id"] for e in entries]).order_by("pk")
    rows = {row.pk: row for row in rows}
    errors: list[dict] = []
    changes: list[RowChange] = []
    seen: set[int] = set()
    for entry in entries:
        row = rows.get(entry["id"])
        values = {name: entry[name] for name in section.fields if name in entry}
        entry_errors = _entry_errors(entry["id"], row, values, subtree, seen, reported_on)
        errors.append(entry_errors)
        if not entry_errors and (changed := _changed(row, values)):
            changes.append(RowChange(section.target, row, changed))
    return errors, changes


def _entry_errors(row_id: int, row, values: dict, subtree: set[int], seen: set[int], reported_on) -> dict:
    if row_id in seen:
        return {"id": [ValidationError(_("This row appears twice in the report."), "duplicate")]}
    seen.add(row_id)
    if row is None:
        return {"id": [ValidationError(_("No such row."), "does_not_exist")]}
    if row.project_id not in subtree:
        message = _("This row belongs to a project outside the report's project.")
        return {"id": [ValidationError(message, "other_project")]}
    if values.get("actual_date") and values["actual_date"] > reported_on:
        return {"actual_date": [ValidationError(_("Must not be after the report's date."), "after_report")]}
    return _constraint_errors(row, _changed(row, values))


def _changed(row, values: dict) -> dict:
    return {name: value for name, value in values.items() if getattr(row, name) != value}


def _constraint_errors(row, changed: dict) -> dict:
    """Checks the row with its new values against the constraints that read a changed field: the others held
    before (the database enforces them) and still do. Each check is a query; all in one first, the usual case."""
    candidate = copy(row)
    for name, value in changed.items():
        setattr(candidate, name, value)
    model = type(row)
    using = router.db_for_write(model, instance=candidate)
    constraints = [constraint for constraint in model._meta.constraints if _reads_any(constraint, changed.keys())]
    if not constraints or _all_hold(constraints, model, candidate, using):
        return {}
    errors: dict = {}  # keyed as by `validate_constraints()`, each error with its code
    for constraint in constraints:
        try:
            constraint.validate(model, candidate, using=using)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    return errors


def _reads_any(constraint: models.BaseConstraint, names) -> bool:
    # Only CHECKs are looked into (the rows a report changes have no other kind); any other is always checked.
    if not isinstance(constraint, models.CheckConstraint):
        return True
    return not models.Q(constraint.condition).referenced_base_fields.isdisjoint(names)


def _all_hold(constraints: list[models.BaseConstraint], model, candidate, using: str) -> bool:
    """Whether the constraints all hold, in one query for CHECKs; False also when some are of another kind."""
    if not all(isinstance(constraint, models.CheckConstraint) for constraint in constraints):
        return False
    together = models.CheckConstraint(condition=models.Q(*(c.condition for c in constraints)), name="together")
    try:
        together.validate(model, candidate, using=using)
    except ValidationError:
        return False
    return True


def _load_investment(investment: dict, project: Project, subtree: set[int]) -> tuple[RowChange | None, dict]:
    """The month's investment row of the target project (new if the month has none), locked."""
    target = investment.get("project") or project
    if target.pk not in subtree:
        message = _("This project is outside the report's project.")
        return None, {"project": [ValidationError(message, "other_project")]}
    period, amount = investment["period"], investment["amount"]
    # Inserting a new month's row at once makes a concurrent report on the same month wait for this one
    # and then find the row, instead of colliding on the unique (project, period).
    row, created = Investment.objects.get_or_create(project=target, period=period, defaults={"amount": amount})
    if created:
        return RowChange(ChangeTarget.INVESTMENT, row, {"amount": amount}, created=True), {}
    row = Investment.objects.select_for_update().get(pk=row.pk)
    values = {"amount": amount} if row.amount != amount else {}
    return RowChange(ChangeTarget.INVESTMENT, row, values), {}


def _apply(report: ProgressReport, change: RowChange) -> list[ReportChange]:
    """Saves the row with its new values; returns the records of what changed."""
    row = change.row
    before = {name: None if change.created else getattr(row, name) for name in change.values}
    if not change.created:
        for name, value in change.values.items():
            setattr(row, name, value)
        # Only the changed columns (VersionedModel adds `version`); leaving `project` out spares the signal
        # that would read where the row was before (reporting.signals).
        row.save(update_fields=[*change.values, "updated_at"])
    return [
        ReportChange(
            report=report,
            target=change.target,
            object_id=row.pk,
            project_id=row.project_id,
            field=name,
            before=_as_text(before[name]),
            after=_as_text(value),
        )
        for name, value in change.values.items()
    ]


def _as_text(value) -> str | None:
    return None if value is None else str(value)


def _record_figures(report: ProgressReport, project_ids: set[int]) -> None:
    """The figures after the report of every project it moved (these and their ancestors): a point of each
    one's history, so that a 标段 whose rows a report on its works changed shows that report too."""
    chain = ProjectLink.objects.filter(descendant_id__in=project_ids).values("ancestor")
    figures = every_project_with_figures(today=report.reported_on).filter(pk__in=chain)
    ReportFigures.objects.bulk_create(
        ReportFigures(
            report=report,
            project=row,
            progress=row.progress,
            investment_completed=row.investment_completed,
            land_planned_mu=row.land_planned_mu,
            land_completed_mu=row.land_completed_mu,
            rooms_planned=row.rooms_planned,
            rooms_signed=row.rooms_signed,
            rooms_demolished=row.rooms_demolished,
        )
        for row in figures
    )
