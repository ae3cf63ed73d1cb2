"""The supervisor's reports: the portfolio summary and overdue milestones by office, on hand-built data.

Today is 2018-06-11 in Shanghai (the `frozen_today` fixture).
"""

import datetime
from decimal import Decimal

import pytest

from .factories import (
    ClearanceItemFactory,
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProjectFactory,
)

API = "/api/v1"
SUMMARY = f"{API}/reports/summary/"
OVERDUE = f"{API}/reports/overdue/"
STATUSES = ("planned", "in_progress", "suspended", "completed")
CATEGORIES = (
    "water",
    "transport",
    "town",
    "education",
    "health",
    "industry",
    "services",
    "rural",
    "environment",
    "other",
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def day(offset: int) -> datetime.date:
    return datetime.date(2018, 6, 11) + datetime.timedelta(days=offset)


def get(client, url: str, params=None) -> dict:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def by_status(**counts) -> dict:
    return {status: counts.get(status, 0) for status in STATUSES}


def by_category(**counts) -> dict:
    return {category: counts.get(category, 0) for category in CATEGORIES}


def bad_request_fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def portfolio():
    """Two offices and three trees.

    water: W (water, in_progress, 5000 万元) → W1 (water, completed, 3000: inside W's budget)
    town:  R (transport, planned, no budget) → R1 (transport, in_progress, 800), R2 (transport, suspended, 200)
           S (town, in_progress, 100)
    """
    water, town = OfficeFactory(code="a-water", name="水利指挥部"), OfficeFactory(code="b-town", name="城建指挥部")
    w = ProjectFactory(code="W", office=water, category="water", status="in_progress", total_investment=5000)
    w1 = ProjectFactory(code="W1", office=water, parent=w, category="water", status="completed", total_investment=3000)
    r = ProjectFactory(code="R", office=town, category="transport", status="planned", total_investment=None)
    r1 = ProjectFactory(
        code="R1", office=town, parent=r, category="transport", status="in_progress", total_investment=800
    )
    r2 = ProjectFactory(
        code="R2", office=town, parent=r, category="transport", status="suspended", total_investment=200
    )
    s = ProjectFactory(code="S", office=town, category="town", status="in_progress", total_investment=100)

    for project, amount in ((w, 1000), (w1, 500), (r1, 300), (r2, 50), (s, 10)):
        InvestmentFactory(project=project, period=datetime.date(2018, 5, 1), amount=Decimal(amount))
    InvestmentFactory(project=w1, period=datetime.date(2018, 4, 1), amount=Decimal("0.5"))

    LandAcquisitionFactory(project=w, planned_area_mu=Decimal(60), completed_area_mu=Decimal(57))
    LandAcquisitionFactory(project=w1, planned_area_mu=Decimal(40), completed_area_mu=Decimal(3))
    LandAcquisitionFactory(project=r1, planned_area_mu=Decimal(50), completed_area_mu=Decimal(20))

    DemolitionFactory(project=w1, planned_rooms=600, agreements_signed=552, rooms_demolished=345)
    DemolitionFactory(project=r, planned_rooms=100, agreements_signed=48, rooms_demolished=55)

    ClearanceItemFactory(project=w, kind="graves", unit="座", planned=Decimal(104), completed=Decimal(104))
    ClearanceItemFactory(project=w1, kind="graves", unit="穴", planned=Decimal(30), completed=Decimal(12))
    ClearanceItemFactory(project=r1, kind="graves", unit="座", planned=Decimal(20), completed=Decimal(5))
    ClearanceItemFactory(project=r1, kind="fish_ponds", unit="亩", planned=Decimal(10), completed=Decimal(10))

    MilestoneFactory(project=w1, planned_date=day(-10))
    MilestoneFactory(project=w1, planned_date=day(-41))
    MilestoneFactory(project=w1, planned_date=day(-20), actual_date=day(-15))  # done
    MilestoneFactory(project=r2, planned_date=day(-1))
    MilestoneFactory(project=s, planned_date=day(0))  # due today, not overdue
    return {"water": water, "town": town}


# --- summary ------------------------------------------------------------------------------------


def test_summary_totals(api_client, portfolio):
    body = get(api_client, SUMMARY)
    assert body["as_of"] == "2018-06-11"
    totals = body["totals"]
    assert totals["projects"] == 6
    assert totals["projects_by_status"] == by_status(planned=1, in_progress=3, suspended=1, completed=1)
    assert totals["projects_by_category"] == by_category(water=2, transport=3, town=1)
    # W 5000 (covers W1's 3000) + R1 800 + R2 200 + S 100; R has no budget of its own
    assert totals["investment_planned"] == "6100.00"
    assert totals["investment_completed"] == "1860.50"
    assert totals["investment_progress"] == 30.5  # 1860.5 / 6100 = 30.50…
    assert (totals["land_planned_mu"], totals["land_completed_mu"], totals["land_progress"]) == (
        "150.00",
        "80.00",
        53.3,
    )
    assert (totals["rooms_planned"], totals["rooms_signed"], totals["rooms_demolished"]) == (700, 600, 400)
    assert (totals["agreement_progress"], totals["demolition_progress"]) == (85.7, 57.1)
    assert totals["graves"] == [
        {"unit": "座", "planned": "124.00", "completed": "109.00"},
        {"unit": "穴", "planned": "30.00", "completed": "12.00"},
    ]
    assert totals["overdue_milestones"] == 3


def test_summary_by_office(api_client, portfolio):
    rows = get(api_client, SUMMARY)["by_office"]
    assert [row["office"]["code"] for row in rows] == ["a-water", "b-town"]
    water, town = rows
    assert water["office"] == {"id": portfolio["water"].pk, "code": "a-water", "name": "水利指挥部"}
    assert (water["projects"], town["projects"]) == (2, 4)
    assert water["projects_by_status"] == by_status(in_progress=1, completed=1)
    assert town["projects_by_status"] == by_status(planned=1, in_progress=2, suspended=1)
    assert water["projects_by_category"] == by_category(water=2)
    assert town["projects_by_category"] == by_category(transport=3, town=1)
    assert (water["investment_planned"], water["investment_completed"], water["investment_progress"]) == (
        "5000.00",
        "1500.50",
        30.0,
    )
    assert (town["investment_planned"], town["investment_completed"], town["investment_progress"]) == (
        "1100.00",
        "360.00",
        32.7,
    )
    assert (water["land_planned_mu"], water["land_completed_mu"], water["land_progress"]) == ("100.00", "60.00", 60.0)
    assert (town["land_planned_mu"], town["land_completed_mu"], town["land_progress"]) == ("50.00", "20.00", 40.0)
    assert (water["rooms_planned"], water["agreement_progress"], water["demolition_progress"]) == (600, 92.0, 57.5)
    assert (town["rooms_planned"], town["agreement_progress"], town["demolition_progress"]) == (100, 48.0, 55.0)
    assert water["graves"] == [
        {"unit": "座", "planned": "104.00", "completed": "104.00"},
        {"unit": "穴", "planned": "30.00", "completed": "12.00"},
    ]
    assert town["graves"] == [{"unit": "座", "planned": "20.00", "completed": "5.00"}]
    assert (water["overdue_milestones"], town["overdue_milestones"]) == (2, 1)


def test_summary_of_nothing(api_client):
    body = get(api_client, SUMMARY)
    assert body["by_office"] == []
    totals = body["totals"]
    assert (totals["projects"], totals["investment_planned"], totals["overdue_milestones"]) == (0, "0.00", 0)
    assert totals["projects_by_status"] == by_status()
    assert (totals["investment_progress"], totals["land_progress"], totals["agreement_progress"]) == (None, None, None)
    assert totals["graves"] == []


def test_a_budget_counts_once_at_any_depth(api_client):
    office = OfficeFactory()
    root = ProjectFactory(office=office, total_investment=1000)
    middle = ProjectFactory(office=office, parent=root, total_investment=None)
    ProjectFactory(office=office, parent=middle, total_investment=600)  # inside the root's budget
    other = ProjectFactory(office=office, total_investment=None)
    unbudgeted_middle = ProjectFactory(office=office, parent=other, total_investment=250)
    ProjectFactory(office=office, parent=unbudgeted_middle, total_investment=100)  # inside its parent's
    ProjectFactory(office=office, parent=other, total_investment=50)
    assert get(api_client, SUMMARY)["totals"]["investment_planned"] == "1300.00"
    # Selecting only the children: nothing above them is in scope, so their own budgets count.
    assert get(api_client, SUMMARY, {"root": "false"})["totals"]["investment_planned"] == "900.00"


@pytest.mark.parametrize(
    ("params", "projects", "planned", "completed", "overdue"),
    [
        pytest.param({"category": "water"}, 2, "5000.00", "1500.50", 2, id="water"),
        # R's figures include R1 and R2; R2's budget is not covered since R has none
        pytest.param({"category": "transport"}, 3, "1000.00", "350.00", 1, id="transport"),
        pytest.param([("category", "water"), ("category", "town")], 3, "5100.00", "1510.50", 2, id="two-categories"),
        # Top-level only still includes everything below them.
        pytest.param({"root": "true"}, 3, "6100.00", "1860.50", 3, id="roots"),
        pytest.param({"root": "false"}, 3, "4000.00", "850.50", 3, id="children"),
        pytest.param({"root": "true", "category": "transport"}, 1, "1000.00", "350.00", 1, id="transport-root"),
    ],
)
def test_summary_filters(api_client, portfolio, params, projects, planned, completed, overdue):
    totals = get(api_client, SUMMARY, params)["totals"]
    assert totals["projects"] == projects
    assert (totals["investment_planned"], totals["investment_completed"]) == (planned, completed)
    assert totals["overdue_milestones"] == overdue


def test_summary_root_only_counts_roots_but_covers_their_trees(api_client, portfolio):
    everything, roots = get(api_client, SUMMARY)["totals"], get(api_client, SUMMARY, {"root": "true"})["totals"]
    assert roots["projects_by_status"] == by_status(planned=1, in_progress=2)
    assert roots["projects_by_category"] == by_category(water=1, transport=1, town=1)
    # The unfiltered summary reads the tables whole; a filter that selects every tree goes through the scope.
    for figure in (
        "investment_planned",
        "investment_completed",
        "land_planned_mu",
        "land_completed_mu",
        "rooms_planned",
        "rooms_signed",
        "graves",
        "overdue_milestones",
    ):
        assert roots[figure] == everything[figure]


def test_summary_by_office_filter(api_client, portfolio):
    body = get(api_client, SUMMARY, {"office": portfolio["town"].pk})
    assert [row["office"]["code"] for row in body["by_office"]] == ["b-town"]
    totals = body["totals"]
    assert (totals["projects"], totals["investment_planned"], totals["investment_completed"]) == (
        4,
        "1100.00",
        "360.00",
    )
    assert (totals["land_planned_mu"], totals["rooms_planned"], totals["overdue_milestones"]) == ("50.00", 100, 1)
    assert totals["graves"] == [{"unit": "座", "planned": "20.00", "completed": "5.00"}]


def test_summary_figures_go_to_the_office_of_the_row(api_client):
    county, town = OfficeFactory(code="county"), OfficeFactory(code="town")
    root = ProjectFactory(office=county, total_investment=1000)
    child = ProjectFactory(office=town, parent=root, total_investment=400)
    InvestmentFactory(project=child, amount=Decimal(40))
    MilestoneFactory(project=child, planned_date=day(-5))
    body = get(api_client, SUMMARY, {"office": county.pk})
    assert body["totals"]["projects"] == 1
    assert (body["totals"]["investment_planned"], body["totals"]["investment_completed"]) == ("1000.00", "40.00")
    rows = {row["office"]["code"]: row for row in body["by_office"]}
    assert (rows["county"]["projects"], rows["county"]["investment_planned"]) == (1, "1000.00")
    assert (rows["town"]["projects"], rows["town"]["investment_completed"], rows["town"]["overdue_milestones"]) == (
        0,
        "40.00",
        1,
    )
    # Selected alone, the child's budget is no longer covered by its parent's.
    assert get(api_client, SUMMARY, {"office": town.pk})["totals"]["investment_planned"] == "400.00"


@pytest.mark.parametrize(
    ("param", "value"),
    [("category", "roads"), ("office", "99999"), ("office", "abc"), ("root", "maybe"), ("root", "yes?")],
)
def test_bad_summary_filter_answers_400_naming_it(api_client, portfolio, param, value):
    assert bad_request_fields(api_client.get(SUMMARY, {param: value})) == {param}


# --- overdue ------------------------------------------------------------------------------------


@pytest.fixture
def late():
    """Offices A (one milestone, 30 days late), B (10 and 3 days) and C (2 and 1 day) plus on-time rows."""
    a, b, c = OfficeFactory(code="a", name="甲"), OfficeFactory(code="b", name="乙"), OfficeFactory(code="c", name="丙")
    dam = ProjectFactory(code="DAM", name="水库", office=a, category="water")
    road = ProjectFactory(code="ROAD", name="大道", office=b, category="transport")
    bridge = ProjectFactory(code="ROAD-1", name="大桥", office=b, parent=road, category="transport")
    school = ProjectFactory(code="SCHOOL", name="二小", office=c, category="education")
    clinic = ProjectFactory(code="CLINIC", name="卫生院", office=c, category="health")
    return {
        "dam late": MilestoneFactory(project=dam, name="dam late", planned_date=day(-30), delay_reason="资金未到位"),
        "dam done": MilestoneFactory(project=dam, name="dam done", planned_date=day(-60), actual_date=day(-1)),
        "road late": MilestoneFactory(project=road, name="road late", planned_date=day(-3)),
        "bridge late": MilestoneFactory(project=bridge, name="bridge late", planned_date=day(-10)),
        "bridge soon": MilestoneFactory(project=bridge, name="bridge soon", planned_date=day(0)),
        "school late": MilestoneFactory(project=school, name="school late", planned_date=day(-1)),
        "clinic late": MilestoneFactory(project=clinic, name="clinic late", planned_date=day(-2)),
        "clinic later": MilestoneFactory(project=clinic, name="clinic later", planned_date=day(30)),
    }


def shape(report: dict) -> list:
    return [
        (office["office"]["code"], [(m["name"], m["days_overdue"]) for m in office["milestones"]])
        for office in report["offices"]
    ]


def test_overdue_grouped_by_office_worst_first(api_client, late):
    report = get(api_client, OVERDUE)
    assert report["as_of"] == "2018-06-11"
    assert report["overdue_count"] == 5
    # Most overdue milestones first, then the longest delay; within an office the longest delay first.
    assert shape(report) == [
        ("b", [("bridge late", 10), ("road late", 3)]),
        ("c", [("clinic late", 2), ("school late", 1)]),
        ("a", [("dam late", 30)]),
    ]
    b, c, a = report["offices"]
    assert (b["overdue_count"], b["max_days_overdue"], b["total_days_overdue"]) == (2, 10, 13)
    assert (c["overdue_count"], c["max_days_overdue"], c["total_days_overdue"]) == (2, 2, 3)
    assert (a["overdue_count"], a["max_days_overdue"], a["total_days_overdue"]) == (1, 30, 30)
    assert b["office"]["name"] == "乙"


def test_overdue_milestone_carries_its_project(api_client, late):
    report = get(api_client, OVERDUE)
    bridge = report["offices"][0]["milestones"][0]
    milestone = late["bridge late"]
    assert bridge == {
        "id": milestone.pk,
        "name": "bridge late",
        "planned_date": "2018-06-01",
        "days_overdue": 10,
        "delay_reason": "",
        "project": {"id": milestone.project_id, "code": "ROAD-1", "name": "大桥"},
    }
    assert report["offices"][2]["milestones"][0]["delay_reason"] == "资金未到位"


def test_overdue_filters(api_client, late):
    a = late["dam late"].project.office
    assert shape(get(api_client, OVERDUE, {"office": a.pk})) == [("a", [("dam late", 30)])]
    assert shape(get(api_client, OVERDUE, {"category": "transport"})) == [
        ("b", [("bridge late", 10), ("road late", 3)])
    ]
    assert shape(get(api_client, OVERDUE, [("category", "health"), ("category", "water")])) == [
        ("a", [("dam late", 30)]),
        ("c", [("clinic late", 2)]),
    ]
    empty = get(api_client, OVERDUE, {"category": "rural"})
    assert (empty["overdue_count"], empty["offices"]) == (0, [])


def test_overdue_follows_the_clock(api_client, late, time_machine):
    time_machine.move_to(datetime.datetime(2018, 6, 21, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    report = get(api_client, OVERDUE)
    assert report["as_of"] == "2018-06-21"
    assert report["overdue_count"] == 6  # "bridge soon" is now 10 days late
    assert shape(report)[0] == ("b", [("bridge late", 20), ("road late", 13), ("bridge soon", 10)])


@pytest.mark.parametrize(
    ("param", "value"),
    [("office", "99999"), ("category", "roads"), ("overdue", "maybe"), ("state", "late"), ("project", "x")],
)
def test_bad_overdue_filter_answers_400_naming_it(api_client, late, param, value):
    assert bad_request_fields(api_client.get(OVERDUE, {param: value})) == {param}


# --- overdue: how many milestones each office lists -----------------------------------------------


@pytest.fixture
def crowded():
    """Office "many" with 7 overdue milestones (1 to 6 days late, two of them 6 days), "few" with 2 (20 and 10)."""
    many, few = OfficeFactory(code="many"), OfficeFactory(code="few")
    busy, quiet = ProjectFactory(office=many), ProjectFactory(office=few)
    for name, late in (("m1", 1), ("m2", 2), ("m3", 3), ("m4", 4), ("m5", 5), ("m6a", 6), ("m6b", 6)):
        MilestoneFactory(project=busy, name=name, planned_date=day(-late))
    MilestoneFactory(project=busy, name="m done", planned_date=day(-30), actual_date=day(-2))
    MilestoneFactory(project=quiet, name="f20", planned_date=day(-20))
    MilestoneFactory(project=quiet, name="f10", planned_date=day(-10))
    return {"many": many, "few": few}


def office_figures(report: dict) -> list[tuple]:
    return [
        (office["office"]["code"], office["overdue_count"], office["max_days_overdue"], office["total_days_overdue"])
        for office in report["offices"]
    ]


# Every count and delay is over all the office's overdue milestones, however few are listed.
ALL_FIGURES = [("many", 7, 6, 27), ("few", 2, 20, 30)]
MANY = [("m6a", 6), ("m6b", 6), ("m5", 5), ("m4", 4), ("m3", 3), ("m2", 2), ("m1", 1)]  # equal delays: lower id first
FEW = [("f20", 20), ("f10", 10)]


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({}, 5),
        ({"milestones_per_office": "1"}, 1),
        ({"milestones_per_office": "0"}, 0),
        ({"milestones_per_office": "100"}, 100),
    ],
)
def test_overdue_lists_each_offices_most_overdue_and_counts_them_all(api_client, crowded, params, listed):
    report = get(api_client, OVERDUE, params)
    assert shape(report) == [("many", MANY[:listed]), ("few", FEW[:listed])]
    assert (report["overdue_count"], office_figures(report)) == (9, ALL_FIGURES)


def test_the_bound_applies_after_the_filters(api_client, crowded):
    report = get(api_client, OVERDUE, {"milestones_per_office": "3", "office": crowded["many"].pk})
    assert shape(report) == [("many", MANY[:3])]
    assert (report["overdue_count"], office_figures(report)) == (7, ALL_FIGURES[:1])


@pytest.mark.parametrize("value", ["101", "-1", "abc", "1.5", "1e3"])
def test_a_bad_milestones_per_office_answers_400_naming_it(api_client, crowded, value):
    assert bad_request_fields(api_client.get(OVERDUE, {"milestones_per_office": value})) == {"milestones_per_office"}
