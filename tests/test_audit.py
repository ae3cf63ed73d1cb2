"""The audit trail: every write path leaves who, when, before and after; `GET /api/v1/changes/` lists it."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from milestones.models import Milestone
from projects.models import Office, Project, WorkItem
from projects.progress import refresh_progress

from .conftest import client_for
from .factories import MilestoneFactory, OfficeFactory, ProjectFactory, UserFactory, WorkItemFactory
from .resources import assert_problem, by_path, error_fields, resource_params

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/changes/"


def as_logged(value):
    """A value as the audit trail keeps it: JSON primitives as they are, decimals and dates as text."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def same(logged, sent) -> bool:
    """A logged value equals a value sent to the API (`"8800.50"`, `35.5`, `"2018-10-08"`)."""
    if str(logged) == str(sent):
        return True
    try:
        return Decimal(str(logged)) == Decimal(str(sent))
    except ArithmeticError:
        return False


def admin():
    return UserFactory(role="admin", office=None, is_staff=True, is_superuser=True)


def entries(row, action=None):
    found = LogEntry.objects.get_for_object(row).order_by("id")
    return list(found if action is None else found.filter(action=action))


def last_entry(row, action) -> LogEntry:
    return entries(row, action)[-1]


# --- every write path leaves an entry -------------------------------------------------------------


@resource_params()
def test_api_create_records_the_actor_and_the_new_values(api_client, admin_user, case):
    payload = case.payload()
    response = api_client.post(case.list_url, payload)
    assert response.status_code == 201
    row = case.model.objects.get(pk=response.json()["id"])

    entry = last_entry(row, LogEntry.Action.CREATE)

    assert entry.actor == admin_user
    for name, value in payload.items():
        if value not in (None, ""):
            before, after = entry.changes[name]
            assert before is None
            assert same(after, value), name


