"""Progress reports through the HTTP API: one call applies every nested change or none, records the
value each change replaced, and keeps the project's figures after it as a point of its history.

Every figure is checked against a value computed by hand in the comment beside it. The clock is
frozen at 10:00 on 2018-06-11 in Shanghai; the PostgreSQL-only tests post two reports at once.
"""

import datetime
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Investment, ProgressReport, Project
from projects.services import progress_reports

from .concurrently import together
from .conftest import client_for
from .factories import (
    ClearanceItemFactory,
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProjectFactory,
    UserFactory,
    WorkItemFactory,
)
from .resources import assert_problem, domain_snapshot, error_fields

API = "/api/v1"
REPORTS = f"{API}/progress-reports/"
UNKNOWN_ID = 999_999
PAST = datetime.date(2018, 5, 1)
FUTURE = datetime.date(2018, 10, 1)

pytestmark = pytest.mark.usefixtures("frozen_today")


# --- helpers --------------------------------------------------------------------------------------


def get(client, url: str, params=None) -> dict:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def post_report(client, body: dict) -> dict:
    response = client.post(REPORTS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def summary_report(client, project, reported_on: str, summary: str = "本周按计划推进") -> dict:
    return post_report(client, {"project": project.pk, "reported_on": reported_on, "summary": summary})


def row(client, path: str, obj) -> dict:
    return get(client, f"{API}/{path}/{obj.pk}/")


def project_json(client, project) -> dict:
    return row(client, "projects", project)


def history(client, project) -> list[dict]:
    return get(client, f"{API}/projects/{project.pk}/history/", {"limit": 500})["results"]


def points(client, project) -> list[tuple]:
    """The project's history as (report, reported_on, progress)."""
    return [(point["report"], point["reported_on"], point["progress"]) for point in history(client, project)]


def report_ids(client, params: dict) -> list[int]:
    return [report["id"] for report in get(client, REPORTS, {"limit": 500, **params})["results"]]


def change_tuples(report: dict) -> list[tuple]:
    return [
        (change["target"], change["object_id"], change["project"], change["field"], change["before"], change["after"])
        for change in report["changes"]
    ]


def field_codes(response) -> set[tuple]:
    error_fields(response)  # checks the problem shape
    return {(error["field"], error["code"]) for error in response.json()["errors"]}


def snapshot() -> dict:
    """Every row of the domain and of the reports, `updated_at` included: equal means nothing was written."""
    state = domain_snapshot()
    for model in apps.get_app_config("reporting").get_models():
        state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def rejected(client, body) -> set[tuple]:
    """POSTs a report that must be refused; returns its `(field, code)` pairs after checking nothing was written."""
    before = snapshot()
    errors = field_codes(client.post(REPORTS, body, format="json"))
    assert snapshot() == before
    return errors


# --- data -----------------------------------------------------------------------------------------


@pytest.fixture
def site():
    """A leaf project (1000 万元) with a row of every kind.

    Before any report: work items 40/100 (weight 1) and 50/200 (weight 3), so progress is
    (40 × 1 + 25 × 3) / 4 = 28.75; land 30 of 60 mu; rooms 300 signed and 100 demolished of 600;
    graves 50 of 104; one milestone overdue since 2018-05-01; 300 万元 invested in January.
    """
    office = OfficeFactory(code="flood", name="防洪指挥部")
    project = ProjectFactory(code="F1", office=office, total_investment=Decimal(1000))
    return {
        "office": office,
        "project": project,
        "work1": WorkItemFactory(project=project, planned_quantity=100, completed_quantity=40, weight=1),
        "work2": WorkItemFactory(project=project, planned_quantity=200, completed_quantity=50, weight=3),
        "land": LandAcquisitionFactory(project=project, planned_area_mu=60, completed_area_mu=30),
        "demolition": DemolitionFactory(
            project=project, planned_rooms=600, agreements_signed=300, rooms_demolished=100
        ),
        "clearance": ClearanceItemFactory(project=project, planned=104, completed=50),
        "milestone": MilestoneFactory(project=project, planned_date=PAST),
        "investment": InvestmentFactory(project=project, period=datetime.date(2018, 1, 1), amount=300),
    }


def full_body(site) -> dict:
    """A report on `site` that changes something in every section."""
    return {
        "project": site["project"].pk,
        "reported_on": "2018-06-10",
        "summary": "路基完成七成，征地基本完成",
        "work_items": [
            {"id": site["work1"].pk, "completed_quantity": "70"},
            {"id": site["work2"].pk, "completed_quantity": "150"},
        ],
        "land_acquisitions": [{"id": site["land"].pk, "completed_area_mu": "45"}],
        "demolitions": [{"id": site["demolition"].pk, "agreements_signed": 450, "rooms_demolished": 240}],
        "clearance_items": [{"id": site["clearance"].pk, "completed": "104"}],
        "milestones": [{"id": site["milestone"].pk, "actual_date": "2018-06-01", "delay_reason": "征地延误"}],
        "investment": {"period": "2018-06-01", "amount": "120"},
    }


@pytest.fixture
def works():
    """works W → 标段 S1 (3000 万元) and S2 (1000), each with one work item of 100.

    S1 is 20 % done, S2 60 %: W = (20 × 3000 + 60 × 1000) / 4000 = 30. S2 has 10 of 40 mu of land.
    """
    office = OfficeFactory(code="works")
    root = ProjectFactory(code="W", office=office, total_investment=Decimal(9000))
    s1 = ProjectFactory(code="W-S1", parent=root, office=office, total_investment=Decimal(3000))
    s2 = ProjectFactory(code="W-S2", parent=root, office=office, total_investment=Decimal(1000))
    return {
        "office": office,
        "root": root,
        "s1": s1,
        "s2": s2,
        "s1_item": WorkItemFactory(project=s1, planned_quantity=100, completed_quantity=20),
        "s2_item": WorkItemFactory(project=s2, planned_quantity=100, completed_quantity=60),
        "s2_land": LandAcquisitionFactory(project=s2, planned_area_mu=40, completed_area_mu=10),
    }


# --- a report that changes everything ------------------------------------------------------------


@pytest.mark.django_db
class TestFullReport:
    def test_every_section_is_applied_and_read_back_through_its_own_endpoint(self, api_client, site):
        post_report(api_client, full_body(site))
        work1, work2 = row(api_client, "work-items", site["work1"]), row(api_client, "work-items", site["work2"])
        assert (work1["completed_quantity"], work1["progress"]) == ("70.00", 70.0)
        assert (work2["completed_quantity"], work2["progress"]) == ("150.00", 75.0)
        land = row(api_client, "land-acquisitions", site["land"])
        assert (land["completed_area_mu"], land["progress"]) == ("45.00", 75.0)
        demolition = row(api_client, "demolitions", site["demolition"])
        assert (demolition["agreements_signed"], demolition["rooms_demolished"]) == (450, 240)
        assert (demolition["agreement_progress"], demolition["demolition_progress"]) == (75.0, 40.0)
        clearance = row(api_client, "clearance-items", site["clearance"])
        assert (clearance["completed"], clearance["progress"]) == ("104.00", 100.0)
        milestone = row(api_client, "milestones", site["milestone"])
        assert (milestone["actual_date"], milestone["delay_reason"], milestone["state"]) == (
            "2018-06-01",
            "征地延误",
            "done",
        )
        investments = get(api_client, f"{API}/investments/", {"project": site["project"].pk})["results"]
        assert [(i["period"], i["amount"]) for i in investments] == [("2018-01-01", "300.00"), ("2018-06-01", "120.00")]

    def test_before_and_after_are_recorded_per_field(self, api_client, site):
        report = post_report(api_client, full_body(site))
        project = site["project"].pk
        new_investment = get(api_client, f"{API}/investments/", {"project": project})["results"][1]["id"]
        assert change_tuples(report) == [
            ("work_item", site["work1"].pk, project, "completed_quantity", "40.00", "70.00"),
            ("work_item", site["work2"].pk, project, "completed_quantity", "50.00", "150.00"),
            ("land_acquisition", site["land"].pk, project, "completed_area_mu", "30.00", "45.00"),
            ("demolition", site["demolition"].pk, project, "agreements_signed", "300", "450"),
            ("demolition", site["demolition"].pk, project, "rooms_demolished", "100", "240"),
            ("clearance_item", site["clearance"].pk, project, "completed", "50.00", "104.00"),
            ("milestone", site["milestone"].pk, project, "actual_date", None, "2018-06-01"),
            ("milestone", site["milestone"].pk, project, "delay_reason", "", "征地延误"),
            ("investment", new_investment, project, "amount", None, "120.00"),
        ]

    def test_the_figures_after_the_report(self, api_client, site):
        report = post_report(api_client, full_body(site))
        assert report["figures"] == {
            "report": report["id"],
            "reported_on": "2018-06-10",
            "project": site["project"].pk,
            # (70 × 1 + 75 × 3) / 4 = 73.75
            "progress": 73.8,
            # 300 in January + 120 in June
            "investment_completed": "420.00",
            "land_planned_mu": "60.00",
            "land_completed_mu": "45.00",
            "land_progress": 75.0,  # 45 / 60
            "rooms_planned": 600,
            "rooms_signed": 450,
            "rooms_demolished": 240,
            "agreement_progress": 75.0,  # 450 / 600
            "demolition_progress": 40.0,  # 240 / 600
        }
        project = project_json(api_client, site["project"])
        assert (project["progress"], project["investment_completed"], project["investment_progress"]) == (
            73.8,
            "420.00",
            42.0,  # 420 / 1000
        )
        assert (project["land_progress"], project["agreement_progress"], project["demolition_progress"]) == (
            75.0,
            75.0,
            40.0,
        )

    def test_office_and_author_are_set_by_the_server(self, api_client, admin_user, site):
        body = full_body(site) | {"office": OfficeFactory().pk, "author": UserFactory().pk}
        report = post_report(api_client, body)
        assert (report["office"], report["author"]) == (site["office"].pk, admin_user.pk)
        assert (report["project"], report["reported_on"], report["summary"]) == (
            site["project"].pk,
            "2018-06-10",
            "路基完成七成，征地基本完成",
        )

    def test_the_report_reads_back_as_it_was_answered(self, api_client, site):
        report = post_report(api_client, full_body(site))
        assert get(api_client, f"{REPORTS}{report['id']}/") == report
        # The nested change lists are write-only: a report is read as its changes.
        assert not {"work_items", "land_acquisitions", "milestones", "investment"} & set(report)

    def test_a_report_with_only_a_summary_is_accepted(self, api_client, site):
        before = snapshot()
        report = summary_report(api_client, site["project"], "2018-06-11")
        assert report["changes"] == []
        assert report["figures"]["progress"] == 28.8  # 28.75, unchanged
        assert points(api_client, site["project"]) == [(report["id"], "2018-06-11", 28.8)]
        after = snapshot()
        for label in ("projects.WorkItem", "projects.Investment", "milestones.Milestone", "projects.Project"):
            assert after[label] == before[label]

    def test_a_value_equal_to_the_stored_one_records_no_change(self, api_client, site):
        unchanged_at = row(api_client, "work-items", site["work1"])["updated_at"]
        body = {
            "project": site["project"].pk,
            "reported_on": "2018-06-10",
            "work_items": [
                {"id": site["work1"].pk, "completed_quantity": "40.00"},
                {"id": site["work2"].pk, "completed_quantity": "100"},
            ],
            "demolitions": [{"id": site["demolition"].pk, "agreements_signed": 300, "rooms_demolished": 120}],
            "investment": {"period": "2018-01-01", "amount": "300"},
        }
        report = post_report(api_client, body)
        assert change_tuples(report) == [
            ("work_item", site["work2"].pk, site["project"].pk, "completed_quantity", "50.00", "100.00"),
            ("demolition", site["demolition"].pk, site["project"].pk, "rooms_demolished", "100", "120"),
        ]
        assert row(api_client, "work-items", site["work1"])["updated_at"] == unchanged_at
        # (40 × 1 + 50 × 3) / 4 = 47.5
        assert report["figures"]["progress"] == 47.5

    def test_a_report_whose_values_are_all_unchanged_and_without_summary_is_empty(self, api_client, site):
        body = {
            "project": site["project"].pk,
            "reported_on": "2018-06-10",
            "work_items": [{"id": site["work1"].pk, "completed_quantity": "40"}],
        }
        assert rejected(api_client, body) == {("summary", "empty")}


# --- rows of descendants --------------------------------------------------------------------------


@pytest.mark.django_db
class TestDescendants:
    def test_a_report_on_the_works_changes_rows_of_its_标段(self, api_client, works):
        body = {
            "project": works["root"].pk,
            "reported_on": "2018-06-10",
            "work_items": [{"id": works["s1_item"].pk, "completed_quantity": "80"}],
            "land_acquisitions": [{"id": works["s2_land"].pk, "completed_area_mu": "30"}],
        }
        report = post_report(api_client, body)
        assert change_tuples(report) == [
            ("work_item", works["s1_item"].pk, works["s1"].pk, "completed_quantity", "20.00", "80.00"),
            ("land_acquisition", works["s2_land"].pk, works["s2"].pk, "completed_area_mu", "10.00", "30.00"),
        ]
        # W = (80 × 3000 + 60 × 1000) / 4000 = 75; land 30 / 40 = 75
        assert report["figures"]["project"] == works["root"].pk
        assert (report["figures"]["progress"], report["figures"]["land_progress"]) == (75.0, 75.0)
        assert project_json(api_client, works["root"])["progress"] == 75.0
        assert project_json(api_client, works["s1"])["progress"] == 80.0
        assert project_json(api_client, works["s2"])["land_progress"] == 75.0

    def test_the_works_and_each_changed_标段_gain_a_point_of_history(self, api_client, works):
        body = {
            "project": works["root"].pk,
            "reported_on": "2018-06-10",
            "work_items": [{"id": works["s1_item"].pk, "completed_quantity": "80"}],
        }
        report = post_report(api_client, body)["id"]
        assert points(api_client, works["root"]) == [(report, "2018-06-10", 75.0)]
        assert points(api_client, works["s1"]) == [(report, "2018-06-10", 80.0)]
        # The report moved nothing of S2's.
        assert points(api_client, works["s2"]) == []

    def test_a_report_on_a_标段_is_a_point_of_the_works_history(self, api_client, works):
        body = {
            "project": works["s2"].pk,
            "reported_on": "2018-06-10",
            "work_items": [{"id": works["s2_item"].pk, "completed_quantity": "100"}],
        }
        report = post_report(api_client, body)
        assert report["figures"]["progress"] == 100.0
        # W = (20 × 3000 + 100 × 1000) / 4000 = 40
        assert points(api_client, works["root"]) == [(report["id"], "2018-06-10", 40.0)]
        assert points(api_client, works["s2"]) == [(report["id"], "2018-06-10", 100.0)]
        assert points(api_client, works["s1"]) == []

    def test_an_investment_for_a_标段_counts_for_the_works(self, api_client, works):
        body = {
            "project": works["root"].pk,
            "reported_on": "2018-06-10",
            "investment": {"project": works["s1"].pk, "period": "2018-05-01", "amount": "250.5"},
        }
        report = post_report(api_client, body)
        assert [(c["target"], c["project"], c["before"], c["after"]) for c in report["changes"]] == [
            ("investment", works["s1"].pk, None, "250.50")
        ]
        assert report["figures"]["investment_completed"] == "250.50"
        assert project_json(api_client, works["s1"])["investment_completed"] == "250.50"
        assert project_json(api_client, works["s2"])["investment_completed"] == "0.00"


# --- atomicity and bad input ----------------------------------------------------------------------


def _set(section: str, index: int, **values):
    def change(body, site, other):
        body[section][index].update(values)

    return change


def _foreign_investment(body, site, other):
    body["investment"]["project"] = other.pk


@pytest.mark.django_db
class TestAtomicity:
    @pytest.mark.parametrize(
        ("spoil", "expected"),
        [
            pytest.param(
                _set("work_items", 1, completed_quantity="-1"),
                ("work_items[1].completed_quantity", "min_value"),
                id="second-work-item-negative",
            ),
            pytest.param(
                _set("land_acquisitions", 0, completed_area_mu="60.01"),
                ("land_acquisitions[0].completed_area_mu", "above_limit"),
                id="land-above-planned-after-good-work-items",
            ),
            pytest.param(
                _set("milestones", 0, actual_date="2018-06-11"),
                ("milestones[0].actual_date", "after_report"),
                id="last-section-milestone-after-the-report",
            ),
            pytest.param(
                _foreign_investment, ("investment.project", "other_project"), id="investment-of-another-project"
            ),
        ],
    )
    def test_one_bad_row_among_good_ones_applies_nothing(self, api_client, site, spoil, expected):
        body = full_body(site)
        spoil(body, site, ProjectFactory())
        assert rejected(api_client, body) == {expected}
        # And through the API: every row still holds its value from before.
        assert row(api_client, "work-items", site["work1"])["completed_quantity"] == "40.00"
        assert row(api_client, "demolitions", site["demolition"])["agreements_signed"] == 300
        assert row(api_client, "milestones", site["milestone"])["actual_date"] is None
        assert get(api_client, REPORTS)["count"] == 0
        assert history(api_client, site["project"]) == []

    def test_the_same_body_made_good_then_applies_everything(self, api_client, site):
        body = full_body(site)
        body["clearance_items"][0]["completed"] = "105"
        assert rejected(api_client, body) == {("clearance_items[0].completed", "above_limit")}
        body["clearance_items"][0]["completed"] = "104"
        assert len(post_report(api_client, body)["changes"]) == 9


def bad(id: str, field: str | None, code: str, build):
    return pytest.param(build, (field, code), id=id)


def on(site, **body) -> dict:
    return {"project": site["project"].pk, "reported_on": "2018-06-10"} | body


BAD_INPUT = [
    bad(
        "negative-quantity",
        "work_items[0].completed_quantity",
        "min_value",
        lambda s, o: on(s, work_items=[{"id": s["work1"].pk, "completed_quantity": "-5"}]),
    ),
    bad(
        "land-above-planned",
        "land_acquisitions[0].completed_area_mu",
        "above_limit",
        lambda s, o: on(s, land_acquisitions=[{"id": s["land"].pk, "completed_area_mu": "60.01"}]),
    ),
    bad(
        "agreements-above-planned-rooms",
        "demolitions[0].agreements_signed",
        "above_limit",
        lambda s, o: on(s, demolitions=[{"id": s["demolition"].pk, "agreements_signed": 601}]),
    ),
    bad(
        "demolished-above-planned-rooms",
        "demolitions[0].rooms_demolished",
        "above_limit",
        lambda s, o: on(s, demolitions=[{"id": s["demolition"].pk, "rooms_demolished": 601}]),
    ),
    bad(
        "demolition-without-a-value",
        "demolitions[0]",
        "required",
        lambda s, o: on(s, demolitions=[{"id": s["demolition"].pk}]),
    ),
    bad(
        "clearance-above-planned",
        "clearance_items[0].completed",
        "above_limit",
        lambda s, o: on(s, clearance_items=[{"id": s["clearance"].pk, "completed": "104.01"}]),
    ),
    bad(
        "milestone-met-after-the-report",
        "milestones[0].actual_date",
        "after_report",
        lambda s, o: on(s, milestones=[{"id": s["milestone"].pk, "actual_date": "2018-06-11"}]),
    ),
    bad(
        "row-of-another-project",
        "work_items[1].id",
        "other_project",
        lambda s, o: on(
            s,
            work_items=[
                {"id": s["work1"].pk, "completed_quantity": "70"},
                {"id": o["work"].pk, "completed_quantity": "1"},
            ],
        ),
    ),
    bad(
        "milestone-of-another-project",
        "milestones[0].id",
        "other_project",
        lambda s, o: on(s, milestones=[{"id": o["milestone"].pk, "actual_date": "2018-06-01"}]),
    ),
    bad(
        "unknown-row",
        "work_items[0].id",
        "does_not_exist",
        lambda s, o: on(s, work_items=[{"id": UNKNOWN_ID, "completed_quantity": "1"}]),
    ),
    bad(
        "row-twice",
        "work_items[1].id",
        "duplicate",
        lambda s, o: on(
            s,
            work_items=[
                {"id": s["work1"].pk, "completed_quantity": "70"},
                {"id": s["work1"].pk, "completed_quantity": "80"},
            ],
        ),
    ),
    bad("no-changes-no-summary", "summary", "empty", lambda s, o: on(s)),
    bad("blank-summary", "summary", "empty", lambda s, o: on(s, summary="  \n ", work_items=[])),
    bad("future-date", "reported_on", "future", lambda s, o: on(s, reported_on="2018-06-12", summary="明日计划")),
    bad("no-date", "reported_on", "required", lambda s, o: {"project": s["project"].pk, "summary": "x"}),
    bad(
        "investment-mid-month",
        "investment.period",
        "invalid",
        lambda s, o: on(s, investment={"period": "2018-06-15", "amount": "10"}),
    ),
    bad(
        "investment-negative",
        "investment.amount",
        "min_value",
        lambda s, o: on(s, investment={"period": "2018-06-01", "amount": "-10"}),
    ),
    bad(
        "investment-of-another-project",
        "investment.project",
        "other_project",
        lambda s, o: on(s, investment={"period": "2018-06-01", "amount": "10", "project": o["project"].pk}),
    ),
    bad(
        "investment-of-an-unknown-project",
        "investment.project",
        "does_not_exist",
        lambda s, o: on(s, investment={"period": "2018-06-01", "amount": "10", "project": UNKNOWN_ID}),
    ),
    bad("unknown-project", "project", "does_not_exist", lambda s, o: on(s, project=UNKNOWN_ID, summary="x")),
    bad("no-project", "project", "required", lambda s, o: {"reported_on": "2018-06-10", "summary": "x"}),
]


@pytest.fixture
def other():
    """A project outside `site`, with rows of its own."""
    project = ProjectFactory(code="X")
    return {
        "project": project,
        "work": WorkItemFactory(project=project),
        "milestone": MilestoneFactory(project=project, planned_date=PAST),
    }


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(("build", "expected"), BAD_INPUT)
    def test_is_refused_naming_the_place(self, api_client, site, other, build, expected):
        assert rejected(api_client, build(site, other)) == {expected}

    def test_a_row_of_the_parent_is_outside_a_report_on_a_标段(self, api_client, works):
        parent_item = WorkItemFactory(project=works["root"])
        body = {
            "project": works["s1"].pk,
            "reported_on": "2018-06-10",
            "work_items": [{"id": works["s1_item"].pk, "completed_quantity": "50"}],
            "investment": {"project": works["root"].pk, "period": "2018-06-01", "amount": "10"},
            "land_acquisitions": [{"id": works["s2_land"].pk, "completed_area_mu": "20"}],
        }
        body_with_parent_item = body | {"work_items": [{"id": parent_item.pk, "completed_quantity": "1"}]}
        assert rejected(api_client, body) == {
            ("investment.project", "other_project"),
            ("land_acquisitions[0].id", "other_project"),
        }
        assert ("work_items[0].id", "other_project") in rejected(api_client, body_with_parent_item)

    @pytest.mark.parametrize("text", ['{"project": 1, "reported_on": "2018-', "{'project': 1}", "[1, 2"])
    def test_malformed_json_is_a_parse_error(self, api_client, site, text):
        before = snapshot()
        response = api_client.post(REPORTS, text, content_type="application/json")
        assert assert_problem(response, 400)["type"] == "urn:shuitou:problem:parse-error"
        assert snapshot() == before

    def test_every_fault_is_named_at_once(self, api_client, site, other):
        body = on(
            site,
            reported_on="2018-06-12",
            work_items=[
                {"id": UNKNOWN_ID, "completed_quantity": "1"},
                {"id": other["work"].pk, "completed_quantity": 1},
            ],
            clearance_items=[{"id": site["clearance"].pk, "completed": "200"}],
        )
        assert rejected(api_client, body) == {
            ("reported_on", "future"),
            ("work_items[0].id", "does_not_exist"),
            ("work_items[1].id", "other_project"),
            ("clearance_items[0].completed", "above_limit"),
        }


# --- investment and milestones --------------------------------------------------------------------


@pytest.mark.django_db
class TestInvestment:
    def test_a_new_month_creates_its_row(self, api_client, site):
        body = on(site, investment={"period": "2018-05-01", "amount": "88.8"})
        report = post_report(api_client, body)
        rows = get(api_client, f"{API}/investments/", {"project": site["project"].pk})["results"]
        assert [(i["period"], i["amount"]) for i in rows] == [("2018-01-01", "300.00"), ("2018-05-01", "88.80")]
        assert change_tuples(report) == [
            ("investment", rows[1]["id"], site["project"].pk, "amount", None, "88.80"),
        ]
        assert report["figures"]["investment_completed"] == "388.80"  # 300 + 88.8

    def test_a_month_that_has_a_row_has_its_amount_replaced(self, api_client, site):
        body = on(site, investment={"period": "2018-01-01", "amount": "450"})
        report = post_report(api_client, body)
        rows = get(api_client, f"{API}/investments/", {"project": site["project"].pk})["results"]
        assert [(i["id"], i["period"], i["amount"]) for i in rows] == [(site["investment"].pk, "2018-01-01", "450.00")]
        assert change_tuples(report) == [
            ("investment", site["investment"].pk, site["project"].pk, "amount", "300.00", "450.00"),
        ]
        # Replaced, not added: 450, not 750.
        assert report["figures"]["investment_completed"] == "450.00"
        assert project_json(api_client, site["project"])["investment_progress"] == 45.0


@pytest.mark.django_db
class TestMilestones:
    def test_meeting_a_milestone_marks_it_done_and_moves_progress(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        first = MilestoneFactory(project=project, planned_date=PAST, weight=Decimal(1))
        MilestoneFactory(project=project, planned_date=FUTURE, weight=Decimal(3))
        assert row(api_client, "milestones", first)["state"] == "overdue"
        body = {
            "project": project.pk,
            "reported_on": "2018-06-11",
            "milestones": [{"id": first.pk, "actual_date": "2018-06-11"}],
        }
        report = post_report(api_client, body)
        assert change_tuples(report) == [("milestone", first.pk, project.pk, "actual_date", None, "2018-06-11")]
        # 1 of 4 weight done
        assert report["figures"]["progress"] == 25.0
        assert project_json(api_client, project)["progress"] == 25.0
        assert row(api_client, "milestones", first)["state"] == "done"

    def test_a_null_date_reopens_a_milestone(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        met = MilestoneFactory(project=project, planned_date=PAST, actual_date=PAST)
        MilestoneFactory(project=project, planned_date=FUTURE)
        assert project_json(api_client, project)["progress"] == 50.0
        report = post_report(
            api_client,
            {"project": project.pk, "reported_on": "2018-06-11", "milestones": [{"id": met.pk, "actual_date": None}]},
        )
        assert change_tuples(report) == [("milestone", met.pk, project.pk, "actual_date", "2018-05-01", None)]
        assert report["figures"]["progress"] == 0.0
        assert row(api_client, "milestones", met)["state"] == "overdue"


# --- listing, filters, append-only ----------------------------------------------------------------


@pytest.fixture
def filed(api_client, works):
    """Four reports: r1 on W (05-01), r2 on S1 (05-20), r3 on X of another office by another user (06-01),
    r4 on W (06-10). r1 and r2 were last updated on 2018-05-25; r3 and r4 at 10:00 on 2018-06-11."""
    other = ProjectFactory(code="X", office=OfficeFactory(code="other"))
    reporter = UserFactory(office=other.office)
    r1 = summary_report(api_client, works["root"], "2018-05-01")["id"]
    r2 = summary_report(api_client, works["s1"], "2018-05-20")["id"]
    r3 = summary_report(client_for(reporter), other, "2018-06-01")["id"]
    r4 = summary_report(api_client, works["root"], "2018-06-10")["id"]
    old = datetime.datetime(2018, 5, 25, 12, 0, tzinfo=datetime.UTC)
    ProgressReport.objects.filter(pk__in=[r1, r2]).update(updated_at=old)
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "other": other, "reporter": reporter} | works


@pytest.mark.django_db
class TestListing:
    def test_newest_first(self, api_client, filed):
        assert report_ids(api_client, {}) == [filed["r4"], filed["r3"], filed["r2"], filed["r1"]]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            pytest.param(lambda f: {"project": f["root"].pk}, ["r4", "r2", "r1"], id="project-with-descendants"),
            pytest.param(lambda f: {"project": f["s1"].pk}, ["r2"], id="project-leaf"),
            pytest.param(lambda f: {"project": f["s2"].pk}, [], id="project-without-reports"),
            pytest.param(lambda f: {"office": f["office"].pk}, ["r4", "r2", "r1"], id="office"),
            pytest.param(lambda f: {"office": f["other"].office_id}, ["r3"], id="other-office"),
            pytest.param(lambda f: {"reported_on_after": "2018-05-20"}, ["r4", "r3", "r2"], id="after-inclusive"),
            pytest.param(lambda f: {"reported_on_before": "2018-05-20"}, ["r2", "r1"], id="before-inclusive"),
            pytest.param(
                lambda f: {"reported_on_after": "2018-05-02", "reported_on_before": "2018-06-09"},
                ["r3", "r2"],
                id="between",
            ),
            pytest.param(lambda f: {"updated_since": "2018-06-01T00:00:00+08:00"}, ["r4", "r3"], id="updated-since"),
            pytest.param(lambda f: {"updated_since": "2018-05-25T12:00:00Z"}, ["r4", "r3", "r2", "r1"], id="since-eq"),
            pytest.param(lambda f: {"author": f["reporter"].pk}, ["r3"], id="author"),
            pytest.param(
                lambda f: {"project": f["root"].pk, "reported_on_after": "2018-05-15"}, ["r4", "r2"], id="combined"
            ),
            pytest.param(lambda f: {"ordering": "reported_on"}, ["r1", "r2", "r3", "r4"], id="ordering"),
            pytest.param(lambda f: {"search": "按计划"}, ["r4", "r3", "r2", "r1"], id="search"),
        ],
    )
    def test_filters(self, api_client, filed, params, expected):
        assert report_ids(api_client, params(filed)) == [filed[name] for name in expected]

    @pytest.mark.parametrize(
        ("param", "value"),
        [
            ("project", "abc"),
            ("project", str(UNKNOWN_ID)),
            ("office", "flood"),
            ("office", str(UNKNOWN_ID)),
            ("reported_on_after", "2018-13-01"),
            ("reported_on_before", "yesterday"),
            ("updated_since", "last week"),
            ("author", "me"),
            ("ordering", "summary"),
        ],
    )
    def test_bad_filter_values_are_refused(self, api_client, filed, param, value):
        assert error_fields(api_client.get(REPORTS, {param: value})) == {param}

    def test_a_report_reads_with_its_changes_and_figures(self, api_client, works):
        body = {
            "project": works["s1"].pk,
            "reported_on": "2018-06-01",
            "work_items": [{"id": works["s1_item"].pk, "completed_quantity": "35"}],
        }
        created = post_report(api_client, body)
        listed = get(api_client, REPORTS)["results"]
        assert listed == [created]
        assert created["figures"]["progress"] == 35.0
        assert change_tuples(created) == [
            ("work_item", works["s1_item"].pk, works["s1"].pk, "completed_quantity", "20.00", "35.00")
        ]

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_reports_are_append_only(self, api_client, filed, method):
        url = f"{REPORTS}{filed['r1']}/"
        before = snapshot()
        response = getattr(api_client, method)(url, {"summary": "改写"}, format="json")
        assert_problem(response, 405)
        assert snapshot() == before

    def test_unknown_report_is_404(self, api_client):
        assert_problem(api_client.get(f"{REPORTS}{UNKNOWN_ID}/"), 404)


