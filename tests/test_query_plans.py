"""The list endpoints' SQL reads the large tables through indexes (PostgreSQL only).

Each case sends one request through the API, records every SELECT it ran with its parameters, and asks
PostgreSQL for the plan of each, planned as for large tables. A test database is so small that the planner
reads whole tables whatever the indexes; with `enable_seqscan = off` it uses an index wherever one fits, and
where none fits it still reads the table whole: as a Seq Scan when no index can serve the query at all, or
as a pass over all of an index whose first column no condition names. Hash and merge joins and materialized
inner sides (whole tables read once on a small database) are off too: a page of 50 rows at province scale
joins row by row through indexes. On a table that grows with the province, a whole read is an index the query
lacks, unless the rows read are the answer itself (`wasteful_reads` says which).
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection, transaction

from projects.models import Project, WorkItem

from .factories import (
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProjectFactory,
    WorkItemFactory,
)
from .resources import API

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]

OFFICES, TREES_PER_OFFICE = 4, 4  # 64 projects: more than one page of 50, so a cursor has a second page

# `{office}` and `{cursor}` come from the `province` fixture.
PATHS = [
    "milestones/?overdue=true&limit=50",
    "projects/?office={office}&limit=50",
    "projects/?limit=50",
    "projects/?cursor={cursor}&limit=50",
]
# Planner methods a small database would choose for a large one's queries (see the module docstring).
SMALL_TABLE_METHODS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin", "enable_material")
# Nodes that pass every row of the scan below them on as the statement's answer: counted, or the first of them.
ANSWERING_NODES = {"Limit", "Aggregate", "Gather"}


def growing_tables() -> set[str]:
    """The project table and every table that points at it: they grow with the province; offices and users do not."""
    return {Project._meta.db_table} | {
        relation.related_model._meta.db_table for relation in Project._meta.related_objects
    }


def project_tree(office, today) -> None:
    """A root, two children and a grandchild, each with a row of every kind and milestones done, overdue and ahead."""
    root = ProjectFactory(office=office)
    child = ProjectFactory(office=office, parent=root)
    for project in (
        root,
        child,
        ProjectFactory(office=office, parent=root),
        ProjectFactory(office=office, parent=child),
    ):
        WorkItemFactory(project=project)
        LandAcquisitionFactory(project=project)
        DemolitionFactory(project=project)
        InvestmentFactory(project=project)
        MilestoneFactory(project=project, planned_date=today - datetime.timedelta(days=90), actual_date=today)
        MilestoneFactory(project=project, planned_date=today - datetime.timedelta(days=30))
        MilestoneFactory(project=project, planned_date=today + datetime.timedelta(days=90))


@pytest.fixture
def province(frozen_today, api_client) -> dict[str, str]:
    """The data every case reads, and the values its path needs: an office, and the cursor of a second page."""
    offices = OfficeFactory.create_batch(OFFICES)
    for office in offices:
        for _tree in range(TREES_PER_OFFICE):
            project_tree(office, frozen_today)
    with connection.cursor() as cursor:
        # Statistics as a live database has them: without, the planner guesses sizes and picks plans it never would.
        cursor.execute(f"ANALYZE {', '.join(sorted(growing_tables()))}")
    first_page = api_client.get(f"{API}projects/", {"cursor": "", "limit": 50}).json()
    return {"office": offices[1].pk, "cursor": parse_qs(urlparse(first_page["next"]).query)["cursor"][0]}


@contextmanager
def recorded_selects() -> Iterator[list[tuple[str, tuple]]]:
    """Every SELECT run inside the block, as the SQL and the parameters handed to the driver."""
    statements = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def plan_for_large_tables(sql: str, params) -> dict:
    with transaction.atomic(), connection.cursor() as cursor:
        for method in SMALL_TABLE_METHODS:
            cursor.execute(f"SET LOCAL {method} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (explained,) = cursor.fetchone()
        transaction.set_rollback(True)  # back to the savepoint, and with it to the settings before
    return explained[0]["Plan"]


def nodes(plan: dict) -> Iterator[dict]:
    """Every node of a plan, subplans included (they are children in the JSON form)."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def first_index_columns(tables: set[str]) -> dict[str, str]:
    """The first column of every index on `tables`, by index name."""
    with connection.cursor() as cursor:
        return {
            name: constraint["columns"][0]
            for table in tables
            for name, constraint in connection.introspection.get_constraints(cursor, table).items()
            if constraint["index"] or constraint["unique"]
        }


