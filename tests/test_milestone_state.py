"""Milestone state and days overdue, the filters built on them, and the projects' schedule filters.

Today is 2018-06-11 in Shanghai (the `frozen_today` fixture); every date below is relative to it.
"""

import datetime

import pytest

from .factories import MilestoneFactory, OfficeFactory, ProjectFactory, WorkItemFactory

API = "/api/v1"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def day(offset: int) -> datetime.date:
    """The date `offset` days from 2018-06-11."""
    return datetime.date(2018, 6, 11) + datetime.timedelta(days=offset)


def listed(client, path: str, params=None) -> list[dict]:
    response = client.get(f"{API}/{path}/", params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def names(client, path: str, params=None) -> list[str]:
    return [row["name"] for row in listed(client, path, params)]


def codes(client, params=None) -> list[str]:
    return [row["code"] for row in listed(client, "projects", params)]


def bad_request_fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400
    return {error["field"] for error in body["errors"]}


@pytest.fixture
def calendar():
    """One milestone for each state boundary, under two offices and two categories."""
    water, town = OfficeFactory(code="water"), OfficeFactory(code="town")
    dam = ProjectFactory(code="DAM", office=water, category="water")
    road = ProjectFactory(code="ROAD", office=town, category="transport")
    school = ProjectFactory(code="SCHOOL", office=town, category="education")
    rows = {
        "today": MilestoneFactory(project=dam, name="today", planned_date=day(0)),
        "yesterday": MilestoneFactory(project=road, name="yesterday", planned_date=day(-1)),
        "in 14 days": MilestoneFactory(project=school, name="in 14 days", planned_date=day(14)),
        "in 15 days": MilestoneFactory(project=dam, name="in 15 days", planned_date=day(15)),
        "done late": MilestoneFactory(project=road, name="done late", planned_date=day(-40), actual_date=day(-2)),
        "done early": MilestoneFactory(project=dam, name="done early", planned_date=day(5), actual_date=day(-1)),
        "a month ago": MilestoneFactory(project=school, name="a month ago", planned_date=day(-30)),
        "last week": MilestoneFactory(project=dam, name="last week", planned_date=day(-7)),
    }
    return {"offices": {"water": water, "town": town}, "projects": [dam, road, school], "milestones": rows}


# --- state and days_overdue ----------------------------------------------------------------------


def test_state_and_days_overdue_of_each_milestone(api_client, calendar):
    rows = {row["name"]: (row["state"], row["days_overdue"]) for row in listed(api_client, "milestones")}
    assert rows == {
        "today": ("due_soon", 0),
        "yesterday": ("overdue", 1),
        "in 14 days": ("due_soon", 0),
        "in 15 days": ("upcoming", 0),
        "done late": ("done", 0),
        "done early": ("done", 0),
        "a month ago": ("overdue", 30),
        "last week": ("overdue", 7),
    }


def test_detail_has_state_and_label(api_client, calendar):
    milestone = calendar["milestones"]["yesterday"]
    response = api_client.get(f"{API}/milestones/{milestone.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert (body["state"], body["state_label"], body["days_overdue"]) == ("overdue", "Overdue", 1)


def test_reaching_a_milestone_makes_it_done(api_client, calendar):
    milestone = calendar["milestones"]["a month ago"]
    response = api_client.patch(f"{API}/milestones/{milestone.pk}/", {"actual_date": "2018-06-11"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["days_overdue"]) == ("done", 0)


def test_state_follows_the_date_in_shanghai(api_client, calendar, time_machine):
    # 00:30 on 2018-06-12 in Shanghai, still the 11th in UTC: "today" is overdue now.
    time_machine.move_to(datetime.datetime(2018, 6, 11, 16, 30, tzinfo=datetime.UTC))
    rows = {row["name"]: (row["state"], row["days_overdue"]) for row in listed(api_client, "milestones")}
    assert rows["today"] == ("overdue", 1)
    assert rows["yesterday"] == ("overdue", 2)
    assert rows["in 15 days"] == ("due_soon", 0)


# --- milestone filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"overdue": "true"}, {"yesterday", "a month ago", "last week"}, id="overdue"),
        pytest.param(
            {"overdue": "false"}, {"today", "in 14 days", "in 15 days", "done late", "done early"}, id="not-overdue"
        ),
        pytest.param({"due_within": "0"}, {"today"}, id="due-today"),
        pytest.param({"due_within": "14"}, {"today", "in 14 days"}, id="due-within-14"),
        pytest.param({"due_within": "15"}, {"today", "in 14 days", "in 15 days"}, id="due-within-15"),
        pytest.param({"state": "overdue"}, {"yesterday", "a month ago", "last week"}, id="state-overdue"),
        pytest.param({"state": "done"}, {"done late", "done early"}, id="state-done"),
        pytest.param({"state": "upcoming"}, {"in 15 days"}, id="state-upcoming"),
        pytest.param(
            [("state", "overdue"), ("state", "due_soon")],
            {"yesterday", "a month ago", "last week", "today", "in 14 days"},
            id="state-overdue-or-due-soon",
        ),
        pytest.param({"category": "water"}, {"today", "in 15 days", "done early", "last week"}, id="category"),
        pytest.param(
            [("category", "transport"), ("category", "education")],
            {"yesterday", "done late", "in 14 days", "a month ago"},
            id="two-categories",
        ),
        pytest.param({"overdue": "true", "category": "education"}, {"a month ago"}, id="overdue-and-category"),
        pytest.param({"planned_date_before": "2018-06-10"}, {"yesterday", "done late", "a month ago", "last week"}),
        pytest.param(
            {"planned_date_after": "2018-06-25", "planned_date_before": "2018-06-26"}, {"in 14 days", "in 15 days"}
        ),
    ],
)
def test_milestone_filters(api_client, calendar, params, expected):
    assert set(names(api_client, "milestones", params)) == expected


def test_office_filter(api_client, calendar):
    town = calendar["offices"]["town"]
    assert set(names(api_client, "milestones", {"office": town.pk})) == {
        "yesterday",
        "done late",
        "in 14 days",
        "a month ago",
    }
    assert set(names(api_client, "milestones", {"office": town.pk, "overdue": "true"})) == {"yesterday", "a month ago"}


def test_ordering_by_days_overdue(api_client, calendar):
    rows = listed(api_client, "milestones", {"ordering": "-days_overdue", "overdue": "true"})
    assert [(row["name"], row["days_overdue"]) for row in rows] == [
        ("a month ago", 30),
        ("last week", 7),
        ("yesterday", 1),
    ]
    everything = listed(api_client, "milestones", {"ordering": "-days_overdue"})
    assert [row["days_overdue"] for row in everything] == [30, 7, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("due_within", "-3"),
        ("due_within", "abc"),
        ("due_within", "1.5"),
        ("due_within", "1e3"),
        ("due_within", "99999"),
        ("overdue", "maybe"),
        ("overdue", "yes?"),
        ("state", "late"),
        ("office", "99999"),
        ("office", "abc"),
        ("category", "roads"),
        ("project", "99999"),
        ("planned_date_before", "notadate"),
        ("planned_date_after", "2018-13-01"),
        ("updated_since", "yesterday"),
    ],
)
def test_bad_milestone_filter_answers_400_naming_it(api_client, calendar, param, value):
    assert param in bad_request_fields(api_client.get(f"{API}/milestones/", {param: value}))