# --- history --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestHistory:
    def test_one_point_per_report_by_reported_on_then_id(self, api_client, works):
        def work(project_key, item_key, reported_on, completed):
            body = {
                "project": works[project_key].pk,
                "reported_on": reported_on,
                "work_items": [{"id": works[item_key].pk, "completed_quantity": completed}],
            }
            return post_report(api_client, body)["id"]

        # W = (40 × 3000 + 60 × 1000) / 4000 = 45
        a = work("root", "s1_item", "2018-06-05", "40")
        # Filed late for an earlier date: W = (40 × 3000 + 100 × 1000) / 4000 = 55
        b = work("root", "s2_item", "2018-05-01", "100")
        # On the 标段 itself: W = (80 × 3000 + 100 × 1000) / 4000 = 85
        c = work("s1", "s1_item", "2018-06-05", "80")
        summary_report(api_client, ProjectFactory(), "2018-06-01")  # another project: no point of W's
        assert points(api_client, works["root"]) == [
            (b, "2018-05-01", 55.0),
            (a, "2018-06-05", 45.0),
            (c, "2018-06-05", 85.0),
        ]
        assert points(api_client, works["s1"]) == [(a, "2018-06-05", 40.0), (c, "2018-06-05", 80.0)]
        assert points(api_client, works["s2"]) == [(b, "2018-05-01", 100.0)]

    def test_a_point_carries_every_figure(self, api_client, site):
        report = post_report(api_client, full_body(site))
        assert history(api_client, site["project"]) == [report["figures"]]

    def test_the_list_is_paged(self, api_client, site):
        for day in (1, 2, 3):
            summary_report(api_client, site["project"], f"2018-06-0{day}")
        body = get(api_client, f"{API}/projects/{site['project'].pk}/history/", {"limit": 2, "offset": 1})
        assert body["count"] == 3
        assert [point["reported_on"] for point in body["results"]] == ["2018-06-02", "2018-06-03"]

    def test_a_project_without_reports_has_an_empty_history(self, api_client):
        assert history(api_client, ProjectFactory()) == []

    def test_an_unknown_project_is_404(self, api_client):
        assert_problem(api_client.get(f"{API}/projects/{UNKNOWN_ID}/history/"), 404)

    def test_anonymous_is_401(self, anonymous_client, site):
        assert_problem(anonymous_client.get(f"{API}/projects/{site['project'].pk}/history/"), 401)
        assert_problem(anonymous_client.post(REPORTS, full_body(site), format="json"), 401)


