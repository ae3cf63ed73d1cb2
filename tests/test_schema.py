"""The OpenAPI schema and its docs pages: public, valid, complete, and served without any other host."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern
from django.urls.resolvers import RoutePattern
from openapi_spec_validator import validate
from rest_framework.routers import APIRootView

from config import api as api_urls

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/"
PROBLEM_REF = "#/components/schemas/Problem"
WRITE_METHODS = ("post", "put", "patch")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(SCHEMA_URL, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def openapi_path(route: str) -> str:
    """`projects/<int:pk>/history/` as the schema writes it: `/api/v1/projects/{id}/history/`."""
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "pk" else "{" + m[1] + "}", route)


def test_the_schema_is_public_and_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_a_stale_token_does_not_hide_the_schema(anonymous_client):
    response = anonymous_client.get(SCHEMA_URL, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 200


def test_generation_has_no_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stderr=io.StringIO())


def test_every_router_resource_is_described_with_its_methods(schema):
    router = api_urls.router
    for prefix, viewset, _basename in router.registry:
        for route in router.get_routes(viewset):
            methods = set(router.get_method_map(viewset, route.mapping)) & set(viewset.http_method_names)
            path = openapi_path(route.url.format(prefix=prefix, lookup="<pk>", trailing_slash="/").strip("^$"))
            assert methods <= set(schema["paths"].get(path, {})), (path, methods)


def test_every_other_api_route_is_described(schema):
    routes = [
        str(pattern.pattern)
        for pattern in api_urls.urlpatterns
        # The router's resources are regexes; its root (a list of links) is not an operation.
        if isinstance(pattern, URLPattern)
        and isinstance(pattern.pattern, RoutePattern)
        and not issubclass(pattern.callback.cls, APIRootView)
    ]
    assert routes
    for route in routes:
        assert openapi_path(route) in schema["paths"], route


def test_list_parameters_are_the_filters_pagination_search_and_ordering(schema):
    for prefix, viewset, _basename in api_urls.router.registry:
        operation = schema["paths"][f"/api/v1/{prefix}/"]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        expected = {"limit", "offset", *getattr(viewset.filterset_class, "base_filters", {})}
        expected |= {"search"} if getattr(viewset, "search_fields", None) else set()
        expected |= {"ordering"} if getattr(viewset, "ordering_fields", None) else set()
        assert expected <= names, (prefix, expected - names)
        for parameter in operation["parameters"]:
            assert parameter.get("description"), (prefix, parameter["name"])


def test_report_filters_are_described(schema):
    summary = {p["name"] for p in schema["paths"]["/api/v1/reports/summary/"]["get"]["parameters"]}
    overdue = {p["name"] for p in schema["paths"]["/api/v1/reports/overdue/"]["get"]["parameters"]}
    assert {"category", "office", "root"} <= summary
    assert {"project", "office", "category", "due_within", "state", "overdue"} <= overdue
    response = schema["paths"]["/api/v1/reports/summary/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Summary"}


def test_the_problem_component_is_the_error_body(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    error = schema["components"]["schemas"]["ProblemFieldError"]
    assert set(error["properties"]) == {"field", "code", "message"}


def problem_codes(operation) -> set:
    codes = set()
    for code, response in operation["responses"].items():
        content = response.get("content", {})
        if content.get("application/problem+json", {}).get("schema") == {"$ref": PROBLEM_REF}:
            assert list(content) == ["application/problem+json"], code
            codes.add(code)
    return codes


def test_every_operation_documents_its_errors_as_problems(schema):
    for path, method, operation in operations(schema):
        codes = problem_codes(operation)
        where = f"{method.upper()} {path}"
        assert "default" in codes, where
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in codes, where
        if operation.get("security") and {} not in operation["security"]:
            assert {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        assert not {code for code in operation["responses"] if code >= "400"} - codes, where


def test_token_auth_is_the_scheme(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert schema["paths"]["/api/v1/projects/"]["get"]["security"][0] == {"tokenAuth": []}
    assert {} in schema["paths"]["/api/v1/auth/token/"]["post"].get("security", [{}])


def test_every_write_operation_has_an_example(schema):
    for path, method, operation in operations(schema):
        if method in WRITE_METHODS:
            content = operation["requestBody"]["content"]
            assert list(content) == ["application/json"], (method, path)
            assert content["application/json"].get("examples"), f"{method.upper()} {path}"


def test_enums_are_named_for_what_they_hold(schema):
    components = schema["components"]["schemas"]
    for name in ("ProjectCategoryEnum", "ProjectStatusEnum", "ProblemCategoryEnum", "ProblemStatusEnum"):
        assert name in components
    assert components["Project"]["properties"]["status"] == {"$ref": "#/components/schemas/ProjectStatusEnum"}
    assert components["RaisedProblem"]["properties"]["status"] == {"$ref": "#/components/schemas/ProblemStatusEnum"}
    assert not [name for name in components if re.fullmatch(r".*[0-9a-f]{3}Enum", name)]


def test_computed_fields_are_read_only_numbers_with_labels(schema):
    project = schema["components"]["schemas"]["Project"]["properties"]
    for name in ("progress", "planned_progress", "schedule_variance", "investment_progress", "land_progress"):
        assert project[name]["type"] == "number" and project[name]["readOnly"], name
    assert project["investment_progress"]["nullable"] is True
    for name in ("category_label", "status_label", "progress_method_label"):
        assert project[name] == {"type": "string", "readOnly": True, "title": project[name]["title"]}
    milestone = schema["components"]["schemas"]["Milestone"]["properties"]
    assert milestone["state"]["allOf"] == [{"$ref": "#/components/schemas/MilestoneStateEnum"}]
    assert milestone["state"]["readOnly"] and milestone["days_overdue"]["readOnly"]


def test_list_exports_are_documented_as_files(schema):
    for prefix in ("projects", "milestones"):
        operation = schema["paths"][f"/api/v1/{prefix}/"]["get"]
        fmt = next(p for p in operation["parameters"] if p["name"] == "format")
        assert set(fmt["schema"]["enum"]) == {"json", "csv", "xlsx"}
        content = operation["responses"]["200"]["content"]
        assert content["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert "format" not in {p["name"] for p in schema["paths"]["/api/v1/offices/"]["get"]["parameters"]}


class AssetLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_pages_are_public_and_load_nothing_from_other_hosts(anonymous_client, page):
    response = anonymous_client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    parser = AssetLinks()
    parser.feed(html)
    assert parser.urls
    assert not re.search(r"""["'(]\s*(?:https?:)?//""", html), "a URL on another host"
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        # Bundled with the app (drf-spectacular-sidecar): runserver serves it, WhiteNoise in production.
        assert parts.path.startswith(settings.STATIC_URL), url
        assert finders.find(parts.path.removeprefix(settings.STATIC_URL)), url


