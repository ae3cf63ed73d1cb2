"""Create, update and delete of the project domain's resources: offices, projects, and the rows under a project
(work items, land, demolitions, clearance items, investments, problems, milestones).

Every write runs the same steps, top to bottom, in one transaction: the caller's if it has one (the API opens one
per write request, so that the stored answer of an Idempotency-Key commits with it), else its own. A service
opens no savepoint: a failure rolls back the caller's whole transaction, which is what every caller wants.
1. lock the projects whose progress it may move (`projects.progress.lock_chains`: always before any row, the
   order every write keeps), then the stored row, and check the version the client saw (`core.concurrency`);
2. authorize: the user may write under every project the row hangs under, as stored and as written;
3. check the rules (database constraints) that the changed fields take part in;
4. save the changed columns only, so a concurrent write of other columns is never overwritten;
5. refresh stored progress if one of its inputs changed (`projects.progress`), and audit what that moved;
6. mark cached reports stale once the transaction commits (`core.generation`).
"""

from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.permissions import OFFICE_WRITERS, PROBLEM_WRITERS, PROJECT_WRITERS, require_role, require_write
from core.audit import log_writes
from core.concurrency import lock_row
from core.constraints import check_constraints
from core.generation import data_changed

from ..models import Office, Problem, Project
from ..progress import PROGRESS_INPUTS, lock_chains, moves_progress, refresh_progress


@dataclass(frozen=True)
class Writes:
    """A resource's three writes and the roles that may make them: what the API's base viewset calls."""

    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    delete: Callable[..., None]
    writers: frozenset[str] = PROJECT_WRITERS


# --- rows under a project ---------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def row_create(*, user, model: type[models.Model], values: dict[str, Any]) -> models.Model:
    """Creates a row under a project (a problem may be under none: town-wide)."""
    row = model(**values)
    if model in PROGRESS_INPUTS:
        lock_chains([row.project_id])
    require_write(user, [row.project], _writers(model))
    check_constraints(row, _field_names(model))
    row.save()
    if model in PROGRESS_INPUTS:
        log_writes(updated=refresh_progress(project_ids=[row.project_id]))
    data_changed()
    return row


@transaction.atomic(savepoint=False)
def row_update(*, user, row: models.Model, values: dict[str, Any], expected_versions: set[int] | None = None):
    """Changes the named columns of a row under a project, and no other."""
    if type(row) in PROGRESS_INPUTS:
        lock_chains([row.project_id, _id_of(values.get("project"))])
    row = lock_row(row, expected_versions=expected_versions)
    changed = _changed(row, values)
    before_project_id = row.project_id
    _apply(row, changed)
    require_write(user, _projects(before_project_id, row.project_id), _writers(type(row)))
    check_constraints(row, changed)
    _save(row, changed)
    if moves_progress(type(row), changed):
        log_writes(updated=refresh_progress(project_ids=[before_project_id, row.project_id]))
    data_changed()
    return row


@transaction.atomic(savepoint=False)
def row_delete(*, user, row: models.Model, expected_versions: set[int] | None = None) -> None:
    if type(row) in PROGRESS_INPUTS:
        lock_chains([row.project_id])
    row = lock_row(row, expected_versions=expected_versions)
    require_write(user, _projects(row.project_id), _writers(type(row)))
    row.delete()
    if type(row) in PROGRESS_INPUTS:
        log_writes(updated=refresh_progress(project_ids=[row.project_id]))
    data_changed()


def row_writes(model: type[models.Model]) -> Writes:
    """The writes of a kind of row under a project."""

    def create(*, user, values: dict[str, Any]) -> models.Model:
        return row_create(user=user, model=model, values=values)

    return Writes(create=create, update=row_update, delete=row_delete, writers=_writers(model))


def _writers(model: type[models.Model]) -> frozenset[str]:
    # Supervisors chase problems, so they may raise and close them too.
    return PROBLEM_WRITERS if model is Problem else PROJECT_WRITERS


def _projects(*project_ids: int | None) -> list[Project | None]:
    """The projects of these ids with their office, in one query; None stands for "under no project"."""
    found = Project.objects.only("pk", "office_id").in_bulk({pk for pk in project_ids if pk is not None})
    return [found.get(pk) if pk is not None else None for pk in set(project_ids)]


# --- projects -----------------------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def project_create(*, user, values: dict[str, Any]) -> Project:
    """Creates a project, under `parent` if given: its office's editor must also own the parent."""
    project = Project(**values)
    require_write(user, [project, project.parent] if project.parent_id else [project])
    check_constraints(project, _field_names(Project))
    project.save()
    log_writes(updated=refresh_progress(project_ids=[project.pk]))
    data_changed()
    return project