def index_lookups(scan: dict) -> list[dict]:
    """The index scans through which a scan node finds its rows: itself, or a bitmap scan's index scans below it."""
    if "Index Name" in scan:
        return [scan]
    bitmaps = [child for child in scan.get("Plans", []) if child["Node Type"].startswith("Bitmap")]
    return [node for bitmap in bitmaps for node in nodes(bitmap) if "Index Name" in node]


def goes_to_its_rows(lookups: list[dict], first_columns: dict[str, str]) -> bool:
    # A condition on a later column alone (`ancestor_id` of an index on `(descendant_id, ancestor_id)`) still walks
    # the whole index: the condition must name the first column.
    return bool(lookups) and all(
        re.search(rf"\({first_columns[lookup['Index Name']]}\b", lookup.get("Index Cond", "")) for lookup in lookups
    )


def keyed_by_a_row(lookups: list[dict]) -> bool:
    # `(project_id = u1.id)`, not only constants: `(planned_date < '2018-06-11'::date)`.
    return bool(lookups) and all(
        re.search(r"\b[a-z_]\w*\.[a-z_]\w*\b", lookup.get("Index Cond", "")) for lookup in lookups
    )


def wasteful_reads(plan: dict, watched: set[str], first_columns: dict[str, str]) -> list[str]:
    """The scans of watched tables that read more than they need, for want of an index.

    A scan must go to its rows through an index, unless the rows it reads are the answer itself: it keeps every row
    (no Filter) and nothing but a Limit or an Aggregate stands above it, as for the unfiltered list's count or its page
    walked in index order. A sort or join above a whole read means all rows read to keep a page. A subplan runs once
    per row of the page: its scans must also be keyed by that row (or a row joined to it), or each run reads the
    same rows again (all overdue milestones of the province, say, for every project of the page).
    """
    found = []

    def visit(node: dict, answering: bool, per_row: bool) -> None:
        per_row = per_row or node.get("Parent Relationship") == "SubPlan"
        answering = answering and not per_row
        table = node.get("Relation Name")
        if table in watched:
            lookups = index_lookups(node)
            through = ", ".join(lookup["Index Name"] for lookup in lookups) or "no index"
            if not goes_to_its_rows(lookups, first_columns) and (not answering or "Filter" in node):
                found.append(f"{node['Node Type']} on {table} ({through}) reads the whole table")
            elif per_row and not keyed_by_a_row(lookups):
                found.append(f"{node['Node Type']} on {table} ({through}) in a subplan is not keyed by the row")
        for child in node.get("Plans", []):
            visit(child, answering and node["Node Type"] in ANSWERING_NODES, per_row)

    visit(plan, answering=True, per_row=False)
    return found


@pytest.mark.parametrize("path", PATHS)
def test_lists_read_the_large_tables_through_indexes(api_client, province, path):
    with recorded_selects() as statements:
        response = api_client.get(API + path.format(**province))
    assert response.status_code == 200, response.content
    assert response.json()["results"], "the case selects no rows: its plans prove little"
    watched = growing_tables()
    first_columns = first_index_columns(watched)
    plans = {sql: plan_for_large_tables(sql, params) for sql, params in statements}
    read = {node.get("Relation Name") for plan in plans.values() for node in nodes(plan)}
    assert read & watched, f"no large table read: {read}"
    missing = {sql: found for sql, plan in plans.items() if (found := wasteful_reads(plan, watched, first_columns))}
    assert not missing, missing


def test_a_progress_report_reads_the_large_tables_through_indexes(api_client, province):
    """The report's locked reads (its project's subtree and chain, the rows it names) and its figures: a plan that
    reads a table whole would hold every lock it took for as long."""
    grandchild = Project.objects.filter(office_id=province["office"], parent__parent__isnull=False).first()
    middle = grandchild.parent
    body = {
        "project": middle.pk,
        "reported_on": "2018-06-11",
        "work_items": [
            {"id": item.pk, "completed_quantity": "7"} for item in WorkItem.objects.filter(project=grandchild)
        ],
        "land_acquisitions": [{"id": land.pk, "completed_area_mu": "1"} for land in middle.land_acquisitions.all()],
    }
    with recorded_selects() as statements:
        response = api_client.post(f"{API}progress-reports/", body, format="json")
    assert response.status_code == 201, response.content
    watched = growing_tables()
    first_columns = first_index_columns(watched)
    plans = {sql: plan_for_large_tables(sql, params) for sql, params in statements}
    missing = {sql: found for sql, plan in plans.items() if (found := wasteful_reads(plan, watched, first_columns))}
    assert not missing, missing