def test_swagger_ui_reads_our_schema(anonymous_client):
    html = anonymous_client.get("/api/v1/docs/").content.decode()
    assert SCHEMA_URL in html


def test_every_choice_field_comes_with_its_label(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            continue  # what a client sends: codes only
        properties = component.get("properties", {})
        for field, definition in properties.items():
            refs = [definition.get("$ref"), *(item.get("$ref") for item in definition.get("allOf", []))]
            if any(ref and ref.endswith("Enum") for ref in refs):
                assert f"{field}_label" in properties, f"{name}.{field}"


def test_the_schema_is_built_once_per_language_and_served_in_each_format(anonymous_client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from config.openapi import SchemaView

    monkeypatch.setattr(SchemaView, "_built", {})
    builds = []
    build = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda self, **kwargs: builds.append(1) or build(self, **kwargs))

    english = anonymous_client.get(SCHEMA_URL, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    again = anonymous_client.get(SCHEMA_URL, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    yaml = anonymous_client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE="en")
    chinese = anonymous_client.get(SCHEMA_URL, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert len(builds) == 2  # English once, Chinese once
    assert english.json() == again.json()
    assert english.json() != chinese.json()
    assert english["Content-Disposition"].endswith('.json"')
    assert yaml["Content-Disposition"].endswith('.yaml"')
    assert yaml.content.startswith(b"openapi: ")