@transaction.atomic(savepoint=False)
def project_update(
    *, user, project: Project, values: dict[str, Any], expected_versions: set[int] | None = None
) -> Project:
    """Changes the named columns of a project. A new parent re-hangs its subtree (`Project.save`), and needs the
    new parent's office; a project of another office stays that office's to edit under any parent."""
    lock_chains([project.pk, _id_of(values.get("parent"))])
    project = lock_row(project, expected_versions=expected_versions)
    stored = copy(project)
    changed = _changed(project, values)
    _apply(project, changed)
    moved_under = [project.parent] if "parent" in changed and project.parent_id else []
    require_write(user, [stored, project, *moved_under])
    check_constraints(project, changed)
    _save(project, changed)
    if moves_progress(Project, changed):
        log_writes(updated=refresh_progress(project_ids=[project.pk, stored.parent_id]))
    data_changed()
    return project


@transaction.atomic(savepoint=False)
def project_delete(*, user, project: Project, expected_versions: set[int] | None = None) -> None:
    """Deletes a project without children (they are protected: 409) and every row under it."""
    lock_chains([project.pk])
    project = lock_row(project, expected_versions=expected_versions)
    require_write(user, [project])
    project.delete()
    log_writes(updated=refresh_progress(project_ids=[project.parent_id]))
    data_changed()


# --- offices ------------------------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def office_create(*, user, values: dict[str, Any]) -> Office:
    require_role(user, OFFICE_WRITERS)
    office = Office(**values)
    check_constraints(office, _field_names(Office))
    office.save()
    data_changed()
    return office


@transaction.atomic(savepoint=False)
def office_update(*, user, row: Office, values: dict[str, Any], expected_versions: set[int] | None = None) -> Office:
    require_role(user, OFFICE_WRITERS)
    office = lock_row(row, expected_versions=expected_versions)
    changed = _changed(office, values)
    _apply(office, changed)
    check_constraints(office, changed)
    _save(office, changed)
    data_changed()
    return office


@transaction.atomic(savepoint=False)
def office_delete(*, user, row: Office, expected_versions: set[int] | None = None) -> None:
    """Deletes an office that owns no project (its projects are protected: 409)."""
    require_role(user, OFFICE_WRITERS)
    lock_row(row, expected_versions=expected_versions).delete()
    data_changed()


def office_ensure(*, code: str, name: str | None) -> tuple[Office, bool]:
    """The office of `code`, created with `name` if it is new: for `manage.py create_office_user`, whose operator
    runs it as the server's administrator. Returns the office and whether it was created."""
    office = Office.objects.filter(code=code).first()
    if office is not None:
        return office, False
    if not name:
        raise ValidationError({"office": f"There is no office {code!r}: give its name to create it."})
    office = Office(code=code, name=name)
    try:
        office.full_clean()
    except ValidationError as error:
        raise ValidationError(
            {f"office {field}": messages for field, messages in error.message_dict.items()}
        ) from error
    office.save()
    data_changed()
    return office, True


PROJECT_WRITES = Writes(
    create=project_create,
    update=lambda *, row, **kwargs: project_update(project=row, **kwargs),
    delete=lambda *, row, **kwargs: project_delete(project=row, **kwargs),
)
OFFICE_WRITES = Writes(create=office_create, update=office_update, delete=office_delete, writers=OFFICE_WRITERS)


# --- shared steps -------------------------------------------------------------------------------------------------


def _changed(row: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The named values that differ from the stored row; a foreign key compared by id, without reading its row."""
    changed = {}
    for name, value in values.items():
        field = row._meta.get_field(name)
        if field.is_relation:
            differs = getattr(row, field.attname) != (value.pk if value is not None else None)
        else:
            differs = getattr(row, name) != value
        if differs:
            changed[name] = value
    return changed


def _apply(row: models.Model, changed: dict[str, Any]) -> None:
    for name, value in changed.items():
        setattr(row, name, value)


def _save(row: models.Model, changed: dict[str, Any]) -> None:
    """Writes the changed columns and nothing else (`VersionedModel` adds `version`); nothing when none changed."""
    if changed:
        row.save(update_fields=[*changed, "updated_at"])


def _id_of(row: models.Model | None) -> int | None:
    return None if row is None else row.pk


def _field_names(model: type[models.Model]) -> Iterable[str]:
    return [field.name for field in model._meta.concrete_fields]
