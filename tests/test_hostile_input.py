"""Input at the edges of what the database can store answers 4xx in the problem shape, never 500.

What the schema fuzzer (tests/fuzz/run.sh) found or could find, pinned: integers beyond 64 bits (SQLite
raises OverflowError, PostgreSQL "out of range"), NUL characters (PostgreSQL refuses them in text),
time-zone offsets PostgreSQL refuses, dates at the ends of the calendar. Runs on both databases.
"""

import pytest

from .factories import ProjectFactory
from .resources import API, assert_problem

pytestmark = pytest.mark.django_db

HUGE = 10**30
BEYOND_64_BITS = 2**63

BAD_QUERIES = [
    f"projects/?office={HUGE}",
    f"projects/?parent={BEYOND_64_BITS}",
    "projects/?code=a%00b",
    "projects/?ordering=code%00",
    "projects/?updated_since=0001-01-01T00:00:00%2B15:00",
    "projects/?planned_finish_before=0000-01-01",
    f"milestones/?due_within={HUGE}",
    f"milestones/?project={HUGE}&format=csv",
    f"changes/?user={HUGE}",
    f"changes/?object_id={HUGE}",
    "changes/?since=9999-12-31T23:59:59-15:00",  # later than 9999 in UTC
    f"progress-reports/?author={HUGE}",
    "reports/summary/?office=%00",
    f"reports/overdue/?project={BEYOND_64_BITS}",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_filter_value_the_database_cannot_take_is_a_400(api_client, query):
    body = assert_problem(api_client.get(f"{API}{query}"), 400)
    assert body["errors"][0]["field"] in query


@pytest.mark.parametrize(
    "path", [f"projects/{HUGE}/", f"projects/-{HUGE}/", "projects/%00/", f"projects/{HUGE}/history/"]
)
def test_an_id_the_database_cannot_take_is_a_404(api_client, path):
    assert_problem(api_client.get(f"{API}{path}"), 404)


@pytest.mark.parametrize(
    "query",
    [
        f"projects/?limit={HUGE}&offset={HUGE}",  # the last page (limit capped at 500): empty
        f"projects/?limit={HUGE}&cursor=",
        "projects/?updated_since=0086-07-28T11:45:43%2B19:07",  # valid ISO 8601, beyond PostgreSQL's offsets
        "projects/?planned_finish_before=9999-12-31&planned_finish_after=0001-01-01",
    ],
)
def test_extreme_but_valid_values_are_served(api_client, query):
    assert api_client.get(f"{API}{query}").status_code == 200


def test_a_nul_character_in_search_is_a_400_naming_it(api_client):
    body = assert_problem(api_client.get(f"{API}projects/", {"search": "水头\x00防洪"}), 400)
    assert [error["field"] for error in body["errors"]] == ["search"]


BAD_BODIES = [
    ("work-items", {"project": HUGE, "name": "x", "unit": "m", "planned_quantity": "1"}, "project"),
    ("work-items", {"project": BEYOND_64_BITS, "name": "x", "unit": "m", "planned_quantity": "1"}, "project"),
    ("demolitions", {"project": 1, "village": "x", "planned_rooms": HUGE}, "planned_rooms"),
    # PostgreSQL's `integer` ends here; SQLite would store it, and its sums over a subtree would overflow.
    ("demolitions", {"project": 1, "village": "x", "planned_rooms": 2**31}, "planned_rooms"),
    ("offices", {"code": "nul", "name": "水头\x00镇"}, "name"),
    ("milestones", {"project": 1, "name": "m", "planned_date": "10000-01-01"}, "planned_date"),
    ("progress-reports", {"project": 1, "reported_on": "2018-06-11", "summary": "x\x00"}, "summary"),
    (
        "progress-reports",
        {"project": 1, "reported_on": "2018-06-11", "work_items": [{"id": HUGE, "completed_quantity": "1"}]},
        "work_items[0].id",
    ),
]


@pytest.mark.parametrize(("resource", "body", "field"), BAD_BODIES)
def test_a_body_value_the_database_cannot_take_is_a_400(api_client, resource, body, field):
    ProjectFactory(pk=1)
    body = assert_problem(api_client.post(f"{API}{resource}/", body), 400)
    assert field in {error["field"] for error in body["errors"]}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_stored_and_read(api_client, frozen_today, day):
    project = ProjectFactory()
    created = api_client.post(f"{API}milestones/", {"project": project.pk, "name": "m", "planned_date": day})
    assert created.status_code == 201, created.content
    paths = ("milestones/", "projects/", "reports/overdue/", "reports/summary/", "milestones/?format=csv")
    for path in (*paths, "milestones/?format=xlsx"):
        response = api_client.get(f"{API}{path}")
        assert response.status_code == 200, path
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end, so the test client closes it


DEEPLY_NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["auth/token/", "projects/", "progress-reports/", "problems/"])
def test_a_body_nested_too_deeply_is_a_400_parse_error(api_client, anonymous_client, path):
    client = anonymous_client if path.startswith("auth/") else api_client
    response = client.generic("POST", f"{API}{path}", DEEPLY_NESTED, content_type="application/json")
    body = assert_problem(response, 400)
    assert body["type"] == "urn:shuitou:problem:parse-error"