def test_bad_overdue_report_filter_answers_400(api_client, calendar):
    assert bad_request_fields(api_client.get(f"{API}/reports/overdue/", {"due_within": "-3"})) == {"due_within"}


# --- projects: behind_schedule, has_overdue, ordering ---------------------------------------------


def project_at(code: str, done: int, start=None, finish=None, **fields):
    project = ProjectFactory(code=code, planned_start=start, planned_finish=finish, **fields)
    WorkItemFactory(project=project, planned_quantity=100, completed_quantity=done)
    return project


@pytest.fixture
def schedules():
    """Planned progress 44.23 (2018-01-01 → 12-31) or exactly 10 (2018-06-01 → 09-09, 10 of 100 days)."""
    year = {"start": datetime.date(2018, 1, 1), "finish": datetime.date(2018, 12, 31)}
    tenth = {"start": datetime.date(2018, 6, 1), "finish": datetime.date(2018, 9, 9)}
    return {
        "BEHIND": project_at("BEHIND", 20, **year),  # variance −24.2
        "SLIGHTLY": project_at("SLIGHTLY", 40, **year),  # −4.2
        "EDGE": project_at("EDGE", 0, **tenth),  # exactly −10: not below −10
        "JUST": project_at("JUST", 0, start=datetime.date(2018, 5, 31), finish=tenth["finish"]),  # −11/101 → −10.9
        "AHEAD": project_at("AHEAD", 90, **year),  # +45.8
        "UNDATED": project_at("UNDATED", 0),  # no planned dates: no variance
    }


