"""Who may do what: every role against every resource and method, and every way of moving a row between offices.

Driven by `tests.resources.RESOURCES`: each resource's rows are made under a project of office A, then each
role (anonymous, viewer, supervisor, A's editor, B's editor, admin) lists, reads, creates, replaces, patches
and deletes them, and moves them to another project, office or parent. The expected answer comes from the
rules of the issue written out once below (`may_write`), not from the code under test. After every refusal
the database holds exactly what it held before.
"""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.choices import Role

from .conftest import client_for
from .factories import OfficeFactory, ProblemFactory, ProjectFactory, UserFactory, WorkItemFactory
from .resources import PROJECT_ROWS, RESOURCES, assert_problem, by_path, domain_snapshot

pytestmark = pytest.mark.django_db

OWN, OTHER = "A", "B"  # the office that owns the rows under test, and another one
ROLES = ["anonymous", "viewer", "supervisor", "editor-own", "editor-other", "admin"]
ACTIONS = ["list", "retrieve", "create", "update", "partial_update", "destroy"]
SUCCESS = {"list": 200, "retrieve": 200, "create": 201, "update": 200, "partial_update": 200, "destroy": 204}


def may_write(role: str, path: str, owners: set) -> bool:
    """The rule of the issue: `owners` are the offices ("A", "B") of every project the write touches, before and
    after; None stands for no project (an office, a town-wide problem)."""
    if role == "admin":
        return True
    if role == "supervisor":
        return path == "problems"
    if role in ("editor-own", "editor-other"):
        office = OWN if role == "editor-own" else OTHER
        return path != "offices" and owners == {office}
    return False


def expected_status(role: str, path: str, action: str, owners: set) -> int:
    if role == "anonymous":
        return 401
    if action in ("list", "retrieve") or may_write(role, path, owners):
        return SUCCESS[action]
    return 403


@dataclass
class World:
    offices: dict
    clients: dict

    def project(self, office: str = OWN, **kwargs):
        return ProjectFactory(office=self.offices[office], **kwargs)


@pytest.fixture
def world(db) -> World:
    offices = {OWN: OfficeFactory(code="office-a"), OTHER: OfficeFactory(code="office-b")}
    users = {
        "viewer": UserFactory(role=Role.VIEWER, office=offices[OWN]),  # an office does not make a viewer an editor
        "supervisor": UserFactory(role=Role.SUPERVISOR, office=None),
        "editor-own": UserFactory(role=Role.EDITOR, office=offices[OWN]),
        "editor-other": UserFactory(role=Role.EDITOR, office=offices[OTHER]),
        # The role alone makes an administrator, without Django's superuser flag.
        "admin": UserFactory(role=Role.ADMIN, office=None),
    }
    clients = {"anonymous": APIClient(), **{role: client_for(user) for role, user in users.items()}}
    return World(offices=offices, clients=clients)


def database_state() -> dict:
    """Every domain row, progress reports and the audit trail included: equal states mean nothing was written."""
    state = domain_snapshot()
    for label in ("reporting",):
        if apps.is_installed(label):
            for model in apps.get_app_config(label).get_models():
                state[model._meta.label] = list(model.objects.order_by("pk").values())
    if apps.is_installed("auditlog"):
        state["auditlog"] = list(apps.get_model("auditlog", "LogEntry").objects.values_list("pk", flat=True))
    return state