# --- query counts ---------------------------------------------------------------------------------


def report_with_changes(client, day: int) -> None:
    """A project of its own office with a report that changes three of its rows."""
    project = ProjectFactory(office=OfficeFactory())
    body = {
        "project": project.pk,
        "reported_on": f"2018-05-{day:02d}",
        "work_items": [{"id": WorkItemFactory(project=project).pk, "completed_quantity": "90"}],
        "demolitions": [{"id": DemolitionFactory(project=project).pk, "agreements_signed": 600}],
        "investment": {"period": "2018-06-01", "amount": "10"},
    }
    assert len(post_report(client, body)["changes"]) == 3


def queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        body = get(client, url, {"limit": 500})
    assert len(body["results"]) == rows
    return len(captured)


def under_three_levels(client, project) -> None:
    """Moves `project` under a parent and a grandparent, so that a report on it refreshes three levels."""
    middle = ProjectFactory(parent=ProjectFactory())
    assert client.patch(f"{API}/projects/{project.pk}/", {"parent": middle.pk}).status_code == 200


def post_queries(client, body: dict, changes: int) -> list[str]:
    """The SQL of one POST of `body`, after a first report has warmed the caches (content types) whatever
    test ran before."""
    summary_report(client, ProjectFactory(), "2018-06-01")
    with CaptureQueriesContext(connection) as captured:
        report = post_report(client, body)
    assert len(report["changes"]) == changes
    return [query["sql"] for query in captured]


