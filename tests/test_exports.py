"""CSV and XLSX exports of the project and milestone lists: the JSON list's rows, as files."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from rest_framework.test import APIRequestFactory, force_authenticate

from core.api import exports
from projects.api.views import MilestoneViewSet

from .factories import MilestoneFactory, ProjectFactory
from .resources import API, assert_problem

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2018, 6, 11)
BOM = b"\xef\xbb\xbf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (resource, query, the columns compared with the JSON list besides `id`)
CASES = [
    ("projects", {}, ["code", "status", "progress", "total_investment", "land_completed_mu", "overdue_milestones"]),
    ("projects", {"root": "true", "ordering": "-progress"}, ["code", "progress", "schedule_variance", "rooms_signed"]),
    (
        "projects",
        {"category": "water", "ordering": "planned_finish"},
        ["code", "investment_completed", "land_progress"],
    ),
    ("projects", {"behind_schedule": "true", "search": "水"}, ["code", "schedule_variance", "planned_progress"]),
    ("milestones", {}, ["name", "project", "planned_date", "state", "days_overdue"]),
    ("milestones", {"overdue": "true", "ordering": "-days_overdue"}, ["name", "state", "days_overdue"]),
    ("milestones", {"state": ["done", "due_soon"], "ordering": "planned_date"}, ["name", "actual_date", "state"]),
]


@pytest.fixture
def demo(frozen_today):
    call_command("load_demo", as_of=AS_OF, stdout=io.StringIO())


def json_rows(client, resource: str, query: dict) -> list[dict]:
    response = client.get(f"{API}{resource}/", {**query, "limit": 500})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return response.json()["results"]


def export(client, resource: str, fmt: str, query: dict | None = None, **headers):
    response = client.get(f"{API}{resource}/", {**(query or {}), "format": fmt}, **headers)
    assert response.status_code == 200, response.content
    return response


def csv_table(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_table(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def keyed(table: list[list], json_row: dict) -> list[dict]:
    """The table's rows as dicts keyed like the JSON rows (the columns are the JSON fields, in order)."""
    header, *rows = table
    assert len(header) == len(json_row), header
    return [dict(zip(json_row, row, strict=True)) for row in rows]


def as_text(value) -> str:
    """A JSON value as a CSV cell holds it."""
    return "" if value is None else str(value)


def same_figure(cell, value) -> bool:
    """An XLSX cell (number, date or text) and the JSON value it stands for are equal."""
    if value is None:
        return cell is None
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() == value
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        return Decimal(str(cell)) == Decimal(str(value))
    return cell == value


@pytest.mark.parametrize(("resource", "query", "columns"), CASES)
def test_csv_holds_the_json_lists_rows(api_client, demo, resource, query, columns):
    expected = json_rows(api_client, resource, query)
    assert expected, "the case selects no rows: it proves nothing"
    rows = keyed(csv_table(export(api_client, resource, "csv", query)), expected[0])
    assert [row["id"] for row in rows] == [str(row["id"]) for row in expected]
    for row, json_row in zip(rows, expected, strict=True):
        assert {name: row[name] for name in columns} == {name: as_text(json_row[name]) for name in columns}


@pytest.mark.parametrize(("resource", "query", "columns"), CASES)
def test_xlsx_holds_the_json_lists_rows(api_client, demo, resource, query, columns):
    expected = json_rows(api_client, resource, query)
    rows = keyed(xlsx_table(export(api_client, resource, "xlsx", query)), expected[0])
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    for row, json_row in zip(rows, expected, strict=True):
        for name in columns:
            assert same_figure(row[name], json_row[name]), (name, row[name], json_row[name])


def test_exports_are_not_paginated(api_client, demo):
    everything = json_rows(api_client, "milestones", {})
    assert len(everything) > 3
    rows = csv_table(export(api_client, "milestones", "csv", {"limit": 2, "offset": 1}))[1:]
    assert len(rows) == len(everything)


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("en", ["ID", "Code", "Name", "Category", "Category name"]),
        ("zh-hans", ["ID", "编号", "名称", "类别", "类别名称"]),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_headers_and_labels_follow_accept_language(api_client, demo, fmt, language, headers):
    response = export(api_client, "projects", fmt, {"code": "SL-FH"}, HTTP_ACCEPT_LANGUAGE=language)
    header, row = (csv_table if fmt == "csv" else xlsx_table)(response)
    assert header[: len(headers)] == headers
    assert row[header.index(headers[-1])] == ("Water conservancy" if language == "en" else "水利")
    assert ("Progress (%)" if language == "en" else "进度（%）") in header