@resource_params()
def test_api_update_records_before_and_after(api_client, admin_user, case):
    row = case.model.objects.get(pk=case.factory().pk)  # as stored: decimals with their places
    before = {name: case.model._meta.get_field(name).value_from_object(row) for name in case.patch}

    assert api_client.patch(case.detail_url(row.pk), case.patch).status_code == 200

    entry = last_entry(row, LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    for name, value in case.patch.items():
        old, new = entry.changes[name]
        assert old == as_logged(before[name]), name
        assert same(new, value), name
    assert "version" not in entry.changes and "updated_at" not in entry.changes


@resource_params()
def test_api_delete_records_the_last_values(api_client, admin_user, case):
    row = case.model.objects.get(pk=case.factory().pk)
    pk = row.pk

    assert api_client.delete(case.detail_url(pk)).status_code == 204

    entry = LogEntry.objects.get(content_type__model=case.model._meta.model_name, object_id=pk, action=2)
    assert entry.actor == admin_user
    assert entry.object_repr == str(row)
    assert all(after is None for _before, after in entry.changes.values())
    assert entry.changes["id"] == [pk, None]


def test_the_admin_records_its_user(admin_user):
    office = OfficeFactory(code="old", name="旧名")
    client = Client()
    client.force_login(admin_user)

    response = client.post(f"/admin/projects/office/{office.pk}/change/", {"code": "old", "name": "新名"})

    assert response.status_code == 302
    entry = last_entry(office, LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    assert entry.changes == {"name": ["旧名", "新名"]}


def test_a_management_command_records_without_an_actor():
    call_command("load_demo", as_of="2018-06-11", stdout=io.StringIO())

    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE)
    assert created.filter(content_type__model="project").count() == Project.objects.count() > 0
    assert created.filter(content_type__model="milestone").count() == Milestone.objects.count() > 0
    assert not LogEntry.objects.exclude(actor=None).exists()
    project = Project.objects.order_by("pk").first()
    assert last_entry(project, LogEntry.Action.CREATE).changes["code"] == [None, project.code]


def test_the_progress_refresh_records_before_and_after(api_client, admin_user):
    project = ProjectFactory()
    item = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0)
    LogEntry.objects.all().delete()

    assert api_client.patch(f"/api/v1/work-items/{item.pk}/", {"completed_quantity": "40"}).status_code == 200

    entry = last_entry(project, LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    assert entry.changes == {"progress": ["0.0000", "40.0000"]}
    assert last_entry(item, LogEntry.Action.UPDATE).changes == {"completed_quantity": ["0.00", "40.00"]}


def test_a_refresh_that_moves_nothing_records_nothing():
    project = ProjectFactory()
    WorkItemFactory(project=project)
    LogEntry.objects.all().delete()

    refresh_progress(project_ids=[project.pk])

    assert not LogEntry.objects.exists()


def test_a_cascade_records_each_deleted_row(api_client):
    project = ProjectFactory()
    item = WorkItemFactory(project=project)
    milestone = MilestoneFactory(project=project)

    assert api_client.delete(f"/api/v1/projects/{project.pk}/").status_code == 204

    deleted = set(
        LogEntry.objects.filter(action=LogEntry.Action.DELETE).values_list("content_type__model", "object_id")
    )
    assert deleted == {("project", project.pk), ("workitem", item.pk), ("milestone", milestone.pk)}


# --- GET /api/v1/changes/ -------------------------------------------------------------------------


def test_changes_lists_newest_first_with_every_field(api_client, admin_user):
    office = by_path("offices").factory(code="a", name="甲")
    response = api_client.patch(f"/api/v1/offices/{office.pk}/", {"name": "乙"})
    assert response.status_code == 200

    body = api_client.get(CHANGES).json()

    assert list(body) == ["count", "next", "previous", "results"]
    update, create = body["results"]
    assert update == {
        "id": update["id"],
        "timestamp": update["timestamp"],
        "actor": admin_user.pk,
        "actor_username": admin_user.username,
        "action": "update",
        "object_type": "projects.office",
        "object_id": office.pk,
        "object_repr": "乙",
        "changes": {"name": ["甲", "乙"]},
    }
    assert datetime.datetime.fromisoformat(update["timestamp"]).utcoffset() is not None
    assert (create["action"], create["actor"], create["actor_username"]) == ("create", None, None)
    assert update["id"] > create["id"]


def test_a_deletion_shows_in_changes(api_client):
    row = WorkItemFactory(name="隧道")
    since = timezone.now().isoformat()
    assert api_client.delete(f"/api/v1/work-items/{row.pk}/").status_code == 204

    body = api_client.get(CHANGES, {"since": since, "action": "delete"}).json()

    (entry,) = body["results"]
    assert (entry["object_type"], entry["object_id"], entry["object_repr"]) == ("projects.workitem", row.pk, "隧道")
    assert entry["changes"]["name"] == ["隧道", None]


@pytest.fixture
def history(api_client):
    """Changes by two users at known times."""
    other = admin()
    office = OfficeFactory(code="x")
    project = ProjectFactory(office=office)
    LogEntry.objects.all().delete()
    early = timezone.now() - datetime.timedelta(hours=2)
    api_client.patch(f"/api/v1/offices/{office.pk}/", {"name": "一"})
    client_for(other).patch(f"/api/v1/projects/{project.pk}/", {"name": "二"})
    client_for(other).delete(f"/api/v1/offices/{OfficeFactory(code='y').pk}/")
    LogEntry.objects.filter(object_id=office.pk, content_type__model="office").update(timestamp=early)
    return {"other": other, "office": office, "project": project, "early": early}


def listed(client, **params) -> list[tuple]:
    response = client.get(CHANGES, params)
    assert response.status_code == 200, response.content
    return [(entry["object_type"], entry["action"]) for entry in response.json()["results"]]


def test_changes_filters(api_client, admin_user, history):
    boundary = (history["early"] + datetime.timedelta(minutes=1)).isoformat()
    assert listed(api_client, object_type="projects.project") == [("projects.project", "update")]
    assert listed(api_client, object_type="project") == [("projects.project", "update")]
    assert listed(api_client, object_type="office", object_id=history["office"].pk) == [("projects.office", "update")]
    assert listed(api_client, user=admin_user.pk) == [("projects.office", "update")]
    # Office y was made by a factory (no actor) and deleted by them.
    assert listed(api_client, user=history["other"].pk) == [
        ("projects.office", "delete"),
        ("projects.project", "update"),
    ]
    assert listed(api_client, action="delete") == [("projects.office", "delete")]
    assert listed(api_client, until=boundary) == [("projects.office", "update")]
    assert ("projects.office", "update") not in listed(api_client, since=boundary)
    assert listed(api_client, updated_since=boundary) == listed(api_client, since=boundary)
    assert listed(api_client, ordering="timestamp")[0] == ("projects.office", "update")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"object_type": "nothing"}, "object_type"),
        ({"action": "access"}, "action"),
        ({"since": "yesterday"}, "since"),
        ({"user": "wang"}, "user"),
        ({"ordering": "actor"}, "ordering"),
    ],
)
def test_changes_refuses_filters_it_does_not_understand(api_client, params, field):
    assert error_fields(api_client.get(CHANGES, params)) == {field}


def test_changes_are_read_only_and_need_credentials(api_client, anonymous_client):
    assert_problem(api_client.post(CHANGES, {}), 405)
    assert_problem(anonymous_client.get(CHANGES), 401)


def test_changes_queries_do_not_grow_with_the_entries(api_client):
    users = [admin() for _ in range(3)]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(CHANGES, {"limit": 500})
        assert response.status_code == 200
        assert len(response.json()["results"]) == LogEntry.objects.count()
        return len(captured)

    for user in users:
        client_for(user).post("/api/v1/offices/", {"code": user.username, "name": "甲"})
    few = queries()
    for _ in range(10):
        ProjectFactory()
    for project in Project.objects.all():
        client_for(users[project.pk % 3]).patch(f"/api/v1/projects/{project.pk}/", {"name": f"改{project.pk}"})
    many = queries()

    assert LogEntry.objects.count() > 30
    assert many == few <= 4


def test_every_domain_model_is_audited():
    from auditlog.registry import auditlog

    from .resources import RESOURCES

    assert {case.model for case in RESOURCES} <= set(auditlog.get_models())
    assert Office in auditlog.get_models() and WorkItem in auditlog.get_models()