# A report of five work-item changes on a project three levels deep, with an Idempotency-Key, as production runs
# it (no test transaction around it): the token (1); the key's claim, committed on its own (1); BEGIN (1); the
# projects the report may touch, locked, with their offices (1); the work items of the named rows' projects,
# locked (1); the report (1); the rows' UPDATE (1); the changes (1); the progress UPDATE (1: the projects were
# locked and the items read already); every audit entry (1); the figures after, read and written (2); the stored
# answer (1); COMMIT (1). The bound is 15.
REPORT_QUERIES = 14


@pytest.mark.django_db
class TestQueryCounts:
    def test_the_report_list_does_not_grow_with_the_reports(self, api_client):
        for day in (1, 2):
            report_with_changes(api_client, day)
        few = queries(api_client, REPORTS, 2)
        for day in range(3, 21):
            report_with_changes(api_client, day)
        assert queries(api_client, REPORTS, 20) == few

    def test_the_history_does_not_grow_with_the_reports(self, api_client, works):
        def report(day: int) -> None:
            child = (works["s1"], works["s2"])[day % 2]
            body = {
                "project": works["root"].pk,
                "reported_on": f"2018-05-{day:02d}",
                "work_items": [{"id": WorkItemFactory(project=child).pk, "completed_quantity": "90"}],
                "land_acquisitions": [{"id": works["s2_land"].pk, "completed_area_mu": str(day)}],
            }
            post_report(api_client, body)

        url = f"{API}/projects/{works['root'].pk}/history/"
        for day in (1, 2):
            report(day)
        few = queries(api_client, url, 2)
        for day in range(3, 21):
            report(day)
        assert queries(api_client, url, 20) == few

    def test_a_report_of_any_kind_of_row_costs_a_query_a_section(self, api_client, site):
        under_three_levels(api_client, site["project"])
        body = full_body(site)
        del body["investment"]
        body["work_items"] = body["work_items"][:1]
        # Five rows of five kinds; the demolition and the milestone change two fields each: four more locks and
        # UPDATEs than one kind, and the milestones' own read in the refresh.
        sql = post_queries(api_client, body, changes=7)
        assert len(sql) <= REPORT_QUERIES + 2 * 4 + 1, sql


