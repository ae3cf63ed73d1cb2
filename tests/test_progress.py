"""Progress and the other figures of a project, each checked against a value computed by hand.

Everything is read back through the HTTP API (`/projects/{id}/`, `/work-items/{id}/`); writes that
must refresh stored progress go through the API too. The clock is frozen at 2018-06-11 (Shanghai).
"""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from projects.models import Project, WorkItem
from projects.progress import refresh_progress
from projects.services.writes import row_update

from .factories import (
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    ProjectFactory,
    UserFactory,
    WorkItemFactory,
)

API = "/api/v1"
PAST = datetime.date(2018, 5, 1)
FUTURE = datetime.date(2018, 10, 1)

pytestmark = pytest.mark.usefixtures("frozen_today")


def project_json(client, project) -> dict:
    response = client.get(f"{API}/projects/{project.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def progress(client, project) -> float:
    return project_json(client, project)["progress"]


def item(project, planned, completed, weight=1) -> WorkItem:
    return WorkItemFactory(
        project=project,
        planned_quantity=Decimal(planned),
        completed_quantity=Decimal(completed),
        weight=Decimal(weight),
    )


def leaf_at(percent_done, **fields) -> Project:
    """A `quantities` project whose one work item is `percent_done` % complete."""
    project = ProjectFactory(**fields)
    item(project, 100, percent_done)
    return project


def patch(client, path: str, obj, body: dict) -> dict:
    response = client.patch(f"{API}/{path}/{obj.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# --- work items and `quantities` projects --------------------------------------------------------


@pytest.mark.django_db
class TestQuantities:
    def test_work_item_progress_is_completed_over_planned(self, api_client):
        row = item(ProjectFactory(), "80", "30")
        assert api_client.get(f"{API}/work-items/{row.pk}/").json()["progress"] == 37.5

    def test_equal_weights_average_the_items(self, api_client):
        project = ProjectFactory()
        item(project, 100, 40)
        item(project, 200, 150)
        # (40 + 75) / 2
        assert progress(api_client, project) == 57.5

    def test_unequal_weights(self, api_client):
        project = ProjectFactory()
        item(project, 100, 40, weight=2)
        item(project, 200, 150, weight=3)
        # (40 × 2 + 75 × 3) / 5 = 305 / 5
        assert progress(api_client, project) == 61.0

    def test_progress_is_rounded_half_up_to_one_decimal(self, api_client):
        project = ProjectFactory()
        item(project, 100, 40, weight=1)
        item(project, 200, 150, weight=3)
        # (40 + 225) / 4 = 66.25
        assert progress(api_client, project) == 66.3
        project.refresh_from_db()
        assert project.progress == Decimal("66.25")

    def test_unrounded_figures_average_before_rounding(self, api_client):
        project = ProjectFactory()
        item(project, 3, 1)  # 33.333…
        item(project, 3, 2)  # 66.666…
        item(project, 1, 0)
        # (1/3 + 2/3 + 0) / 3 × 100 = 33.333…
        assert progress(api_client, project) == 33.3

    def test_completed_above_planned_is_capped_at_100(self, api_client):
        project = ProjectFactory()
        over = item(project, 50, 80)
        item(project, 100, 20)
        assert api_client.get(f"{API}/work-items/{over.pk}/").json()["progress"] == 100.0
        # (100 + 20) / 2, not (160 + 20) / 2
        assert progress(api_client, project) == 60.0

    def test_a_planned_quantity_of_zero_has_no_progress_and_no_weight(self, api_client):
        project = ProjectFactory()
        nothing_planned = item(project, 0, 5, weight=5)
        item(project, 100, 30)
        assert api_client.get(f"{API}/work-items/{nothing_planned.pk}/").json()["progress"] is None
        assert progress(api_client, project) == 30.0

    def test_only_unmeasurable_items_give_zero(self, api_client):
        project = ProjectFactory()
        item(project, 0, 0)
        item(project, 0, 3)
        assert progress(api_client, project) == 0.0

    def test_a_project_without_items_has_zero(self, api_client):
        assert progress(api_client, ProjectFactory()) == 0.0

    def test_milestones_do_not_count_for_a_quantities_project(self, api_client):
        project = ProjectFactory(progress_method="quantities")
        item(project, 100, 20)
        MilestoneFactory(project=project, planned_date=PAST, actual_date=PAST)
        assert progress(api_client, project) == 20.0


# --- `milestones` and `manual` projects ----------------------------------------------------------


@pytest.mark.django_db
class TestMilestonesAndManual:
    def test_equal_weights_give_the_share_done(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        for actual_date in (PAST, PAST, None, None, None):
            MilestoneFactory(project=project, planned_date=PAST, actual_date=actual_date)
        assert progress(api_client, project) == 40.0

    def test_unequal_weights_give_the_share_of_weight_done(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        MilestoneFactory(project=project, planned_date=PAST, actual_date=PAST, weight=Decimal(3))
        MilestoneFactory(project=project, planned_date=FUTURE, weight=Decimal(1))
        MilestoneFactory(project=project, planned_date=FUTURE, weight=Decimal("0.5"))
        # 3 / 4.5, not one milestone in three
        assert progress(api_client, project) == 66.7

    def test_work_items_do_not_count_for_a_milestones_project(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        item(project, 100, 100)
        MilestoneFactory(project=project, planned_date=FUTURE)
        assert progress(api_client, project) == 0.0

    def test_no_milestones_gives_zero(self, api_client):
        assert progress(api_client, ProjectFactory(progress_method="milestones")) == 0.0

    def test_reaching_a_milestone_through_the_api_moves_progress(self, api_client):
        project = ProjectFactory(progress_method="milestones")
        first = MilestoneFactory(project=project, planned_date=PAST, weight=Decimal(1))
        MilestoneFactory(project=project, planned_date=FUTURE, weight=Decimal(3))
        assert progress(api_client, project) == 0.0
        patch(api_client, "milestones", first, {"actual_date": "2018-06-01"})
        assert progress(api_client, project) == 25.0

    def test_deleting_or_moving_a_milestone_through_the_api_moves_progress(self, api_client):
        project, other = ProjectFactory(progress_method="milestones"), ProjectFactory(progress_method="milestones")
        MilestoneFactory(project=project, planned_date=PAST, actual_date=PAST, weight=Decimal(1))
        moving = MilestoneFactory(project=project, planned_date=PAST, actual_date=PAST, weight=Decimal(1))
        pending = MilestoneFactory(project=project, planned_date=FUTURE, weight=Decimal(2))
        assert progress(api_client, project) == 50.0
        patch(api_client, "milestones", moving, {"project": other.pk})
        assert (progress(api_client, project), progress(api_client, other)) == (33.3, 100.0)
        assert api_client.delete(f"{API}/milestones/{pending.pk}/").status_code == 204
        assert progress(api_client, project) == 100.0

    def test_manual_progress_is_taken_as_entered(self, api_client):
        project = ProjectFactory(progress_method="manual", manual_progress=Decimal("37.5"))
        item(project, 100, 90)
        assert progress(api_client, project) == 37.5
        assert patch(api_client, "projects", project, {"manual_progress": 42.4})["progress"] == 42.4

    def test_switching_method_through_the_api_recomputes(self, api_client):
        project = ProjectFactory()
        item(project, 100, 90)
        assert progress(api_client, project) == 90.0
        body = patch(api_client, "projects", project, {"progress_method": "manual", "manual_progress": 15})
        assert body["progress"] == 15.0
        assert patch(api_client, "projects", project, {"progress_method": "quantities"})["progress"] == 90.0


# --- the project tree ----------------------------------------------------------------------------


@pytest.fixture
def works():
    """works → 标段 S1 (3000 万元), S2 (1000) → S1's sub-works A (200) and B (600).

    A is 50 %, B 10 %, S2 90 %: S1 = (50 × 200 + 10 × 600) / 800 = 20; works = (20 × 3000 + 90 × 1000) / 4000 = 37.5.
    """
    root = ProjectFactory(code="W", total_investment=Decimal(9999))
    s1 = ProjectFactory(code="W-S1", parent=root, total_investment=Decimal(3000))
    s2 = leaf_at(90, code="W-S2", parent=root, total_investment=Decimal(1000))
    a = leaf_at(50, code="W-S1-A", parent=s1, total_investment=Decimal(200))
    b = leaf_at(10, code="W-S1-B", parent=s1, total_investment=Decimal(600))
    # A parent's own work items and method are ignored once it has children.
    item(s1, 100, 100)
    item(root, 100, 100)
    return {"root": root, "s1": s1, "s2": s2, "a": a, "b": b}


@pytest.mark.django_db
class TestTree:
    def test_three_levels_weighted_by_total_investment(self, api_client, works):
        assert progress(api_client, works["a"]) == 50.0
        assert progress(api_client, works["b"]) == 10.0
        assert progress(api_client, works["s1"]) == 20.0
        assert progress(api_client, works["s2"]) == 90.0
        assert progress(api_client, works["root"]) == 37.5

    def test_list_and_detail_agree(self, api_client, works):
        response = api_client.get(f"{API}/projects/", {"ordering": "code"})
        by_code = {row["code"]: row["progress"] for row in response.json()["results"]}
        assert by_code == {"W": 37.5, "W-S1": 20.0, "W-S1-A": 50.0, "W-S1-B": 10.0, "W-S2": 90.0}

    def test_children_without_investment_weigh_equally(self, api_client):
        parent = ProjectFactory()
        for done in (30, 60, 100):
            leaf_at(done, parent=parent)
        # (30 + 60 + 100) / 3 = 63.33…
        assert progress(api_client, parent) == 63.3

    def test_a_child_without_investment_weighs_nothing_when_a_sibling_has_one(self, api_client):
        parent = ProjectFactory()
        leaf_at(30, parent=parent, total_investment=Decimal(100))
        leaf_at(90, parent=parent, total_investment=None)
        leaf_at(70, parent=parent, total_investment=Decimal(300))
        # (30 × 100 + 70 × 300) / 400 = 60; equal weights would give 63.3
        assert progress(api_client, parent) == 60.0

    def test_a_parent_of_milestone_and_manual_children(self, api_client):
        parent = ProjectFactory(progress_method="milestones")
        by_milestones = ProjectFactory(parent=parent, progress_method="milestones", total_investment=Decimal(1))
        MilestoneFactory(project=by_milestones, planned_date=PAST, actual_date=PAST)
        MilestoneFactory(project=by_milestones, planned_date=FUTURE)
        ProjectFactory(parent=parent, progress_method="manual", manual_progress=Decimal(80), total_investment=3)
        # (50 × 1 + 80 × 3) / 4 = 72.5
        assert progress(api_client, parent) == 72.5


# --- stored progress refreshed by writes through the API ------------------------------------------


@pytest.mark.django_db
class TestRefresh:
    def test_after_patching_a_work_item(self, api_client, works):
        sub_item = works["b"].work_items.get()
        patch(api_client, "work-items", sub_item, {"completed_quantity": "70"})
        # B 70: S1 = (50 × 200 + 70 × 600) / 800 = 65; works = (65 × 3000 + 90 × 1000) / 4000 = 71.25
        assert progress(api_client, works["b"]) == 70.0
        assert progress(api_client, works["s1"]) == 65.0
        assert progress(api_client, works["root"]) == 71.3

    def test_after_creating_a_work_item(self, api_client, works):
        body = {
            "project": works["a"].pk,
            "name": "桥梁",
            "unit": "座",
            "planned_quantity": "4",
            "completed_quantity": "0",
        }
        response = api_client.post(f"{API}/work-items/", body, format="json")
        assert response.status_code == 201, response.content
        # A (50 + 0) / 2 = 25: S1 = (25 × 200 + 10 × 600) / 800 = 13.75; works = (13.75 × 3000 + 90000) / 4000
        assert progress(api_client, works["a"]) == 25.0
        assert progress(api_client, works["s1"]) == 13.8
        assert progress(api_client, works["root"]) == 32.8  # 32.8125

    def test_after_deleting_a_work_item(self, api_client):
        parent = ProjectFactory()
        child = ProjectFactory(parent=parent)
        item(child, 100, 20)
        done = item(child, 100, 100)
        leaf_at(40, parent=parent)
        assert progress(api_client, parent) == 50.0  # (60 + 40) / 2
        assert api_client.delete(f"{API}/work-items/{done.pk}/").status_code == 204
        assert progress(api_client, child) == 20.0
        assert progress(api_client, parent) == 30.0

    def test_after_moving_a_work_item_to_another_project(self, api_client):
        first, second = ProjectFactory(), ProjectFactory()
        item(first, 100, 20)
        moving = item(first, 100, 100)
        patch(api_client, "work-items", moving, {"project": second.pk})
        assert progress(api_client, first) == 20.0
        assert progress(api_client, second) == 100.0

    def test_after_moving_a_child_to_another_parent(self, api_client, works):
        other = ProjectFactory(code="X")
        leaf_at(0, code="X-1", parent=other, total_investment=Decimal(100))
        patch(api_client, "projects", works["b"], {"parent": other.pk})
        # S1 now A alone: 50; works = (50 × 3000 + 90 × 1000) / 4000 = 60; X = (0 × 100 + 10 × 600) / 700
        assert progress(api_client, works["s1"]) == 50.0
        assert progress(api_client, works["root"]) == 60.0
        assert progress(api_client, other) == 8.6
        assert project_json(api_client, works["s1"])["children_count"] == 1
        assert project_json(api_client, other)["children_count"] == 2

    def test_after_moving_the_last_child_away(self, api_client):
        old_parent = ProjectFactory()
        item(old_parent, 100, 25)  # ignored while it has a child, counted again after
        child = leaf_at(80, parent=old_parent)
        new_parent = ProjectFactory()
        assert progress(api_client, old_parent) == 80.0
        patch(api_client, "projects", child, {"parent": new_parent.pk})
        assert progress(api_client, old_parent) == 25.0
        assert progress(api_client, new_parent) == 80.0

    def test_after_moving_a_subtree(self, api_client, works):
        other = ProjectFactory(code="X")
        parent = ProjectFactory(code="X-1", parent=other, total_investment=Decimal(100))
        item(parent, 100, 0)
        patch(api_client, "projects", works["s1"], {"parent": parent.pk})
        # works = S2 alone; X-1 = S1 = 20 (its only child); X = X-1
        assert progress(api_client, works["root"]) == 90.0
        assert (progress(api_client, parent), progress(api_client, other)) == (20.0, 20.0)
        patch(api_client, "work-items", works["a"].work_items.get(), {"completed_quantity": "100"})
        # A 100: S1 = (100 × 200 + 10 × 600) / 800 = 32.5, up to X through the new links
        assert (progress(api_client, parent), progress(api_client, other)) == (32.5, 32.5)
        assert progress(api_client, works["root"]) == 90.0

    def test_after_making_a_child_a_root(self, api_client, works):
        patch(api_client, "projects", works["s2"], {"parent": None})
        assert progress(api_client, works["root"]) == 20.0  # S1 alone
        assert progress(api_client, works["s2"]) == 90.0

    def test_after_changing_a_childs_total_investment(self, api_client, works):
        patch(api_client, "projects", works["a"], {"total_investment": "1400"})
        # S1 = (50 × 1400 + 10 × 600) / 2000 = 38; works = (38 × 3000 + 90 × 1000) / 4000 = 51
        assert progress(api_client, works["s1"]) == 38.0
        assert progress(api_client, works["root"]) == 51.0

    def test_after_clearing_every_childs_investment(self, api_client, works):
        patch(api_client, "projects", works["s1"], {"total_investment": None})
        # S2 is the only child with a budget: works = 90
        assert progress(api_client, works["root"]) == 90.0
        patch(api_client, "projects", works["s2"], {"total_investment": None})
        # no child has one: (20 + 90) / 2
        assert progress(api_client, works["root"]) == 55.0

    def test_after_adding_a_child_through_the_api(self, api_client, works):
        body = {
            "code": "W-S3",
            "name": "三标",
            "office": works["root"].office_id,
            "parent": works["root"].pk,
            "total_investment": "4000",
            "progress_method": "manual",
            "manual_progress": 10,
        }
        response = api_client.post(f"{API}/projects/", body, format="json")
        assert response.status_code == 201, response.content
        # (20 × 3000 + 90 × 1000 + 10 × 4000) / 8000 = 23.75
        assert progress(api_client, works["root"]) == 23.8

    def test_after_deleting_a_child(self, api_client, works):
        assert api_client.delete(f"{API}/projects/{works['s2'].pk}/").status_code == 204
        assert progress(api_client, works["root"]) == 20.0


# --- figures over the project's subtree ----------------------------------------------------------


@pytest.fixture
def measured():
    """A root (1000 万元) with a child (400) and a grandchild (none), each with land, rooms and money."""
    root = ProjectFactory(total_investment=Decimal(1000))
    child = ProjectFactory(parent=root, total_investment=Decimal(400))
    grandchild = ProjectFactory(parent=child, total_investment=None)
    LandAcquisitionFactory(project=root, planned_area_mu=Decimal(60), completed_area_mu=Decimal(30))
    LandAcquisitionFactory(project=child, planned_area_mu=Decimal(30), completed_area_mu=Decimal(7.5))
    LandAcquisitionFactory(project=grandchild, planned_area_mu=Decimal(10), completed_area_mu=Decimal(2.5))
    DemolitionFactory(project=root, planned_rooms=600, agreements_signed=552, rooms_demolished=345)
    DemolitionFactory(project=grandchild, planned_rooms=400, agreements_signed=48, rooms_demolished=55)
    InvestmentFactory(project=root, period=datetime.date(2018, 1, 1), amount=Decimal(300))
    InvestmentFactory(project=child, period=datetime.date(2018, 1, 1), amount=Decimal(200))
    InvestmentFactory(project=grandchild, period=datetime.date(2018, 2, 1), amount=Decimal("150.5"))
    return {"root": root, "child": child, "grandchild": grandchild}


@pytest.mark.django_db
class TestSubtreeFigures:
    def test_land(self, api_client, measured):
        root = project_json(api_client, measured["root"])
        assert (root["land_planned_mu"], root["land_completed_mu"], root["land_progress"]) == ("100.00", "40.00", 40.0)
        child = project_json(api_client, measured["child"])
        assert (child["land_planned_mu"], child["land_completed_mu"], child["land_progress"]) == (
            "40.00",
            "10.00",
            25.0,
        )

    def test_demolition_and_agreements(self, api_client, measured):
        root = project_json(api_client, measured["root"])
        assert (root["rooms_planned"], root["rooms_signed"], root["rooms_demolished"]) == (1000, 600, 400)
        assert (root["agreement_progress"], root["demolition_progress"]) == (60.0, 40.0)
        child = project_json(api_client, measured["child"])
        assert (child["rooms_planned"], child["agreement_progress"], child["demolition_progress"]) == (400, 12.0, 13.8)

    def test_investment(self, api_client, measured):
        root = project_json(api_client, measured["root"])
        # 300 + 200 + 150.5 over the root's own 1000
        assert (root["investment_completed"], root["investment_progress"]) == ("650.50", 65.1)
        child = project_json(api_client, measured["child"])
        assert (child["investment_completed"], child["investment_progress"]) == ("350.50", 87.6)

    def test_investment_progress_is_null_without_a_budget(self, api_client, measured):
        grandchild = project_json(api_client, measured["grandchild"])
        assert (grandchild["investment_completed"], grandchild["investment_progress"]) == ("150.50", None)

    def test_investment_progress_is_capped_at_100(self, api_client, measured):
        InvestmentFactory(project=measured["child"], period=datetime.date(2018, 3, 1), amount=Decimal(100))
        child = project_json(api_client, measured["child"])
        assert (child["investment_completed"], child["investment_progress"]) == ("450.50", 100.0)

    def test_a_project_with_nothing_measured(self, api_client):
        body = project_json(api_client, ProjectFactory(total_investment=Decimal(500)))
        assert body["investment_completed"] == "0.00"
        assert body["investment_progress"] == 0.0
        assert (body["land_planned_mu"], body["land_progress"]) == ("0.00", None)
        assert (body["rooms_planned"], body["agreement_progress"], body["demolition_progress"]) == (0, None, None)
        assert (body["overdue_milestones"], body["children_count"]) == (0, 0)

    def test_overdue_milestones_count_descendants(self, api_client, measured):
        yesterday, last_month = datetime.date(2018, 6, 10), datetime.date(2018, 5, 11)
        MilestoneFactory(project=measured["root"], planned_date=last_month)
        MilestoneFactory(project=measured["child"], planned_date=yesterday)
        MilestoneFactory(project=measured["child"], planned_date=last_month, actual_date=yesterday)  # done
        MilestoneFactory(project=measured["child"], planned_date=datetime.date(2018, 6, 11))  # due today
        MilestoneFactory(project=measured["grandchild"], planned_date=last_month)
        MilestoneFactory(project=measured["grandchild"], planned_date=PAST)
        counts = {name: project_json(api_client, p)["overdue_milestones"] for name, p in measured.items()}
        assert counts == {"root": 4, "child": 3, "grandchild": 2}

    def test_figures_follow_a_subtree_that_moves(self, api_client, measured):
        other = ProjectFactory()
        patch(api_client, "projects", measured["child"], {"parent": other.pk})
        root, moved = project_json(api_client, measured["root"]), project_json(api_client, other)
        assert (root["land_planned_mu"], root["rooms_planned"], root["investment_completed"]) == (
            "60.00",
            600,
            "300.00",
        )
        assert (moved["land_planned_mu"], moved["rooms_planned"], moved["investment_completed"]) == (
            "40.00",
            400,
            "350.50",
        )

    def test_children_count_counts_direct_children_only(self, api_client, measured):
        ProjectFactory(parent=measured["root"])
        counts = {name: project_json(api_client, p)["children_count"] for name, p in measured.items()}
        assert counts == {"root": 2, "child": 1, "grandchild": 0}


# --- planned progress and schedule variance (today is 2018-06-11) --------------------------------


def schedule(client, start, finish, **fields) -> tuple:
    body = project_json(client, ProjectFactory(planned_start=start, planned_finish=finish, **fields))
    return body["planned_progress"], body["schedule_variance"]


@pytest.mark.django_db
class TestPlannedProgress:
    @pytest.mark.parametrize(
        ("start", "finish", "expected"),
        [
            pytest.param("2018-07-01", "2018-12-31", 0.0, id="before-start"),
            pytest.param("2018-06-11", "2018-12-31", 0.0, id="starts-today"),
            pytest.param("2017-01-01", "2018-06-10", 100.0, id="after-finish"),
            pytest.param("2017-01-01", "2018-06-11", 100.0, id="finishes-today"),
            pytest.param("2018-06-11", "2018-06-11", 0.0, id="one-day-today"),
            # 161 of 364 days = 44.23…
            pytest.param("2018-01-01", "2018-12-31", 44.2, id="midway"),
            # 10 of 40 days
            pytest.param("2018-06-01", "2018-07-11", 25.0, id="a-quarter"),
            # 1 of 3 days
            pytest.param("2018-06-10", "2018-06-13", 33.3, id="a-third"),
        ],
    )
    def test_share_of_the_schedule_passed(self, api_client, start, finish, expected):
        assert schedule(api_client, start, finish)[0] == expected

    @pytest.mark.parametrize(("start", "finish"), [(None, None), ("2018-01-01", None), (None, "2018-12-31")])
    def test_null_without_both_dates(self, api_client, start, finish):
        assert schedule(api_client, start, finish) == (None, None)

    def test_schedule_variance_is_progress_minus_planned(self, api_client):
        behind = ProjectFactory(planned_start="2018-01-01", planned_finish="2018-12-31")
        item(behind, 100, 20)
        assert project_json(api_client, behind)["schedule_variance"] == -24.2  # 20 − 44.23
        ahead = dict(progress_method="manual", manual_progress=Decimal(60))
        assert schedule(api_client, "2018-01-01", "2018-12-31", **ahead) == (44.2, 15.8)  # 60 − 44.23
        done = dict(progress_method="manual", manual_progress=Decimal(100))
        assert schedule(api_client, "2018-06-01", "2018-07-11", **done) == (25.0, 75.0)

    def test_the_date_is_the_date_in_shanghai(self, api_client, time_machine):
        # 00:30 on the 12th in Shanghai is still the 11th in UTC.
        time_machine.move_to(datetime.datetime(2018, 6, 11, 16, 30, tzinfo=datetime.UTC))
        assert schedule(api_client, "2018-06-02", "2018-06-22")[0] == 50.0


# --- concurrent writes (PostgreSQL) --------------------------------------------------------------


def stored(project) -> Decimal:
    return Project.objects.get(pk=project.pk).progress


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_updates_under_one_parent_leave_the_parent_right(attempt):
    parent = ProjectFactory()
    east = ProjectFactory(parent=parent, total_investment=Decimal(300))
    west = ProjectFactory(parent=parent, total_investment=Decimal(100))
    east_item, west_item = item(east, 100, 0), item(west, 100, 0)
    assert stored(parent) == 0

    barrier = threading.Barrier(2, timeout=10)
    errors = []
    admin = UserFactory(role="admin", office=None, is_superuser=True)

    def update(row: WorkItem, completed: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                row_update(user=admin, row=row, values={"completed_quantity": Decimal(completed)})
                # Hold the transaction open so that the other writer runs while this one has not committed.
                time.sleep(0.2)
        except Exception as error:  # noqa: BLE001  (reported to the main thread)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=update, args=(east_item, 40)),
        threading.Thread(target=update, args=(west_item, 80)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert (stored(east), stored(west)) == (Decimal(40), Decimal(80))
    # (40 × 300 + 80 × 100) / 400
    assert stored(parent) == Decimal(50)
    with transaction.atomic():
        refresh_progress(project_ids=[east.pk, west.pk])
    assert stored(parent) == Decimal(50)
