"""The report cache (reporting.cache) through the HTTP API: a repeated report is answered without its
queries, and any committed write, another parameter, language or day answers afresh.

Tests run in one process, so the local-memory cache stands in for Redis. Their writes never commit
(each test is a transaction rolled back at its end), so `django_capture_on_commit_callbacks` runs what
a commit would. Today is 2018-06-11 (`frozen_today`).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db_router import routing_scope
from core.generation import GENERATION_KEY

from .factories import LandAcquisitionFactory, MilestoneFactory, OfficeFactory, ProjectFactory
from .resources import resource_params

API = "/api/v1"
SUMMARY = f"{API}/reports/summary/"
OVERDUE = f"{API}/reports/overdue/"
REPORTS = (SUMMARY, OVERDUE)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "report_cache")]


@pytest.fixture
def report_cache(settings):
    settings.REPORT_CACHE_SECONDS = 60
    cache.clear()  # the local-memory cache outlives each test's database
    yield
    cache.clear()


@pytest.fixture
def site():
    """One water project with 40 mu of land (10 taken) and one milestone 10 days overdue."""
    project = ProjectFactory(office=OfficeFactory(code="water", name="水利指挥部"), category="water")
    return {
        "project": project,
        "land": LandAcquisitionFactory(project=project, planned_area_mu=40, completed_area_mu=10),
        "milestone": MilestoneFactory(project=project, planned_date=datetime.date(2018, 6, 1)),
    }


class Answer:
    """One report answer: where it came from, its body, and the SQL it ran."""

    def __init__(self, client, path: str, params=None, **headers):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params or {}, **headers)
        assert response.status_code == 200, response.content
        self.cache = response.headers.get("X-Cache")
        self.body = response.json()
        self.sql = [query["sql"] for query in queries]

    @property
    def read_the_data(self) -> bool:
        return any("projects_project" in sql for sql in self.sql)


def land_completed(client) -> str:
    return Answer(client, SUMMARY).body["totals"]["land_completed_mu"]


@pytest.mark.parametrize("path", REPORTS)
def test_a_repeated_report_is_answered_from_the_cache_without_its_queries(api_client, site, path):
    first, second = Answer(api_client, path), Answer(api_client, path)
    assert (first.cache, first.read_the_data) == ("miss", True)
    assert (second.cache, second.read_the_data) == ("hit", False)
    assert len(second.sql) < len(first.sql)
    assert second.body == first.body


@resource_params()
def test_every_write_through_the_api_makes_the_next_report_fresh(
    api_client, site, case, django_capture_on_commit_callbacks
):
    row = case.factory()
    for write in (
        lambda: api_client.patch(case.detail_url(row.pk), case.patch),
        lambda: api_client.delete(case.detail_url(row.pk)),
    ):
        Answer(api_client, SUMMARY)
        assert Answer(api_client, SUMMARY).cache == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            assert write().status_code in (200, 204)
        assert Answer(api_client, SUMMARY).cache == "miss"


def test_a_milestone_met_leaves_the_overdue_report(api_client, site, django_capture_on_commit_callbacks):
    assert Answer(api_client, OVERDUE).body["overdue_count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(f"{API}/milestones/{site['milestone'].pk}/", {"actual_date": "2018-06-10"})
    assert response.status_code == 200, response.content
    after = Answer(api_client, OVERDUE)
    assert (after.cache, after.body["overdue_count"], after.body["offices"]) == ("miss", 0, [])


def test_a_progress_report_shows_in_the_next_summary(api_client, site, django_capture_on_commit_callbacks):
    assert land_completed(api_client) == "10.00"
    body = {
        "project": site["project"].pk,
        "reported_on": "2018-06-11",
        "land_acquisitions": [{"id": site["land"].pk, "completed_area_mu": "25"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post(f"{API}/progress-reports/", body, format="json").status_code == 201
    assert land_completed(api_client) == "25.00"


def test_a_deleted_row_leaves_the_next_summary(api_client, site, django_capture_on_commit_callbacks):
    LandAcquisitionFactory(project=site["project"], planned_area_mu=Decimal(5), completed_area_mu=Decimal(0))
    assert Answer(api_client, SUMMARY).body["totals"]["land_planned_mu"] == "45.00"
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{API}/land-acquisitions/{site['land'].pk}/").status_code == 204
    assert Answer(api_client, SUMMARY).body["totals"]["land_planned_mu"] == "5.00"


def test_the_cache_turns_stale_when_the_write_commits_not_before(api_client, site, django_capture_on_commit_callbacks):
    assert land_completed(api_client) == "10.00"
    patch = {"completed_area_mu": "30"}
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        assert api_client.patch(f"{API}/land-acquisitions/{site['land'].pk}/", patch).status_code == 200
        # Uncommitted, the write is invisible to other connections: the cached answer is still theirs.
        assert Answer(api_client, SUMMARY).cache == "hit"
    for callback in on_commit:
        callback()
    assert land_completed(api_client) == "30.00"


def test_other_parameters_languages_and_reports_are_other_entries(api_client, site):
    assert Answer(api_client, SUMMARY).cache == "miss"
    assert Answer(api_client, OVERDUE).cache == "miss"
    assert Answer(api_client, SUMMARY, {"category": "water"}).cache == "miss"
    assert Answer(api_client, SUMMARY, {"category": "water"}).cache == "hit"
    assert Answer(api_client, OVERDUE, {"milestones_per_office": "1"}).cache == "miss"
    assert Answer(api_client, SUMMARY, HTTP_ACCEPT_LANGUAGE="en").cache == "miss"
    assert Answer(api_client, SUMMARY, HTTP_ACCEPT_LANGUAGE="en").cache == "hit"
    assert Answer(api_client, SUMMARY).cache == "hit"


def test_the_order_of_the_parameters_does_not_matter(api_client, site):
    assert Answer(api_client, OVERDUE, [("category", "water"), ("category", "town"), ("office", "")]).cache == "miss"
    assert Answer(api_client, OVERDUE, [("office", ""), ("category", "town"), ("category", "water")]).cache == "hit"


def test_a_new_day_is_a_new_entry(api_client, site, time_machine):
    shanghai = ZoneInfo("Asia/Shanghai")
    # Twenty seconds apart, well within the entry's lifetime, but on either side of midnight.
    time_machine.move_to(datetime.datetime(2018, 6, 11, 23, 59, 50, tzinfo=shanghai))
    assert Answer(api_client, OVERDUE).body["offices"][0]["max_days_overdue"] == 10
    time_machine.move_to(datetime.datetime(2018, 6, 12, 0, 0, 10, tzinfo=shanghai))
    later = Answer(api_client, OVERDUE)
    assert (later.cache, later.body["as_of"], later.body["offices"][0]["max_days_overdue"]) == (
        "miss",
        "2018-06-12",
        11,
    )


def test_a_lost_generation_starts_afresh(api_client, site):
    Answer(api_client, SUMMARY)
    cache.delete(GENERATION_KEY)  # evicted, or Redis restarted without its data
    assert Answer(api_client, SUMMARY).cache == "miss"
    assert Answer(api_client, SUMMARY).cache == "hit"


def test_a_client_reading_its_own_writes_skips_the_cached_answer(api_client, site):
    Answer(api_client, SUMMARY)
    with routing_scope(pinned=True):  # what core.db_router does for a client that just wrote
        assert Answer(api_client, SUMMARY).cache == "miss"
    assert Answer(api_client, SUMMARY).cache == "hit"


@pytest.mark.parametrize("path", REPORTS)
def test_no_cache_when_report_cache_seconds_is_0(api_client, site, settings, path):
    settings.REPORT_CACHE_SECONDS = 0
    first, second = Answer(api_client, path), Answer(api_client, path)
    assert (first.cache, second.cache) == (None, None)
    assert second.read_the_data and len(second.sql) == len(first.sql)
