"""The computed figures cost the same number of queries for 3 project trees as for 25: no N+1.

Covers the project list with every figure, the milestone list with state, the summary and the overdue
report, also with the filters that read computed figures. Today is 2018-06-11 (`frozen_today`).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Office

from .factories import (
    ClearanceItemFactory,
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProjectFactory,
    WorkItemFactory,
)

API = "/api/v1"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def day(offset: int) -> datetime.date:
    return datetime.date(2018, 6, 11) + datetime.timedelta(days=offset)


def add_trees(count: int) -> None:
    """`count` trees (works → two 标段, one with a sub-works), each under its own office, with every kind of row."""
    for _ in range(count):
        office = OfficeFactory()
        root = ProjectFactory(
            office=office, category="water", total_investment=1000, planned_start=day(-100), planned_finish=day(100)
        )
        first = ProjectFactory(office=office, parent=root, category="water", total_investment=600)
        second = ProjectFactory(office=office, parent=root, category="transport", planned_start=day(-10))
        sub = ProjectFactory(office=office, parent=first, progress_method="milestones", planned_finish=day(5))
        for project in (first, second):
            WorkItemFactory(project=project, planned_quantity=100, completed_quantity=30)
            WorkItemFactory(project=project, planned_quantity=0, completed_quantity=0)
            LandAcquisitionFactory(project=project)
            DemolitionFactory(project=project)
            ClearanceItemFactory(project=project, unit="座")
            ClearanceItemFactory(project=project, unit="穴", planned=Decimal(9), completed=Decimal(3))
            InvestmentFactory(project=project)
        for project in (root, first, sub):
            MilestoneFactory(project=project, planned_date=day(-20))  # overdue
            MilestoneFactory(project=project, planned_date=day(3))  # due soon
            MilestoneFactory(project=project, planned_date=day(-30), actual_date=day(-29))  # done
            MilestoneFactory(project=project, planned_date=day(60))  # upcoming


def first_office() -> dict:
    return {"office": Office.objects.order_by("pk").first().pk}


CASES = [
    ("projects", {}),
    ("projects", {"behind_schedule": "true"}),
    ("projects", {"behind_schedule": "false"}),
    ("projects", {"has_overdue": "true"}),
    ("projects", {"has_overdue": "false", "behind_schedule": "false"}),
    ("projects", {"ordering": "schedule_variance"}),
    ("projects", {"ordering": "-progress", "root": "true"}),
    ("projects", first_office),
    ("milestones", {}),
    ("milestones", {"overdue": "true"}),
    ("milestones", {"overdue": "false"}),
    ("milestones", {"due_within": "14"}),
    ("milestones", {"due_within": "3"}),
    ("milestones", [("state", "overdue"), ("state", "due_soon")]),
    ("milestones", {"ordering": "-days_overdue", "category": "water"}),
    ("milestones", first_office),
    ("reports/summary", {}),
    ("reports/summary", {"root": "true"}),
    ("reports/summary", {"category": "water"}),
    ("reports/summary", first_office),
    ("reports/overdue", {}),
    ("reports/overdue", {"category": "water", "state": "overdue"}),
    ("reports/overdue", first_office),
    ("reports/overdue", {"milestones_per_office": "1"}),
    ("reports/overdue", {"milestones_per_office": "0"}),
]


def queries_for(client, path: str, params) -> tuple[int, dict]:
    query = params() if callable(params) else params
    if path in ("projects", "milestones"):
        query = [*(query.items() if isinstance(query, dict) else query), ("limit", 500)]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/{path}/", query)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def size(path: str, body: dict) -> int:
    """How much the answer shows, to check the larger data set really shows more."""
    if path == "reports/summary":
        return body["totals"]["projects"] + len(body["by_office"])
    if path == "reports/overdue":
        return body["overdue_count"]
    return len(body["results"])


def case_id(path: str, params) -> str:
    return f"{path} {params.__name__ if callable(params) else params}"


def measure(client) -> tuple[dict, dict]:
    counts, sizes = {}, {}
    for path, params in CASES:
        counts[case_id(path, params)], body = queries_for(client, path, params)
        sizes[case_id(path, params)] = size(path, body)
    return counts, sizes


def test_queries_do_not_grow_with_the_data(api_client):
    # One data set for every case: building 25 trees per case would take a minute.
    add_trees(3)
    few, small = measure(api_client)
    add_trees(22)
    many, large = measure(api_client)
    assert many == few
    assert all(small.values()), small
    grown = {case for case in small if large[case] > small[case]}
    assert grown == {case_id(path, params) for path, params in CASES if params is not first_office}
    # Authentication, the office named by a filter, and for lists the count and the page;
    # the summary runs one grouped query per kind of figure.
    assert {case: n for case, n in few.items() if n > (10 if case.startswith("reports/summary") else 4)} == {}


def test_the_project_list_shows_every_figure_of_the_larger_data_set(api_client):
    add_trees(25)
    count, body = queries_for(api_client, "projects", {"root": "true"})
    assert len(body["results"]) == 25
    row = body["results"][0]
    # first 标段 = its sub-works, 1 milestone of 4 done: 25 % (600 万元); second 30 % (no budget, weighs 0)
    assert (row["progress"], row["children_count"], row["overdue_milestones"]) == (25.0, 2, 3)
    assert (row["land_planned_mu"], row["rooms_planned"], row["investment_completed"]) == ("120.00", 1200, "600.00")
    assert (row["planned_progress"], row["schedule_variance"]) == (50.0, -25.0)