def call(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


def assert_refused(response, status: int) -> None:
    body = assert_problem(response, status)
    expected_type = {401: "not-authenticated", 403: "permission-denied"}[status]
    assert body["type"] == f"urn:shuitou:problem:{expected_type}", body
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


# --- every role × every resource × every method ------------------------------------------------------------

# Problems of no project (town-wide) are a resource of their own for the rules: only admins and supervisors.
TOWN_WIDE = "problems (town-wide)"
TARGETS = [*(case.path for case in RESOURCES), TOWN_WIDE]


def make_row(world: World, path: str):
    """A row of `path` owned by office A (for offices: office A itself), and the offices it belongs to."""
    if path == "offices":
        return world.offices[OWN], {None}
    if path == "projects":
        return world.project(), {OWN}
    if path == TOWN_WIDE:
        return ProblemFactory(project=None), {None}
    return by_path(path).factory(project=world.project()), {OWN}


def write_body(world: World, path: str, row=None) -> dict:
    """A valid create (no `row`) or PUT body that leaves the row where it is owned: under office A."""
    case = by_path("problems" if path == TOWN_WIDE else path)
    body = case.payload()
    if path == "projects":
        body.update(office=world.offices[OWN].pk, parent=world.project().pk)
    elif path == TOWN_WIDE:
        body["project"] = None
    elif "project" in body:
        # A create goes into a fresh project of A (no clash with existing rows); a PUT keeps the row's project.
        body["project"] = row.project_id if row is not None else world.project().pk
    return body


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", TARGETS)
def test_each_role_may_do_what_its_rules_say(world, path, role, action):
    case = by_path("problems" if path == TOWN_WIDE else path)
    row, owners = make_row(world, path)
    method, url, data = {
        "list": ("get", case.list_url, None),
        "retrieve": ("get", case.detail_url(row.pk), None),
        "create": ("post", case.list_url, None),
        "update": ("put", case.detail_url(row.pk), None),
        "partial_update": ("patch", case.detail_url(row.pk), case.patch),
        "destroy": ("delete", case.detail_url(row.pk), None),
    }[action]
    if action == "create":
        data = write_body(world, path)
    elif action == "update":
        data = write_body(world, path, row)
    before = database_state()

    response = call(world.clients[role], method, url, data)

    status = expected_status(role, case.path, action, owners)
    if status in (401, 403):
        assert_refused(response, status)
        assert database_state() == before
        return
    assert response.status_code == status, response.content
    if action == "destroy":
        assert not case.model.objects.filter(pk=row.pk).exists()
    elif action != "list":
        assert response.json()["id"] == (row.pk if action != "create" else response.json()["id"])
        if action != "retrieve":
            assert database_state() != before


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_what_does_not_exist_is_404_for_every_logged_in_role(world, case, method, role):
    response = call(world.clients[role], method, case.detail_url(999_999), {} if method in ("put", "patch") else None)
    assert_problem(response, 404)


# --- moving a row, a project, or a project's parent to another office ----------------------------------------


@dataclass(frozen=True)
class Move:
    """A write that moves `path`'s row from a project of office `source` to one of `target` (None: no project)."""

    name: str
    path: str
    source: str | None
    target: str | None

    def __str__(self):
        return f"{self.path}:{self.name}"


MOVES = [
    *(Move("to-other-office", case.path, OWN, OTHER) for case in PROJECT_ROWS),
    *(Move("to-own-office", case.path, OWN, OWN) for case in PROJECT_ROWS),
    Move("to-town-wide", "problems", OWN, None),
    Move("from-town-wide", "problems", None, OWN),
    Move("office-to-other", "projects", OWN, OTHER),
    Move("parent-to-other-office", "projects", OWN, OTHER),
    Move("parent-to-own-office", "projects", OWN, OWN),
]


def moved_row(world: World, move: Move):
    """The row to move, and the change (field → new value, as the API writes it) that moves it."""
    if move.path == "projects":
        project = world.project(move.source)
        if move.name == "office-to-other":
            return project, {"office": world.offices[move.target].pk}
        return project, {"parent": world.project(move.target).pk}
    case = by_path(move.path)
    row = case.factory(project=world.project(move.source) if move.source else None)
    target = world.project(move.target).pk if move.target else None
    return row, {"project": target}


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("move", MOVES, ids=str)
def test_moving_a_row_needs_both_offices(world, move, role, method):
    case = by_path(move.path)
    row, change = moved_row(world, move)
    if method == "put":
        body = case.payload()
        if move.path == "projects":
            body.update(office=row.office_id, parent=row.parent_id)
        change = {**body, **change}
    before = database_state()

    response = call(world.clients[role], method, case.detail_url(row.pk), change)

    status = expected_status(role, case.path, "partial_update", {move.source, move.target})
    if status != 200:
        assert_refused(response, status)
        assert database_state() == before
        return
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    for name, value in change.items():
        if name in ("project", "office", "parent"):
            assert getattr(row, f"{name}_id") == value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("parent_office", [OWN, OTHER])
def test_creating_a_project_under_a_parent_needs_the_parents_office(world, role, parent_office):
    body = {**by_path("projects").payload(), "office": world.offices[OWN].pk, "parent": world.project(parent_office).pk}
    before = database_state()

    response = world.clients[role].post("/api/v1/projects/", body)

    status = expected_status(role, "projects", "create", {OWN, parent_office})
    if status != 201:
        assert_refused(response, status)
        assert database_state() == before
    else:
        assert response.status_code == 201, response.content


def test_an_editor_keeps_editing_a_project_of_theirs_that_hangs_under_another_offices_parent(world):
    """Only a change of parent needs the parent's office: a bid section run by A under B's works stays A's."""
    section = world.project(OWN, parent=world.project(OTHER))
    payload = {**by_path("projects").payload(), "office": section.office_id, "parent": section.parent_id}

    assert (
        world.clients["editor-own"].patch(f"/api/v1/projects/{section.pk}/", {"status": "completed"}).status_code == 200
    )
    assert world.clients["editor-own"].put(f"/api/v1/projects/{section.pk}/", payload).status_code == 200
    assert (
        world.clients["editor-other"].patch(f"/api/v1/projects/{section.pk}/", {"status": "planned"}).status_code == 403
    )


# --- special users ----------------------------------------------------------------------------------------


def test_a_superuser_is_an_administrator_whatever_their_role(world):
    superuser = UserFactory(role=Role.VIEWER, office=None, is_superuser=True)
    response = client_for(superuser).post("/api/v1/offices/", {"code": "new-office", "name": "新指挥部"})
    assert response.status_code == 201, response.content


def test_an_editor_without_an_office_writes_nothing(world):
    client = client_for(UserFactory(role=Role.EDITOR, office=None))
    body = write_body(world, "work-items")
    before = database_state()
    body_of_refusal = assert_problem(client.post("/api/v1/work-items/", body, HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert "office" in body_of_refusal["detail"]
    assert database_state() == before


def test_refusals_say_why(world):
    row = WorkItemFactory(project=world.project(OTHER))

    def detail(role: str) -> str:
        response = world.clients[role].patch(
            f"/api/v1/work-items/{row.pk}/", {"weight": "2.00"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        return assert_problem(response, 403)["detail"]

    assert "viewer" in detail("viewer")
    assert "problems" in detail("supervisor")
    assert "another office" in detail("editor-own")


# --- fields only the server writes ---------------------------------------------------------------------------

SERVER_FIELDS = {"id": 999_999, "created_at": "2000-01-01T00:00:00+08:00", "updated_at": "2000-01-01T00:00:00+08:00"}


@pytest.mark.parametrize("case", RESOURCES, ids=str)
def test_server_fields_are_ignored_on_create_and_patch(world, case):
    client = world.clients["admin"]
    computed = dict.fromkeys(case.computed, 7)

    created = client.post(case.list_url, {**write_body(world, case.path), **SERVER_FIELDS, **computed})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id"] != SERVER_FIELDS["id"]
    assert not body["created_at"].startswith("2000") and not body["updated_at"].startswith("2000")
    row = case.model.objects.get(pk=body["id"])
    assert row.created_at.year != 2000

    patched = client.patch(case.detail_url(row.pk), {**SERVER_FIELDS, **computed})
    assert patched.status_code == 200, patched.content
    assert patched.json()["id"] == row.pk
    stored_created = row.created_at
    row.refresh_from_db()
    assert row.created_at == stored_created and row.updated_at.year != 2000
    assert not case.model.objects.filter(pk=SERVER_FIELDS["id"]).exists()


def test_project_progress_cannot_be_written(world):
    project = world.project(progress_method="manual", manual_progress=30)
    response = world.clients["editor-own"].patch(f"/api/v1/projects/{project.pk}/", {"progress": 99})
    assert response.status_code == 200
    assert response.json()["progress"] == 30.0
    project.refresh_from_db()
    assert project.progress == 30


def test_no_api_writes_a_users_role(world):
    editor = world.clients["editor-own"]
    me = editor.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json()["role"] == "editor" and me.json()["office"] == world.offices[OWN].pk
    for method in ("put", "patch"):
        response = getattr(editor, method)("/api/v1/auth/me/", {"role": "admin", "office": None})
        assert response.status_code in (403, 405)
    assert editor.get("/api/v1/auth/me/").json()["role"] == "editor"
    # A login carrying a role is a login: the role is not read.
    UserFactory(username="li", password="correct-horse", role=Role.VIEWER)
    login = APIClient().post("/api/v1/auth/token/", {"username": "li", "password": "correct-horse", "role": "admin"})
    assert login.status_code == 200
    assert apps.get_model("accounts", "User").objects.get(username="li").role == Role.VIEWER


# --- progress reports (create and read only: a report is never edited) --------------------------------------

REPORTS = "/api/v1/progress-reports/"


def report_body(project, item) -> dict:
    return {
        "project": project.pk,
        "reported_on": "2018-06-10",
        "summary": "路基完成八成",
        "work_items": [{"id": item.pk, "completed_quantity": "80"}],
    }


@pytest.mark.parametrize("role", ROLES)
def test_progress_reports_follow_the_same_rules(world, role):
    project = world.project()
    body = report_body(project, WorkItemFactory(project=project))
    before = database_state()

    response = world.clients[role].post(REPORTS, body)

    status = expected_status(role, "progress-reports", "create", {OWN})
    if status != 201:
        assert_refused(response, status)
        assert database_state() == before
        return
    assert response.status_code == 201, response.content
    report = response.json()["id"]
    assert world.clients[role].get(f"{REPORTS}{report}/").status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(world.clients[role], method)(f"{REPORTS}{report}/", body).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_progress_reports_are_read_by_every_logged_in_role(world, role):
    project = world.project()
    report = world.clients["admin"].post(REPORTS, report_body(project, WorkItemFactory(project=project)))
    assert report.status_code == 201, report.content
    expected = 401 if role == "anonymous" else 200
    assert world.clients[role].get(REPORTS).status_code == expected
    assert world.clients[role].get(f"{REPORTS}{report.json()['id']}/").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_report_may_not_touch_the_rows_of_another_offices_descendant(world, role):
    """A's works with a bid section run by B: A's report on its works may not change B's section's rows."""
    works = world.project(OWN)
    section = world.project(OTHER, parent=works)
    before_item = WorkItemFactory(project=section)
    before = database_state()

    response = world.clients[role].post(REPORTS, report_body(works, before_item))

    status = expected_status(role, "progress-reports", "create", {OWN, OTHER})
    if status != 201:
        assert_refused(response, status)
        assert database_state() == before
    else:
        assert response.status_code == 201, response.content


# --- the demo logins -------------------------------------------------------------------------------------


def test_demo_users_write_what_their_role_allows(db):
    call_command("load_demo", as_of="2018-06-11", stdout=StringIO())
    User = apps.get_model("accounts", "User")
    Project = apps.get_model("projects", "Project")

    def demo_client(username: str, password: str) -> APIClient:
        key = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}).json()["token"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    for editor in User.objects.filter(username__startswith="demo-", role=Role.EDITOR).select_related("office"):
        client = demo_client(editor.username, "shuitou-editor")
        own = Project.objects.filter(office=editor.office).first()
        other = Project.objects.exclude(office=editor.office).first()
        assert own is not None, editor.username
        response = client.patch(f"/api/v1/projects/{own.pk}/", {"contractor": "demo"})
        assert response.status_code == 200, (editor.username, response.content)
        assert_problem(client.patch(f"/api/v1/projects/{other.pk}/", {"contractor": "demo"}), 403)

    supervisor = demo_client("demo-supervisor", "shuitou-supervisor")
    project = Project.objects.first()
    assert_problem(supervisor.patch(f"/api/v1/projects/{project.pk}/", {"contractor": "demo"}), 403)
    problem = {"project": None, "category": "policy", "description": "政策处理", "raised_on": "2018-06-11"}
    assert supervisor.post("/api/v1/problems/", problem).status_code == 201
    assert (
        demo_client("demo-admin", "shuitou-admin").post("/api/v1/offices/", {"code": "x", "name": "X"}).status_code
        == 201
    )
