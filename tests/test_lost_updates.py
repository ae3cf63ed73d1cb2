"""No lost updates: two requests that change different columns of one row at the same moment both keep their change,
and the audit trail tells what each one did (PostgreSQL, real concurrent requests)."""

import time
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.db import connection

from projects.models import Project, WorkItem
from projects.services import progress_reports

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


def test_a_work_item_created_while_a_report_runs_on_its_project_counts(editors):
    """The report locks the project before it reads the project's items, and the create waits for it: whichever
    computes the project's progress last sees both."""
    office, (reporting, creating) = editors
    for trial in range(5):
        project = ProjectFactory(office=office)
        item = WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0)
        report_body = {
            "project": project.pk,
            "reported_on": "2018-06-11",
            "work_items": [{"id": item.pk, "completed_quantity": "50"}],
        }
        new_item = {
            "project": project.pk,
            "name": "桥梁",
            "unit": "座",
            "planned_quantity": "1",
            "completed_quantity": "1",
        }
        with held_reports():
            report, created = together(
                [
                    lambda body=report_body: reporting.post(f"{API}/progress-reports/", body, format="json"),
                    lambda body=new_item: creating.post(f"{API}/work-items/", body, format="json"),
                ]
            )
        assert (report.status_code, created.status_code) == (201, 201), (trial, report.content, created.content)
        # (50 % + 100 %) / 2 items of weight 1
        assert Project.objects.get(pk=project.pk).progress == Decimal(75), trial


def test_a_project_patch_and_a_report_on_its_sibling_do_not_deadlock(editors):
    office, (patching, reporting) = editors
    for trial in range(10):
        parent = ProjectFactory(office=office)
        project = ProjectFactory(office=office, parent=parent, total_investment=Decimal(100))
        sibling = ProjectFactory(office=office, parent=parent, total_investment=Decimal(100))
        item = WorkItemFactory(project=sibling, planned_quantity=100, completed_quantity=0)
        patch, report = together(
            [
                lambda p=project: patching.patch(f"{API}/projects/{p.pk}/", {"total_investment": "300"}, format="json"),
                lambda s=sibling, i=item: reporting.post(
                    f"{API}/progress-reports/",
                    {
                        "project": s.pk,
                        "reported_on": "2018-06-11",
                        "work_items": [{"id": i.pk, "completed_quantity": "80"}],
                    },
                    format="json",
                ),
            ]
        )
        assert (patch.status_code, report.status_code) == (200, 201), (trial, patch.content, report.content)
        # (0 × 300 + 80 × 100) / 400
        assert Project.objects.get(pk=parent.pk).progress == Decimal(20), trial


@contextmanager
def held_reports():
    """Holds every report open after it has locked its projects and rows, so that a concurrent write meets it."""
    save_rows = progress_reports._save_rows

    def save_rows_slowly(changes):
        time.sleep(0.3)
        save_rows(changes)

    with mock.patch.object(progress_reports, "_save_rows", save_rows_slowly):
        yield
