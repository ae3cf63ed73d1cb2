"""Bad input answers 400 (or 409) in the problem shape, names the field, and writes nothing."""

import pytest

from .factories import (
    ClearanceItemFactory,
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProblemFactory,
    ProjectFactory,
    WorkItemFactory,
)
from .resources import API, assert_problem, by_path, case_of, domain_snapshot, error_fields, resource_params

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 999_999


def post_rejected(client, path: str, body: dict) -> set:
    """POSTs `body` to `path`; returns the 400's `(field, code)` pairs after checking nothing was written."""
    before = domain_snapshot()
    response = client.post(f"{API}{path}/", body)
    errors = field_codes(response)
    assert domain_snapshot() == before
    return errors


def patch_rejected(client, url: str, body: dict) -> set:
    """PATCHes `url`; returns the 400's `(field, code)` pairs after checking nothing was written."""
    before = domain_snapshot()
    errors = field_codes(client.patch(url, body))
    assert domain_snapshot() == before
    return errors


def field_codes(response) -> set:
    error_fields(response)  # checks the problem shape
    return {(error["field"], error["code"]) for error in response.json()["errors"]}


def bad_create(path: str, field: str, code: str, /, **changes):
    """A create of `path` with a valid payload but for `changes`, to be refused naming `field` with `code`."""
    return pytest.param(path, changes, (field, code), id=f"{path}-{field}-{'-'.join(map(str, changes.values()))}")