@pytest.mark.django_db(transaction=True)
class TestQueryBudget:
    """What a report costs as production runs it: no test transaction around it, an Idempotency-Key on it."""

    def test_five_work_item_changes_cost_fourteen_statements(self, frozen_today):
        client, project, items = self.setup_project(rows=5)
        sql = self.post(client, project, items)
        assert len(sql) == REPORT_QUERIES <= 15, "\n".join(sql)

    def test_the_cost_does_not_grow_with_the_rows(self, frozen_today):
        client, project, items = self.setup_project(rows=12)
        one = self.post(client, project, items[:1])
        twelve = self.post(client, project, items)
        assert len(twelve) == len(one), "\n".join(twelve)

    def setup_project(self, *, rows: int):
        client = client_for(UserFactory(role="admin", office=None, is_staff=True, is_superuser=True))
        project = ProjectFactory(parent=ProjectFactory(parent=ProjectFactory()))
        items = WorkItemFactory.create_batch(rows, project=project, planned_quantity=100, completed_quantity=0)
        # A first keyed report warms what a process keeps (content types, the purge of expired keys).
        self.post(client, ProjectFactory(), [])
        return client, project, items

    def post(self, client, project, items) -> list[str]:
        self.posted = getattr(self, "posted", 0) + 1
        body = {
            "project": project.pk,
            "reported_on": "2018-06-10",
            "summary": "本月推进",
            "work_items": [{"id": item.pk, "completed_quantity": f"{self.posted}{n}"} for n, item in enumerate(items)],
        }
        with CaptureQueriesContext(connection) as captured:
            response = client.post(REPORTS, body, format="json", HTTP_IDEMPOTENCY_KEY=f"budget-{self.posted}")
        assert response.status_code == 201, response.content
        assert len(response.json()["changes"]) == len(items)
        return [query["sql"] for query in captured]


