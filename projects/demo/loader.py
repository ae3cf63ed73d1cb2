"""Loads the demo data set (`projects.demo.data`) into the database, idempotently.

Every row is looked up by its natural key (office code, project code, and under a project the
work item's name, the land row's village and kind, the milestone's name, …) and created, updated,
or, when it already holds the demo's values, left alone without a save, so that a second run
changes nothing, not even `updated_at`. Loading the demo resets the demo's rows to the demo's
values; rows that the demo does not name are kept, except a demo project's investments, whose
key is a (shifted) month and which would otherwise pile up when the as-of date moves.

Seed dates are shifted by (as-of date − report date), so that the report of 2018-06-11 reads as
if it had been written on the as-of date.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import models, transaction

from accounts.choices import Role
from core.audit import log_writes
from core.generation import data_changed
from milestones.models import Milestone
from projects.choices import ProblemStatus
from projects.models import ClearanceItem, Demolition, Investment, LandAcquisition, Office, Problem, Project, WorkItem
from projects.progress import refresh_progress

from . import data

REPORT_DATE = datetime.date.fromisoformat(data.REPORT_DATE)

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class DemoLogin:
    """A demo user as the command prints it; `office` is an office code, or "" for none."""

    username: str
    password: str
    role: str
    office: str


@dataclass
class DemoLoadResult:
    """What a load did, per model name: rows created, updated, left unchanged and deleted."""

    as_of: datetime.date
    shift: datetime.timedelta
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.created, self.updated, self.deleted))

    def model_names(self) -> list[str]:
        """Model names in the order the load first touched them."""
        return list(dict.fromkeys([*self.created, *self.updated, *self.unchanged, *self.deleted]))


def demo_shift(*, as_of: datetime.date) -> datetime.timedelta:
    """How far every seed date moves so that the report date lands on `as_of`."""
    return as_of - REPORT_DATE


def demo_date(*, seed_date: str | None, as_of: datetime.date) -> datetime.date | None:
    """A seed-time date (`YYYY-MM-DD`) shifted to `as_of` time; raises OverflowError off the calendar."""
    if seed_date is None:
        return None
    return datetime.date.fromisoformat(seed_date) + demo_shift(as_of=as_of)


def demo_month(*, seed_month: str, as_of: datetime.date) -> datetime.date:
    """A seed-time month (`YYYY-MM`) moved by whole months, as the first day of the month; OverflowError as above.

    Months move by months rather than days: "May, the month before the report" stays the month
    before the as-of date's month, and two months never fall into one.
    """
    year, month = (int(part) for part in seed_month.split("-"))
    index = year * 12 + (month - 1) + (as_of.year - REPORT_DATE.year) * 12 + (as_of.month - REPORT_DATE.month)
    if not datetime.MINYEAR <= index // 12 <= datetime.MAXYEAR:
        raise OverflowError("date value out of range")
    return datetime.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def demo_load(*, as_of: datetime.date) -> DemoLoadResult:
    """Creates or updates the whole demo data set with its dates shifted to `as_of`, in one transaction."""
    loader = _Loader(as_of=as_of)
    offices = {spec.code: loader.office(spec) for spec in data.OFFICES}
    for spec in data.PROJECTS:
        loader.project(spec, parent=None, offices=offices)
    for spec in data.PROBLEMS:
        loader.problem(spec)
    for spec in data.USERS:
        loader.user(spec, offices=offices)
    # The rows were saved directly, not through the write services: keep the figures current as those do.
    log_writes(updated=refresh_progress(project_ids=loader.project_ids))
    data_changed()
    return loader.result


def _decimal(value: data.Number | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class _Loader:
    """One load: shifts dates to `as_of` and tallies what it wrote in `result`."""

    def __init__(self, *, as_of: datetime.date):
        self.as_of = as_of
        self.result = DemoLoadResult(as_of=as_of, shift=demo_shift(as_of=as_of))
        self.project_ids: set[int] = set()

    def date(self, seed_date: str | None) -> datetime.date | None:
        return demo_date(seed_date=seed_date, as_of=self.as_of)

    def upsert(self, model: type[ModelT], *, key: dict[str, Any], values: dict[str, Any]) -> ModelT:
        """The row of `model` found by `key`, created or brought to `values`; saved only if it changed."""
        row, outcome = self.write(model, key=key, values=values)
        self.tally(model, outcome)
        return row

    def write(self, model: type[ModelT], *, key: dict[str, Any], values: dict[str, Any]) -> tuple[ModelT, str]:
        """`upsert` without the tally: the row, and "created", "updated" or "unchanged".

        `values` name foreign keys by their column (`office_id`), so comparing never queries.
        """
        row = model._default_manager.filter(**key).first()
        if row is None:
            row = model(**key, **values)
            row.save()
            return row, "created"
        changed = [attname for attname, value in values.items() if getattr(row, attname) != value]
        if not changed:
            return row, "unchanged"
        for attname in changed:
            setattr(row, attname, values[attname])
        row.save(update_fields=[*changed, "updated_at"])
        return row, "updated"

    def tally(self, model: type[models.Model], outcome: str, count: int = 1) -> None:
        getattr(self.result, outcome)[model.__name__] += count

    def office(self, spec: data.OfficeSpec) -> Office:
        return self.upsert(Office, key={"code": spec.code}, values={"name": spec.name})

    def project(self, spec: data.ProjectSpec, *, parent: Project | None, offices: dict[str, Office]) -> Project:
        project = self.upsert(
            Project,
            key={"code": spec.code},
            values={
                "name": spec.name,
                "category": spec.category or parent.category,
                "status": spec.status,
                "parent_id": parent.pk if parent else None,
                "office_id": offices[spec.office].pk if spec.office else parent.office_id,
                "leader": spec.leader,
                "location": spec.location,
                "description": spec.description,
                "planned_start": self.date(spec.planned_start),
                "planned_finish": self.date(spec.planned_finish),
                "actual_start": self.date(spec.actual_start),
                "actual_finish": self.date(spec.actual_finish),
                "total_investment": _decimal(spec.total_investment),
                "progress_method": spec.progress_method,
                "manual_progress": _decimal(spec.manual_progress),
            },
        )
        self.project_ids.add(project.pk)
        self.rows(project, spec)
        for child in spec.children:
            self.project(child, parent=project, offices=offices)
        return project

    def rows(self, project: Project, spec: data.ProjectSpec) -> None:
        """The rows measured under `project`, each keyed by its natural identity within the project."""
        of_project = {"project_id": project.pk}
        for item in spec.work_items:
            self.upsert(
                WorkItem,
                key={**of_project, "name": item.name},
                values={
                    "unit": item.unit,
                    "planned_quantity": _decimal(item.planned),
                    "completed_quantity": _decimal(item.completed),
                    "weight": _decimal(item.weight),
                },
            )
        for land in spec.land:
            self.upsert(
                LandAcquisition,
                key={**of_project, "village": land.village, "kind": land.kind},
                values={"planned_area_mu": _decimal(land.planned_mu), "completed_area_mu": _decimal(land.completed_mu)},
            )
        for houses in spec.demolitions:
            self.upsert(
                Demolition,
                key={**of_project, "village": houses.village},
                values={
                    "planned_rooms": houses.planned_rooms,
                    "agreements_signed": houses.agreements_signed,
                    "rooms_demolished": houses.rooms_demolished,
                },
            )
        for item in spec.clearance:
            self.upsert(
                ClearanceItem,
                key={**of_project, "kind": item.kind, "unit": item.unit},
                values={"planned": _decimal(item.planned), "completed": _decimal(item.completed)},
            )
        for milestone in spec.milestones:
            self.upsert(
                Milestone,
                key={**of_project, "name": milestone.name},
                values={
                    "planned_date": self.date(milestone.planned),
                    "actual_date": self.date(milestone.done),
                    "weight": _decimal(milestone.weight),
                    "delay_reason": milestone.delay_reason,
                },
            )
        periods = [demo_month(seed_month=item.period, as_of=self.as_of) for item in spec.investments]
        deleted, _ = Investment.objects.filter(**of_project).exclude(period__in=periods).delete()
        if deleted:
            self.tally(Investment, "deleted", deleted)
        for period, item in zip(periods, spec.investments, strict=True):
            self.upsert(Investment, key={**of_project, "period": period}, values={"amount": _decimal(item.amount)})

    def problem(self, spec: data.ProblemSpec) -> Problem:
        project_id = Project.objects.get(code=spec.project).pk if spec.project else None
        return self.upsert(
            Problem,
            key={"project_id": project_id, "category": spec.category, "description": spec.description},
            values={
                "status": ProblemStatus.OPEN,
                "raised_on": self.date(spec.raised_on),
                "due_on": None,
                "resolved_on": None,
            },
        )

    def user(self, spec: data.UserSpec, *, offices: dict[str, Office]) -> models.Model:
        is_admin = spec.role == Role.ADMIN
        user_model = get_user_model()
        user, outcome = self.write(
            user_model,
            key={"username": spec.username},
            values={
                "role": spec.role,
                "office_id": offices[spec.office].pk if spec.office else None,
                "is_active": True,
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        # A fresh hash has a fresh salt: set the password only when it does not already match.
        if not user.check_password(spec.password):
            user.set_password(spec.password)
            user.save(update_fields=["password"])
            outcome = "created" if outcome == "created" else "updated"
        self.tally(user_model, outcome)
        self.result.logins.append(
            DemoLogin(username=spec.username, password=spec.password, role=spec.role, office=spec.office or "")
        )
        return user
