"""One declaration per API resource, and the checks every resource shares.

`RESOURCES` drives the CRUD, anonymous-access, filter and query-count tests: adding a resource
to the API means adding one `ResourceCase` here, not copying tests.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import factory
import pytest
from django.apps import apps
from django.db import models

from . import factories

API = "/api/v1/"
TIMESTAMPS = ("id", "created_at", "updated_at")
PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ResourceCase:
    """What the shared tests need to know about one resource of the API."""

    path: str
    factory: type[factory.django.DjangoModelFactory]
    # Builds a valid create/PUT body in the form the API writes it back (decimals as strings).
    payload: Callable[[], dict]
    # A valid partial change of a row the factory made.
    patch: dict
    # The writable fields API.md names for the resource.
    fields: tuple[str, ...]
    # The computed, read-only fields API.md names for the resource.
    computed: tuple[str, ...] = ()
    # Builds the parents that many rows made at once may share (e.g. one project).
    shared: Callable[[], dict] = field(default=dict)

    def __str__(self):
        return self.path

    @property
    def model(self) -> type[models.Model]:
        return self.factory._meta.model

    @property
    def list_url(self) -> str:
        return f"{API}{self.path}/"

    def detail_url(self, pk) -> str:
        return f"{API}{self.path}/{pk}/"

    def bulk(self, count: int) -> list[models.Model]:
        """`count` rows in one INSERT under shared parents, fast but bypassing `save()`.

        Only for models whose `save()` adds nothing (not projects: their save keeps the tree links).
        """
        rows = self.factory.build_batch(count, **self.shared())
        return self.model.objects.bulk_create(rows)


def _project_id() -> int:
    return factories.ProjectFactory().pk


def _one_project() -> dict:
    return {"project": factories.ProjectFactory()}


def _project_payload() -> dict:
    office = factories.OfficeFactory()
    parent = factories.ProjectFactory(office=office)
    return {
        "code": "SL-2018-07",
        "name": "水头大道二期",
        "category": "transport",
        "status": "in_progress",
        "parent": parent.pk,
        "office": office.pk,
        "leader": "陈副镇长",
        "contractor": "温州交通建设集团",
        "location": "水头镇区",
        "description": "双向四车道，全长2.1公里",
        "planned_start": "2018-03-01",
        "planned_finish": "2019-12-31",
        "actual_start": "2018-03-15",
        "actual_finish": None,
        "total_investment": "12000.00",
        "progress_method": "manual",
        "manual_progress": 35.5,
    }


RESOURCES = [
    ResourceCase(
        path="offices",
        factory=factories.OfficeFactory,
        payload=lambda: {"code": "jiaotong", "name": "交通指挥部"},
        patch={"name": "交通建设指挥部"},
        fields=("code", "name"),
        computed=("project_count",),
    ),
    ResourceCase(
        path="projects",
        factory=factories.ProjectFactory,
        payload=_project_payload,
        patch={"status": "completed", "actual_finish": "2019-11-30", "total_investment": "8800.50"},
        fields=(
            "code",
            "name",
            "category",
            "status",
            "parent",
            "office",
            "leader",
            "contractor",
            "location",
            "description",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "total_investment",
            "progress_method",
            "manual_progress",
        ),
        computed=(
            "progress",
            "planned_progress",
            "schedule_variance",
            "investment_completed",
            "investment_progress",
            "land_progress",
            "demolition_progress",
            "overdue_milestones",
            "children_count",
        ),
        shared=lambda: {"office": factories.OfficeFactory()},
    ),
    ResourceCase(
        path="work-items",
        factory=factories.WorkItemFactory,
        payload=lambda: {
            "project": _project_id(),
            "name": "路基",
            "unit": "m",
            "planned_quantity": "1200.00",
            "completed_quantity": "300.50",
            "weight": "2.50",
        },
        patch={"completed_quantity": "80.00", "weight": "3.00"},
        fields=("project", "name", "unit", "planned_quantity", "completed_quantity", "weight"),
        computed=("progress",),
        shared=_one_project,
    ),
    ResourceCase(
        path="land-acquisitions",
        factory=factories.LandAcquisitionFactory,
        payload=lambda: {
            "project": _project_id(),
            "village": "中元村",
            "kind": "requisition",
            "planned_area_mu": "60.50",
            "completed_area_mu": "12.25",
        },
        patch={"completed_area_mu": "59.00", "kind": "lease"},
        fields=("project", "village", "kind", "planned_area_mu", "completed_area_mu"),
        computed=("progress",),
        shared=_one_project,
    ),
    ResourceCase(
        path="demolitions",
        factory=factories.DemolitionFactory,
        payload=lambda: {
            "project": _project_id(),
            "village": "水头村",
            "planned_rooms": 120,
            "agreements_signed": 80,
            "rooms_demolished": 40,
        },
        patch={"rooms_demolished": 400},
        fields=("project", "village", "planned_rooms", "agreements_signed", "rooms_demolished"),
        computed=("agreement_progress", "demolition_progress"),
        shared=_one_project,
    ),
    ResourceCase(
        path="clearance-items",
        factory=factories.ClearanceItemFactory,
        payload=lambda: {
            "project": _project_id(),
            "kind": "fish_ponds",
            "unit": "亩",
            "planned": "30.00",
            "completed": "10.00",
        },
        patch={"completed": "50.00"},
        fields=("project", "kind", "unit", "planned", "completed"),
        computed=("progress",),
        shared=_one_project,
    ),
    ResourceCase(
        path="investments",
        factory=factories.InvestmentFactory,
        payload=lambda: {"project": _project_id(), "period": "2018-07-01", "amount": "350.00"},
        patch={"amount": "420.50"},
        fields=("project", "period", "amount"),
        shared=_one_project,
    ),
    ResourceCase(
        path="problems",
        factory=factories.ProblemFactory,
        payload=lambda: {
            "project": _project_id(),
            "category": "land_quota",
            "description": "用地指标不足",
            "status": "resolved",
            "raised_on": "2018-05-02",
            "due_on": "2018-06-30",
            "resolved_on": "2018-06-20",
        },
        patch={"status": "resolved", "resolved_on": "2018-07-01"},
        fields=("project", "category", "description", "status", "raised_on", "due_on", "resolved_on"),
        shared=_one_project,
    ),
    ResourceCase(
        path="milestones",
        factory=factories.MilestoneFactory,
        payload=lambda: {
            "project": _project_id(),
            "name": "竣工验收",
            "planned_date": "2019-12-31",
            "actual_date": "2019-12-20",
            "weight": "3.00",
            "delay_reason": "",
        },
        patch={"actual_date": "2018-10-08", "delay_reason": "雨季停工"},
        fields=("project", "name", "planned_date", "actual_date", "weight", "delay_reason"),
        computed=("state", "days_overdue"),
        shared=_one_project,
    ),
]

# Resources whose rows hang under a project (filterable by `?project=`).
PROJECT_ROWS = [case for case in RESOURCES if "project" in case.fields]


def by_path(path: str) -> ResourceCase:
    return next(case for case in RESOURCES if case.path == path)


def case_of(row: models.Model) -> ResourceCase:
    return next(case for case in RESOURCES if isinstance(row, case.model))


def resource_params(cases=RESOURCES):
    """`pytest.mark.parametrize` arguments with readable ids (`[work-items]`)."""
    return pytest.mark.parametrize("case", cases, ids=str)


def stored(row: models.Model, name: str):
    """A row's field value in the form the API writes it (ids for relations, ISO dates)."""
    value = row._meta.get_field(name).value_from_object(row)
    return value.isoformat() if isinstance(value, datetime.date) else value


def assert_row_matches(row: models.Model, expected: dict) -> None:
    """Every field of `expected` (API form) is what the database holds for `row`."""
    row.refresh_from_db()
    for name, value in expected.items():
        actual = stored(row, name)
        if isinstance(actual, Decimal) and value is not None:
            assert actual == Decimal(str(value)), name
        else:
            assert actual == value, name


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem-details body with `status`; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert body["type"].startswith("urn:shuitou:problem:")
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def error_fields(response) -> set:
    """The `field` of every entry of a 400 answer's `errors` list."""
    body = assert_problem(response, 400)
    assert body["errors"], body
    for error in body["errors"]:
        assert {"field", "code", "message"} <= set(error)
        assert error["message"]
    return {error["field"] for error in body["errors"]}


def domain_snapshot() -> dict:
    """Every row of every domain model, `updated_at` included: equal snapshots mean nothing was written."""
    snapshot = {}
    for label in ("projects", "milestones"):
        for model in apps.get_app_config(label).get_models():
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot
