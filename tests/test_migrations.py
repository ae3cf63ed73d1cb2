"""An existing database upgrades with `migrate` and loses nothing when a model moves between apps."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import ProgressReport, ReportChange, ReportFigures

BEFORE_THE_MOVE = [("projects", "0003_version"), ("reporting", "0002_report_figures_wide_sums")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_progress_reports_keep_their_rows_and_audit_history_when_they_move_to_projects():
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    office = old.get_model("projects", "Office").objects.create(code="flood", name="防洪指挥部")
    project = old.get_model("projects", "Project").objects.create(code="SL-FH", name="防洪工程", office=office)
    report = old.get_model("reporting", "ProgressReport").objects.create(
        project=project, office=office, reported_on=datetime.date(2018, 6, 11), summary="本月完成"
    )
    old.get_model("reporting", "ReportChange").objects.create(
        report=report, target="work_item", object_id=5, project=project, field="completed_quantity", before="15.00"
    )
    old.get_model("reporting", "ReportFigures").objects.create(
        report=report,
        project=project,
        progress=40,
        investment_completed=0,
        land_planned_mu=0,
        land_completed_mu=0,
        rooms_planned=0,
        rooms_signed=0,
        rooms_demolished=0,
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="reporting", model="progressreport"
    )
    entry = LogEntry.objects.create(
        content_type_id=content_type.pk, object_pk=str(report.pk), object_id=report.pk, object_repr="report", action=0
    )

    migrate(executor.loader.graph.leaf_nodes())

    moved = ProgressReport.objects.get(pk=report.pk)
    assert (moved.summary, moved.project.code) == ("本月完成", "SL-FH")
    assert ReportChange.objects.get(report=moved).before == "15.00"
    assert ReportFigures.objects.get(report=moved).progress == 40
    audit = LogEntry.objects.get(pk=entry.pk)
    assert (audit.content_type.app_label, audit.content_type.model) == ("projects", "progressreport")
    assert list(LogEntry.objects.get_for_object(moved)) == [audit]