CREATE_CASES = [
    # Wrong types.
    bad_create("projects", "total_investment", "invalid", total_investment="十二亿"),
    bad_create("projects", "total_investment", "invalid", total_investment="NaN"),
    bad_create("projects", "total_investment", "max_digits", total_investment="1e20"),
    bad_create("projects", "planned_start", "invalid", planned_start="2018-13-45"),
    bad_create("projects", "planned_finish", "invalid", planned_finish="next spring"),
    bad_create("projects", "actual_start", "invalid", actual_start=20180301),
    bad_create("projects", "manual_progress", "invalid", manual_progress="most"),
    bad_create("projects", "code", "invalid", code=["A", "B"]),
    bad_create("work-items", "planned_quantity", "invalid", planned_quantity="lots"),
    bad_create("work-items", "weight", "invalid", weight="heavy"),
    bad_create("land-acquisitions", "planned_area_mu", "invalid", planned_area_mu="60亩"),
    bad_create("demolitions", "planned_rooms", "invalid", planned_rooms="many"),
    bad_create("demolitions", "agreements_signed", "invalid", agreements_signed=1.5),
    bad_create("clearance-items", "completed", "invalid", completed={"value": 1}),
    bad_create("investments", "amount", "invalid", amount="三百"),
    bad_create("investments", "period", "invalid", period="2018-07"),
    bad_create("problems", "raised_on", "invalid", raised_on="2018/05/02"),
    bad_create("milestones", "planned_date", "invalid", planned_date="tomorrow"),
    bad_create("milestones", "project", "incorrect_type", project="P0001"),
    # Unknown choices.
    bad_create("projects", "category", "invalid_choice", category="space"),
    bad_create("projects", "status", "invalid_choice", status="done"),
    bad_create("projects", "progress_method", "invalid_choice", progress_method="vibes"),
    bad_create("land-acquisitions", "kind", "invalid_choice", kind="seizure"),
    bad_create("clearance-items", "kind", "invalid_choice", kind="trees"),
    bad_create("problems", "category", "invalid_choice", category="weather"),
    bad_create("problems", "status", "invalid_choice", status="closed"),
    # Negative numbers.
    bad_create("projects", "total_investment", "min_value", total_investment="-1.00"),
    bad_create("projects", "manual_progress", "min_value", manual_progress=-0.5),
    bad_create("work-items", "planned_quantity", "min_value", planned_quantity="-1.00"),
    bad_create("work-items", "completed_quantity", "min_value", completed_quantity="-0.01"),
    bad_create(
        "land-acquisitions", "planned_area_mu", "min_value", planned_area_mu="-60.00", completed_area_mu="-70.00"
    ),
    bad_create("land-acquisitions", "completed_area_mu", "min_value", completed_area_mu="-1.00"),
    bad_create("demolitions", "planned_rooms", "min_value", planned_rooms=-1, agreements_signed=0, rooms_demolished=0),
    bad_create("demolitions", "agreements_signed", "min_value", agreements_signed=-1),
    bad_create("demolitions", "rooms_demolished", "min_value", rooms_demolished=-1),
    bad_create("clearance-items", "planned", "min_value", planned="-1.00", completed="-2.00"),
    bad_create("clearance-items", "completed", "min_value", completed="-1.00"),
    bad_create("investments", "amount", "min_value", amount="-350.00"),
    # Completed above planned, where the model forbids it.
    bad_create("land-acquisitions", "completed_area_mu", "above_limit", completed_area_mu="60.51"),
    bad_create("demolitions", "agreements_signed", "above_limit", agreements_signed=121),
    bad_create("demolitions", "rooms_demolished", "above_limit", rooms_demolished=121),
    bad_create("clearance-items", "completed", "above_limit", completed="30.01"),
    # Weights must be positive.
    bad_create("work-items", "weight", "min_value", weight="0.00"),
    bad_create("work-items", "weight", "min_value", weight="-1.00"),
    bad_create("milestones", "weight", "min_value", weight="0"),
    bad_create("milestones", "weight", "min_value", weight="-2.00"),
    # Unknown related rows.
    bad_create("projects", "office", "does_not_exist", office=UNKNOWN_ID),
    bad_create("projects", "parent", "does_not_exist", parent=UNKNOWN_ID),
    bad_create("work-items", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("land-acquisitions", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("demolitions", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("clearance-items", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("investments", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("problems", "project", "does_not_exist", project=UNKNOWN_ID),
    bad_create("milestones", "project", "does_not_exist", project=UNKNOWN_ID),
    # Dates in the wrong order.
    bad_create("projects", "planned_finish", "date_order", planned_start="2019-01-01", planned_finish="2018-12-31"),
    bad_create("projects", "actual_finish", "date_order", actual_start="2018-03-15", actual_finish="2018-03-14"),
    bad_create("problems", "resolved_on", "date_order", raised_on="2018-05-02", resolved_on="2018-05-01"),
    bad_create("problems", "due_on", "date_order", raised_on="2018-05-02", due_on="2018-04-30"),
    bad_create("problems", "resolved_on", "invalid", status="open", resolved_on="2018-06-20"),
    # Investment periods are months.
    bad_create("investments", "period", "invalid", period="2018-07-15"),
    # Manual progress.
    bad_create("projects", "manual_progress", "required", progress_method="manual", manual_progress=None),
    bad_create("projects", "manual_progress", "max_value", manual_progress=100.1),
    bad_create("projects", "manual_progress", "max_value", manual_progress=250),
]


@pytest.mark.parametrize(("path", "changes", "error"), CREATE_CASES)
def test_create_with_a_bad_value_names_the_field(api_client, path, changes, error):
    body = {**by_path(path).payload(), **changes}
    assert error in post_rejected(api_client, path, body)


def test_create_without_manual_progress_names_it(api_client):
    body = by_path("projects").payload()
    del body["manual_progress"]
    assert post_rejected(api_client, "projects", body) == {("manual_progress", "required")}


def test_work_items_may_be_completed_above_planned(api_client):
    """Unlike land, houses and clearance, works often grow beyond the planned quantity."""
    body = {**by_path("work-items").payload(), "planned_quantity": "100.00", "completed_quantity": "130.00"}
    response = api_client.post(f"{API}work-items/", body)
    assert response.status_code == 201, response.content
    assert response.json()["completed_quantity"] == "130.00"


def test_completed_may_equal_planned(api_client):
    body = {**by_path("demolitions").payload(), "planned_rooms": 10, "agreements_signed": 10, "rooms_demolished": 10}
    assert api_client.post(f"{API}demolitions/", body).status_code == 201


def test_a_second_investment_for_the_same_month_names_the_period(api_client):
    first = InvestmentFactory(period="2018-07-01")
    body = {"project": first.project_id, "period": "2018-07-01", "amount": "10.00"}
    assert post_rejected(api_client, "investments", body) == {("period", "unique")}


def test_the_same_month_of_another_project_is_fine(api_client):
    InvestmentFactory(period="2018-07-01")
    body = {"project": ProjectFactory().pk, "period": "2018-07-01", "amount": "10.00"}
    assert api_client.post(f"{API}investments/", body).status_code == 201


def test_moving_an_investment_onto_a_taken_month_names_the_period(api_client):
    taken = InvestmentFactory(period="2018-07-01")
    other = InvestmentFactory(project=taken.project, period="2018-08-01")
    url = f"{API}investments/{other.pk}/"
    assert patch_rejected(api_client, url, {"period": "2018-07-01"}) == {("period", "unique")}


@pytest.mark.parametrize(
    ("path", "code"), [("projects", "SL-DUP"), ("offices", "dup-office")], ids=["project-code", "office-code"]
)
def test_a_duplicate_code_names_the_code(api_client, path, code):
    taken = by_path(path).factory(code=code)
    body = {**by_path(path).payload(), "code": taken.code}
    assert post_rejected(api_client, path, body) == {("code", "unique")}


# --- the project tree ---------------------------------------------------------------------------


def test_a_project_cannot_be_its_own_parent(api_client):
    project = ProjectFactory()
    assert patch_rejected(api_client, f"{API}projects/{project.pk}/", {"parent": project.pk}) == {("parent", "cycle")}


def test_a_project_cannot_move_under_its_child(api_client):
    a = ProjectFactory()
    b = ProjectFactory(parent=a)
    assert patch_rejected(api_client, f"{API}projects/{a.pk}/", {"parent": b.pk}) == {("parent", "cycle")}


def test_a_project_cannot_move_under_its_grandchild(api_client):
    a = ProjectFactory()
    b = ProjectFactory(parent=a)
    c = ProjectFactory(parent=b)
    assert patch_rejected(api_client, f"{API}projects/{a.pk}/", {"parent": c.pk}) == {("parent", "cycle")}


def test_a_put_cannot_make_a_cycle_either(api_client):
    a = ProjectFactory(code="A")
    b = ProjectFactory(parent=a)
    body = {"code": "A", "name": a.name, "office": a.office_id, "parent": b.pk}
    before = domain_snapshot()
    assert field_codes(api_client.put(f"{API}projects/{a.pk}/", body)) == {("parent", "cycle")}
    assert domain_snapshot() == before


def test_a_project_may_move_to_another_branch(api_client):
    a, other = ProjectFactory(), ProjectFactory()
    b = ProjectFactory(parent=a)
    response = api_client.patch(f"{API}projects/{b.pk}/", {"parent": other.pk})
    assert response.status_code == 200, response.content
    b.refresh_from_db()
    assert b.parent_id == other.pk


def test_deleting_a_project_with_children_is_a_conflict(api_client):
    parent = ProjectFactory()
    ProjectFactory(parent=parent)
    WorkItemFactory(project=parent)
    before = domain_snapshot()

    body = assert_problem(api_client.delete(f"{API}projects/{parent.pk}/"), 409)

    assert body["type"] == "urn:shuitou:problem:conflict"
    assert domain_snapshot() == before


def test_deleting_an_office_with_projects_is_a_conflict(api_client):
    office = OfficeFactory()
    ProjectFactory(office=office)
    before = domain_snapshot()

    assert_problem(api_client.delete(f"{API}offices/{office.pk}/"), 409)

    assert domain_snapshot() == before


# --- PATCH of an existing row -------------------------------------------------------------------


PATCH_CASES = [
    pytest.param(
        ProjectFactory, {"manual_progress": 100.5}, ("manual_progress", "max_value"), id="project-manual-above-100"
    ),
    pytest.param(
        ProjectFactory,
        {"progress_method": "manual"},
        ("manual_progress", "required"),
        id="project-manual-without-value",
    ),
    pytest.param(
        lambda: ProjectFactory(planned_start="2018-03-01"),
        {"planned_finish": "2018-02-28"},
        ("planned_finish", "date_order"),
        id="project-finish-before-existing-start",
    ),
    pytest.param(ProjectFactory, {"category": "space"}, ("category", "invalid_choice"), id="project-category"),
    pytest.param(ProjectFactory, {"office": UNKNOWN_ID}, ("office", "does_not_exist"), id="project-unknown-office"),
    pytest.param(ProjectFactory, {"office": None}, ("office", "null"), id="project-office-null"),
    pytest.param(ProjectFactory, {"name": ""}, ("name", "blank"), id="project-name-blank"),
    pytest.param(WorkItemFactory, {"weight": "0"}, ("weight", "min_value"), id="work-item-weight"),
    pytest.param(WorkItemFactory, {"planned_quantity": "abc"}, ("planned_quantity", "invalid"), id="work-item-type"),
    pytest.param(
        LandAcquisitionFactory, {"completed_area_mu": "60.01"}, ("completed_area_mu", "above_limit"), id="land-above"
    ),
    pytest.param(
        LandAcquisitionFactory, {"planned_area_mu": "56.99"}, ("completed_area_mu", "above_limit"), id="land-shrunk"
    ),
    pytest.param(
        DemolitionFactory, {"planned_rooms": 500}, ("agreements_signed", "above_limit"), id="demolition-shrunk"
    ),
    pytest.param(
        DemolitionFactory, {"rooms_demolished": 601}, ("rooms_demolished", "above_limit"), id="demolition-above"
    ),
    pytest.param(ClearanceItemFactory, {"completed": "104.01"}, ("completed", "above_limit"), id="clearance-above"),
    pytest.param(ClearanceItemFactory, {"kind": "trees"}, ("kind", "invalid_choice"), id="clearance-kind"),
    pytest.param(InvestmentFactory, {"period": "2018-01-31"}, ("period", "invalid"), id="investment-mid-month"),
    pytest.param(InvestmentFactory, {"amount": "-1"}, ("amount", "min_value"), id="investment-negative"),
    pytest.param(ProblemFactory, {"status": "closed"}, ("status", "invalid_choice"), id="problem-status"),
    pytest.param(
        ProblemFactory,
        {"status": "resolved", "resolved_on": "2018-06-10"},
        ("resolved_on", "date_order"),
        id="problem-resolved-early",
    ),
    pytest.param(MilestoneFactory, {"weight": "-1"}, ("weight", "min_value"), id="milestone-weight"),
    pytest.param(MilestoneFactory, {"planned_date": "2018-02-30"}, ("planned_date", "invalid"), id="milestone-date"),
    pytest.param(MilestoneFactory, {"project": UNKNOWN_ID}, ("project", "does_not_exist"), id="milestone-project"),
]


@pytest.mark.parametrize(("make", "changes", "error"), PATCH_CASES)
def test_patch_with_a_bad_value_leaves_the_row_unchanged(api_client, make, changes, error):
    row = make()
    assert error in patch_rejected(api_client, case_of(row).detail_url(row.pk), changes)


# --- malformed and empty bodies -----------------------------------------------------------------


REQUIRED = {
    "offices": {"code", "name"},
    "projects": {"code", "name", "office"},
    "work-items": {"project", "name", "unit", "planned_quantity"},
    "land-acquisitions": {"project", "planned_area_mu"},
    "demolitions": {"project", "planned_rooms"},
    "clearance-items": {"project", "kind", "unit", "planned"},
    "investments": {"project", "period", "amount"},
    "problems": {"category", "description", "raised_on"},
    "milestones": {"project", "name", "planned_date"},
}


@resource_params()
@pytest.mark.parametrize("body", [{}, None], ids=["empty-object", "no-body"])
def test_an_empty_post_names_every_required_field(api_client, case, body):
    before = domain_snapshot()
    response = api_client.post(case.list_url, body)
    assert error_fields(response) == REQUIRED[case.path]
    assert {error["code"] for error in response.json()["errors"]} == {"required"}
    assert domain_snapshot() == before


@resource_params()
@pytest.mark.parametrize(
    "text", ['{"name": "水头', "{'name': 'x'}", "[1, 2", "NaN-ish"], ids=["truncated", "single-quotes", "array", "word"]
)
def test_malformed_json_is_a_parse_error(api_client, case, text):
    before = domain_snapshot()
    response = api_client.post(case.list_url, text, content_type="application/json")
    body = assert_problem(response, 400)
    assert body["type"] == "urn:shuitou:problem:parse-error"
    assert domain_snapshot() == before


@resource_params([by_path("projects"), by_path("investments")])
def test_a_json_array_instead_of_an_object_is_refused(api_client, case):
    before = domain_snapshot()
    response = api_client.post(case.list_url, "[]", content_type="application/json")
    assert error_fields(response) == {None}
    assert domain_snapshot() == before
