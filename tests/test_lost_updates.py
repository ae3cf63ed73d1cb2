"""No lost updates: two requests that change different columns of one row at the same moment both keep their change,
and the audit trail tells what each one did (PostgreSQL, real concurrent requests)."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection

from projects.models import Project, WorkItem

from .concurrently import together
from .conftest import client_for
from .factories import OfficeFactory, ProjectFactory, UserFactory, WorkItemFactory

API = "/api/v1"
TRIALS = 20

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time"),
    pytest.mark.django_db(transaction=True),
]


def audit_of(row) -> list[dict]:
    """The changes of every update entry of `row`, oldest first."""
    entries = LogEntry.objects.get_for_object(row).filter(action=LogEntry.Action.UPDATE).order_by("pk")
    return [entry.changes for entry in entries]


@pytest.fixture
def editors():
    """Two editors of one office, each with a client of their own (their own token and connection)."""
    office = OfficeFactory()
    return office, [client_for(UserFactory(office=office)) for _ in range(2)]


def test_a_patch_of_a_work_items_name_and_a_report_on_its_quantity_both_keep(editors):
    office, (patching, reporting) = editors
    for trial in range(TRIALS):
        project = ProjectFactory(office=office)
        item = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=Decimal(15))
        name = f"路基第{trial}次"
        patch, report = together(
            [
                lambda item=item, name=name: patching.patch(
                    f"{API}/work-items/{item.pk}/", {"name": name}, format="json"
                ),
                lambda project=project, item=item: reporting.post(
                    f"{API}/progress-reports/",
                    {
                        "project": project.pk,
                        "reported_on": "2018-06-11",
                        "work_items": [{"id": item.pk, "completed_quantity": "16.00"}],
                    },
                    format="json",
                ),
            ]
        )

        assert (patch.status_code, report.status_code) == (200, 201), (trial, patch.content, report.content)
        stored = WorkItem.objects.get(pk=item.pk)
        assert (stored.name, stored.completed_quantity) == (name, Decimal("16.00")), trial
        assert [(c["field"], c["before"], c["after"]) for c in report.json()["changes"]] == [
            ("completed_quantity", "15.00", "16.00")
        ]
        # Each entry names only what its request changed: no entry writes the quantity back to 15.
        assert sorted(audit_of(stored), key=str) == sorted(
            [{"name": ["路基", name]}, {"completed_quantity": ["15.00", "16.00"]}], key=str
        ), trial
        assert Project.objects.get(pk=project.pk).progress == Decimal(16)


def test_two_patches_of_different_fields_of_one_project_both_keep(editors):
    office, (first, second) = editors
    for trial in range(TRIALS):
        project = ProjectFactory(office=office, leader="", contractor="")
        url = f"{API}/projects/{project.pk}/"
        leader, contractor = f"王{trial}", f"建工集团{trial}"
        by_leader, by_contractor = together(
            [
                lambda url=url, leader=leader: first.patch(url, {"leader": leader}, format="json"),
                lambda url=url, contractor=contractor: second.patch(url, {"contractor": contractor}, format="json"),
            ]
        )

        assert (by_leader.status_code, by_contractor.status_code) == (200, 200), trial
        stored = Project.objects.get(pk=project.pk)
        assert (stored.leader, stored.contractor) == (leader, contractor), trial
        assert stored.version == project.version + 2, trial  # two writes, two versions
        assert sorted(audit_of(stored), key=str) == sorted(
            [{"leader": ["", leader]}, {"contractor": ["", contractor]}], key=str
        ), trial
