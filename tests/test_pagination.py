"""Keyset pagination (`?cursor=`) beside limit/offset: a walk sees every row once, at a constant cost."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import MilestoneFactory, ProjectFactory, WorkItemFactory

API = "/api/v1"

pytestmark = pytest.mark.django_db


def walk(client, path: str, **params) -> tuple[list[int], list[int]]:
    """Every id of a cursor walk, and the number of queries each page took."""
    ids, queries = [], []
    url, query = f"{API}/{path}/", {"cursor": "", **params}
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        ids += [row["id"] for row in body["results"]]
        queries.append(len(captured))
        url, query = body["next"], None
    return ids, queries


@pytest.mark.parametrize("path", ["projects", "milestones"])
def test_a_cursor_walk_sees_every_row_once_in_id_order(api_client, path):
    rows = MilestoneFactory.create_batch(23) if path == "milestones" else ProjectFactory.create_batch(23)
    ids, queries = walk(api_client, path, limit=5)
    assert ids == sorted(row.pk for row in rows)
    assert len(queries) == 5
    assert len(set(queries[1:])) == 1  # later pages cost what the first full page costs


@pytest.mark.parametrize("path", ["progress-reports", "changes"])
def test_a_cursor_walks_the_history_too(api_client, path):
    item = WorkItemFactory(planned_quantity=100, completed_quantity=0)
    for quantity in range(1, 8):
        body = {"project": item.project_id, "reported_on": "2018-06-01", "work_items": [
            {"id": item.pk, "completed_quantity": str(quantity)}
        ]}  # fmt: skip
        assert api_client.post(f"{API}/progress-reports/", body, format="json").status_code == 201
    everything = [row["id"] for row in api_client.get(f"{API}/{path}/", {"limit": 100}).json()["results"]]
    ids, queries = walk(api_client, path, limit=3)
    assert len(everything) >= 7  # a report each; the audit trail holds more
    assert ids == sorted(everything)
    assert len(queries) == math.ceil(len(everything) / 3)
    assert len(set(queries)) == 1


def test_a_cursor_walk_keeps_the_filters(api_client):
    kept = ProjectFactory.create_batch(4, category="education")
    ProjectFactory.create_batch(3, category="water")
    ids, _queries = walk(api_client, "projects", limit=3, category="education")
    assert ids == sorted(project.pk for project in kept)


def test_rows_added_during_a_walk_are_seen_once(api_client):
    first = ProjectFactory.create_batch(3)
    body = api_client.get(f"{API}/projects/", {"cursor": "", "limit": 2}).json()
    added = ProjectFactory()
    rest, _queries = [], None
    url = body["next"]
    while url:
        page = api_client.get(url).json()
        rest += [row["id"] for row in page["results"]]
        url = page["next"]
    assert [row["id"] for row in body["results"]] + rest == [*(p.pk for p in first), added.pk]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "cursor"),  # id:99999999999999999999999, past bigint
        ({"cursor": "", "ordering": "-code"}, "ordering"),
    ],
)
def test_a_bad_cursor_walk_is_a_400_naming_the_parameter(api_client, query, parameter):
    response = api_client.get(f"{API}/projects/", query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [parameter]


def test_limit_and_offset_still_count(api_client):
    ProjectFactory.create_batch(3)
    body = api_client.get(f"{API}/projects/", {"limit": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