# --- two reports at the same moment (PostgreSQL) --------------------------------------------------


def post_together(bodies: list[dict]) -> list:
    """Posts each body from its own thread, user, token and connection, all released at once. Each report is held
    open after it has locked its rows and before it writes them, so that both are in flight together however the
    threads are scheduled."""
    clients = [client_for(UserFactory(role="admin", office=None, is_staff=True, is_superuser=True)) for _ in bodies]
    save_rows = progress_reports._save_rows

    def save_rows_slowly(changes):
        time.sleep(0.3)
        save_rows(changes)

    with mock.patch.object(progress_reports, "_save_rows", save_rows_slowly):
        responses = together(
            [
                lambda body=body, client=client: client.post(REPORTS, body, format="json")
                for client, body in zip(clients, bodies, strict=True)
            ]
        )
    assert [response.status_code for response in responses] == [201] * len(bodies), [r.content for r in responses]
    return [response.json() for response in responses]


def stored(project) -> Decimal:
    return Project.objects.get(pk=project.pk).progress


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
class TestConcurrentReports:
    def test_two_标段_of_one_works(self, api_client, attempt):
        root = ProjectFactory()
        east = ProjectFactory(parent=root, total_investment=Decimal(300))
        west = ProjectFactory(parent=root, total_investment=Decimal(100))
        east_item = WorkItemFactory(project=east, planned_quantity=100, completed_quantity=0)
        west_item = WorkItemFactory(project=west, planned_quantity=100, completed_quantity=0)
        day = {"reported_on": "2018-06-11"}
        east_report, west_report = post_together(
            [
                {"project": east.pk, "work_items": [{"id": east_item.pk, "completed_quantity": "40"}]} | day,
                {"project": west.pk, "work_items": [{"id": west_item.pk, "completed_quantity": "80"}]} | day,
            ]
        )
        assert (east_report["figures"]["progress"], west_report["figures"]["progress"]) == (40.0, 80.0)
        assert (row(api_client, "work-items", east_item)["completed_quantity"], stored(west)) == ("40.00", 80)
        # (40 × 300 + 80 × 100) / 400 = 50
        assert stored(root) == Decimal(50)
        # The report that committed second saw the first: its point of the works is 50; the other's is
        # the works with its own change alone, east (40 × 300) / 400 = 30 or west (80 × 100) / 400 = 20.
        progresses = sorted(point["progress"] for point in history(api_client, root))
        assert progresses in ([20.0, 50.0], [30.0, 50.0])

    def test_two_rows_of_one_project(self, api_client, attempt):
        parent = ProjectFactory()
        project = ProjectFactory(parent=parent)
        first = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0, weight=1)
        second = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0, weight=3)
        land = LandAcquisitionFactory(project=project, planned_area_mu=60, completed_area_mu=0)
        base = {"project": project.pk, "reported_on": "2018-06-11"}
        reports = post_together(
            [
                base | {"work_items": [{"id": first.pk, "completed_quantity": "100"}]},
                base
                | {
                    "work_items": [{"id": second.pk, "completed_quantity": "60"}],
                    "land_acquisitions": [{"id": land.pk, "completed_area_mu": "30"}],
                },
            ]
        )
        assert [len(report["changes"]) for report in reports] == [1, 2]
        # (100 × 1 + 60 × 3) / 4 = 70
        assert stored(project) == Decimal(70)
        assert stored(parent) == Decimal(70)
        assert project_json(api_client, project)["land_progress"] == 50.0
        # The second to commit saw both changes.
        assert max(point["progress"] for point in history(api_client, project)) == 70.0

    def test_two_reports_open_the_same_new_month(self, api_client, attempt):
        project = ProjectFactory()
        item = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0)
        base = {"project": project.pk, "reported_on": "2018-06-11"}
        reports = post_together(
            [
                base | {"work_items": [{"id": item.pk, "completed_quantity": "10"}], "investment": may(100)},
                base | {"work_items": [{"id": item.pk, "completed_quantity": "20"}], "investment": may(300)},
            ]
        )
        # One report opened May, the other found it and replaced its amount.
        befores = sorted(
            str(change["before"]) for report in reports for change in report["changes"] if change["field"] == "amount"
        )
        assert befores in (["100.00", "None"], ["300.00", "None"])
        assert Investment.objects.filter(project=project).count() == 1


def may(amount: int) -> dict:
    return {"period": "2018-05-01", "amount": str(amount)}