def test_figures_of_the_schedule_fixture(api_client, schedules):
    rows = {row["code"]: row["schedule_variance"] for row in listed(api_client, "projects")}
    assert rows == {"BEHIND": -24.2, "SLIGHTLY": -4.2, "EDGE": -10.0, "JUST": -10.9, "AHEAD": 45.8, "UNDATED": None}


def test_behind_schedule(api_client, schedules):
    assert set(codes(api_client, {"behind_schedule": "true"})) == {"BEHIND", "JUST"}


def test_not_behind_schedule_is_everything_else(api_client, schedules):
    # A project without planned dates is not behind schedule.
    assert set(codes(api_client, {"behind_schedule": "false"})) == {"SLIGHTLY", "EDGE", "AHEAD", "UNDATED"}


def test_behind_schedule_of_a_parent_uses_its_rolled_up_progress(api_client):
    year = {"start": datetime.date(2018, 1, 1), "finish": datetime.date(2018, 12, 31)}
    parent = ProjectFactory(code="PARENT", planned_start=year["start"], planned_finish=year["finish"])
    project_at("PARENT-1", 0, parent=parent)
    project_at("PARENT-2", 50, parent=parent)
    # parent: 25 − 44.2 = −19.2; children have no dates
    assert codes(api_client, {"behind_schedule": "true"}) == ["PARENT"]
    WorkItemFactory(project=parent.children.get(code="PARENT-1"), planned_quantity=1, completed_quantity=1)
    # PARENT-1 now (0 + 100) / 2 = 50: parent 50 − 44.2
    assert codes(api_client, {"behind_schedule": "true"}) == []


@pytest.fixture
def overdue_tree():
    root = ProjectFactory(code="R")
    child = ProjectFactory(code="R-1", parent=root)
    grandchild = ProjectFactory(code="R-1-1", parent=child)
    ProjectFactory(code="R-2", parent=root)
    lone = ProjectFactory(code="S")
    MilestoneFactory(project=grandchild, planned_date=day(-3))
    MilestoneFactory(project=lone, planned_date=day(-3), actual_date=day(-4))  # done: not overdue
    MilestoneFactory(project=lone, planned_date=day(0))  # due today: not overdue
    return root


def test_has_overdue_counts_descendants(api_client, overdue_tree):
    assert codes(api_client, {"has_overdue": "true"}) == ["R", "R-1", "R-1-1"]
    assert codes(api_client, {"has_overdue": "false"}) == ["R-2", "S"]
    assert codes(api_client, {"has_overdue": "true", "root": "true"}) == ["R"]


def test_schedule_and_overdue_filters_combine(api_client, overdue_tree, schedules):
    MilestoneFactory(project=schedules["AHEAD"], planned_date=day(-1))
    MilestoneFactory(project=schedules["JUST"], planned_date=day(-1))
    assert codes(api_client, {"has_overdue": "true", "behind_schedule": "true"}) == ["JUST"]
    assert codes(api_client, {"has_overdue": "true", "behind_schedule": "false"}) == ["AHEAD", "R", "R-1", "R-1-1"]


def test_ordering_by_progress(api_client, schedules):
    assert codes(api_client, {"ordering": "progress,code"}) == [
        "EDGE",
        "JUST",
        "UNDATED",
        "BEHIND",
        "SLIGHTLY",
        "AHEAD",
    ]
    assert codes(api_client, {"ordering": "-progress,code"}) == [
        "AHEAD",
        "SLIGHTLY",
        "BEHIND",
        "EDGE",
        "JUST",
        "UNDATED",
    ]


def test_ordering_by_schedule_variance(api_client, schedules):
    # Most behind first; a project without a variance comes last either way, on every database.
    assert codes(api_client, {"ordering": "schedule_variance"}) == [
        "BEHIND",
        "JUST",
        "EDGE",
        "SLIGHTLY",
        "AHEAD",
        "UNDATED",
    ]
    assert codes(api_client, {"ordering": "-schedule_variance"}) == [
        "AHEAD",
        "SLIGHTLY",
        "EDGE",
        "JUST",
        "BEHIND",
        "UNDATED",
    ]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("behind_schedule", "yes?"),
        ("behind_schedule", "maybe"),
        ("has_overdue", "yes"),
        ("has_overdue", "2"),
        ("root", "top"),
        ("office", "99999"),
        ("parent", "abc"),
        ("category", "roads"),
        ("status", "late"),
        ("planned_finish_before", "notadate"),
    ],
)
def test_bad_project_filter_answers_400_naming_it(api_client, schedules, param, value):
    assert param in bad_request_fields(api_client.get(f"{API}/projects/", {param: value}))
