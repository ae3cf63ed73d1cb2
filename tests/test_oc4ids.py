"""The OC4IDS export: every demo project, alone and in the package, validates against the OC4IDS 0.9.5
schema (copied into reporting/oc4ids/schema, resolved locally: no network) and our extension's schema."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from projects.models import Project

from .test_briefing import add_trees

API = "/api/v1"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "reporting" / "oc4ids" / "schema"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


PACKAGE_SCHEMA = load("project-package-schema.json")
PROJECT_SCHEMA = load("project-schema.json")
# The package schema names the project schema by its URL; the registry answers it from the local copy.
REGISTRY = Registry().with_resource(PROJECT_SCHEMA["id"], Resource(PROJECT_SCHEMA, specification=DRAFT4))
PACKAGE = Draft4Validator(PACKAGE_SCHEMA, registry=REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER)
PROJECT = Draft4Validator(PROJECT_SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)
EXTENSION = Draft4Validator(load("shuitou-extension-schema.json"))


def assert_valid(validator, document) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:10])


@pytest.fixture
def demo(api_client):
    call_command("load_demo", as_of=datetime.date(2018, 6, 11), stdout=io.StringIO())
    return api_client


def package_of(client, project: Project) -> dict:
    response = client.get(f"{API}/projects/{project.pk}/oc4ids/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_date_time_format_is_checked():
    """The format checks are real (rfc3339-validator is installed), not silently skipped."""
    assert not PROJECT.is_valid({"id": "x", "updated": "2018-06-11"})


def test_every_demo_project_validates(demo):
    projects = list(Project.objects.all())
    assert len(projects) >= 30
    for project in projects:
        package = package_of(demo, project)
        assert_valid(PACKAGE, package)
        (exported,) = package["projects"]
        assert_valid(PROJECT, exported)
        assert_valid(EXTENSION, exported["shuitou"])


def test_the_package_of_every_project_validates(demo):
    response = demo.get(f"{API}/oc4ids/", {"limit": 500})
    package = response.json()

    assert response.status_code == 200
    assert_valid(PACKAGE, package)
    assert len(package["projects"]) == Project.objects.count() == int(response["X-Total-Count"])
    assert package["version"] == "0.9"
    assert package["publisher"] == {"name": "平阳县水头镇人民政府"}


def test_the_flood_works_as_oc4ids(demo):
    flood = Project.objects.get(code="SL-FH")
    (project,) = package_of(demo, flood)["projects"]

    assert project["id"] == "oc4ids-shuitou-SL-FH"
    assert project["title"] == "水头段防洪工程"
    assert project["status"] == "implementation"
    assert project["sector"] == ["naturalResources", "naturalResources.floodProtection"]
    assert project["budget"] == {"amount": {"amount": 2_600_000_000, "currency": "CNY"}}
    assert project["period"]["startDate"] == "2017-01-01T00:00:00+08:00"
    assert project["period"]["endDate"] == "2020-12-31T00:00:00+08:00"
    assert project["implementationPeriod"] == {"startDate": "2017-03-15T00:00:00+08:00"}
    assert project["locations"][0]["address"] == {
        "countryName": "中国",
        "region": "浙江省",
        "locality": "平阳县水头镇",
        "streetAddress": "水头镇鳌江干流水头段",
    }
    (office,) = project["parties"]
    assert office["roles"] == ["publicAuthority", "buyer"] and office["name"] == "水头段防洪工程指挥部"
    assert project["publicAuthority"] == {"id": office["id"], "name": office["name"]}
    milestones = {milestone["title"]: milestone for milestone in project["milestones"]}
    assert milestones["显桥水闸开工"]["status"] == "met"
    assert milestones["显桥水闸开工"]["dateMet"] == "2018-05-20T00:00:00+08:00"
    assert milestones["全线竣工"]["status"] == "scheduled" and milestones["全线竣工"]["code"] == "completion"
    children = [related for related in project["relatedProjects"] if related["relationship"] == "child"]
    assert [child["identifier"] for child in children] == [f"oc4ids-shuitou-SL-FH-{n}" for n in range(1, 5)]
    assert children[0]["uri"].endswith(f"/api/v1/projects/{Project.objects.get(code='SL-FH-1').pk}/oc4ids/")
    metrics = {metric["id"]: metric for metric in project["metrics"]}
    assert metrics["physicalProgress"]["observations"][-1]["measure"] == 27.2
    assert project["forecasts"][0]["observations"][-1]["measure"] == 100.0
    extension = project["shuitou"]
    assert extension["landMu"]["completed"] == 1725 and extension["rooms"] == {
        "planned": 600,
        "agreementsSigned": 552,
        "demolished": 345,
    }


def test_graves_and_progress_history_go_where_they_belong(demo):
    road = Project.objects.get(code="JT-ZY")
    item = road.work_items.first()
    response = demo.post(
        f"{API}/progress-reports/",
        {"project": road.pk, "reported_on": "2018-06-08", "work_items": [{"id": item.pk, "completed_quantity": "250"}]},
        format="json",
    )
    assert response.status_code == 201, response.content

    package = package_of(demo, road)
    (project,) = package["projects"]

    assert_valid(PACKAGE, package)
    assert project["shuitou"]["graves"] == [
        {"unit": "座", "planned": 104, "completed": 104},
        {"unit": "穴", "planned": 634, "completed": 634},
    ]
    assert project["shuitou"]["landMu"]["rows"][0]["completedMu"] == 57
    physical = project["metrics"][0]["observations"]
    assert [observation["id"] for observation in physical] == [f"report-{response.json()['id']}", "current"]
    assert "relatedProjects" not in project


def test_the_package_takes_the_project_lists_filters_and_pages(demo):
    transport = demo.get(f"{API}/oc4ids/", {"category": "transport"}).json()
    page = demo.get(f"{API}/oc4ids/", {"root": "true", "status": "completed", "limit": 1})
    body = page.json()

    assert {project["shuitou"]["category"] for project in transport["projects"]} == {"transport"}
    assert page["X-Total-Count"] == "2"  # 南湖荷花基地, 鹤溪杨梅精品园
    assert len(body["projects"]) == 1 and "offset=1" in body["links"]["next"]
    assert_valid(PACKAGE, body)


@pytest.mark.parametrize(
    ("params", "field"), [({"office": "99999"}, "office"), ({"status": "done"}, "status"), ({"root": "x"}, "root")]
)
def test_bad_filters_answer_400_naming_them(api_client, params, field):
    response = api_client.get(f"{API}/oc4ids/", params)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_an_unknown_project_is_404(api_client):
    assert api_client.get(f"{API}/projects/99999/oc4ids/").status_code == 404


def test_the_package_costs_the_same_queries_for_3_projects_as_for_20(api_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(f"{API}/oc4ids/", {"limit": 500})
        assert response.status_code == 200
        return len(captured)

    add_trees(3)
    few = count()
    add_trees(17)

    assert count() == few