def test_milestone_headers_name_the_computed_fields(api_client, demo):
    header = csv_table(export(api_client, "milestones", "csv", HTTP_ACCEPT_LANGUAGE="en"))[0]
    assert header[-5:] == ["State", "State name", "Days overdue", "Created at", "Updated at"]


@pytest.mark.parametrize(("fmt", "content_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX)])
@pytest.mark.parametrize("resource", ["projects", "milestones"])
def test_a_download_named_for_the_list_and_day(api_client, demo, resource, fmt, content_type):
    response = export(api_client, resource, fmt)
    b"".join(response.streaming_content)  # read to the end: the test client then closes it (and the cursor)
    assert response.streaming
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f"attachment; filename={resource}-2018-06-11.{fmt}"


def test_accept_header_picks_the_format_too(api_client, demo):
    response = api_client.get(f"{API}projects/", HTTP_ACCEPT="text/csv")
    b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_csv_streams_in_chunks_from_an_iterator(api_client, frozen_today, monkeypatch, django_assert_max_num_queries):
    project = ProjectFactory()
    MilestoneFactory.create_batch(25, project=project)
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 10)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 7)
    with django_assert_max_num_queries(8):  # auth, then the rows: never one query per row
        response = export(api_client, "milestones", "csv")
        chunks = list(response.streaming_content)
    assert len(chunks) == 3
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))) == 26


def test_a_download_left_half_way_releases_its_cursor(admin_user, frozen_today, monkeypatch):
    MilestoneFactory.create_batch(30, project=ProjectFactory())
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    # The view itself, as a WSGI server sees it (the test client would close the response its own way).
    request = APIRequestFactory().get(f"{API}milestones/", {"format": "csv"})
    force_authenticate(request, user=admin_user)
    response = MilestoneViewSet.as_view({"get": "list"})(request)
    next(iter(response.streaming_content))
    assert open_cursors() == (1 if connection.vendor == "postgresql" else 0)
    # What the server does when the client goes away (without the signal that would end the test's connection).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert open_cursors() == 0


def open_cursors() -> int:
    """Server-side cursors open on this connection (PostgreSQL; SQLite has none)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


def test_text_that_looks_like_a_formula_stays_text(api_client, frozen_today):
    ProjectFactory(code="EVIL", name='=HYPERLINK("http://example.com")', leader="+86 577", contractor="-")
    header, row = csv_table(export(api_client, "projects", "csv", HTTP_ACCEPT_LANGUAGE="en"))
    values = dict(zip(header, row, strict=True))
    assert values["Name"] == '\'=HYPERLINK("http://example.com")'
    assert values["Responsible leader"] == "'+86 577"
    content = b"".join(export(api_client, "projects", "xlsx").streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    name = sheet.cell(row=2, column=3)
    assert (name.value, name.data_type) == ('=HYPERLINK("http://example.com")', "s")


def test_xlsx_dates_are_dates_where_excel_has_them(api_client, frozen_today):
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=datetime.date(2018, 6, 30))
    MilestoneFactory(project=project, planned_date=datetime.date(1899, 12, 30))
    header, *rows = xlsx_table(export(api_client, "milestones", "xlsx", {"ordering": "-planned_date"}))
    column = header.index("计划日期")
    assert [row[column] for row in rows] == [datetime.datetime(2018, 6, 30), "1899-12-30"]


def test_negative_figures_are_not_touched(api_client, demo):
    header, *rows = csv_table(export(api_client, "projects", "csv", {"behind_schedule": "true"}))
    variances = [row[header.index("进度偏差（百分点）")] for row in rows]
    assert variances and all(value.startswith("-") for value in variances)


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "csv2", ""])
def test_an_unknown_format_is_a_404_problem(api_client, fmt):
    if fmt == "":
        response = api_client.get(f"{API}projects/?format=")
        assert response.status_code == 200  # no format: the JSON list
        return
    assert_problem(api_client.get(f"{API}projects/", {"format": fmt}), 404)


@pytest.mark.parametrize("path", ["projects/1/", "offices/", "reports/summary/"])
def test_only_the_two_lists_export(api_client, path):
    ProjectFactory(pk=1)
    assert_problem(api_client.get(f"{API}{path}", {"format": "csv"}), 404)


def test_a_bad_filter_answers_a_problem_not_a_file(api_client):
    body = assert_problem(api_client.get(f"{API}projects/", {"format": "csv", "root": "perhaps"}), 400)
    assert [error["field"] for error in body["errors"]] == ["root"]


def test_exports_need_credentials(anonymous_client):
    assert_problem(anonymous_client.get(f"{API}milestones/", {"format": "xlsx"}), 401)
