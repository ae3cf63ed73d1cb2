"""Every list endpoint runs the same few SQL queries however many rows it shows: no N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .resources import RESOURCES, resource_params

pytestmark = pytest.mark.django_db

# Authentication, count, page, and a few prefetches for the figures a list shows.
MAX_QUERIES = 6


def list_queries(client, url: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"limit": 500})
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_rows
    return len(queries)


@resource_params(RESOURCES)
def test_list_queries_do_not_grow_with_the_rows(api_client, case):
    # Each row under its own parents, so that a per-row lookup of a related object would show.
    case.factory.create_batch(3)
    few = list_queries(api_client, case.list_url, case.model.objects.count())

    case.factory.create_batch(27)
    many = list_queries(api_client, case.list_url, case.model.objects.count())

    assert case.model.objects.count() >= 30
    assert many == few
    assert few <= MAX_QUERIES


@resource_params(RESOURCES)
def test_detail_queries_are_few(api_client, case):
    row = case.factory()
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(case.detail_url(row.pk)).status_code == 200
    assert len(queries) <= MAX_QUERIES
