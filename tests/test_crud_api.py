"""CRUD, pagination and authentication of every resource, driven by `tests.resources.RESOURCES`."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.authtoken.models import Token

from .factories import OfficeFactory, ProjectFactory, UserFactory
from .resources import (
    TIMESTAMPS,
    assert_problem,
    assert_row_matches,
    by_path,
    domain_snapshot,
    error_fields,
    resource_params,
    stored,
)

pytestmark = pytest.mark.django_db


def query_of(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def assert_has_fields(case, body: dict) -> None:
    missing = {*case.fields, *case.computed, *TIMESTAMPS} - set(body)
    assert not missing, f"{case.path} lacks {sorted(missing)}"
    for stamp in ("created_at", "updated_at"):
        assert datetime.datetime.fromisoformat(body[stamp]).utcoffset() is not None, stamp


# --- list ---------------------------------------------------------------------------------------


@resource_params()
def test_list_pages_through_all_rows(api_client, case):
    rows = [case.factory() for _ in range(3)]

    first = api_client.get(case.list_url, {"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 3 == case.model.objects.count()
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert query_of(body["next"]) == {"limit": "2", "offset": "2"}
    for item in body["results"]:
        assert_has_fields(case, item)

    second = api_client.get(body["next"]).json()
    assert second["count"] == 3
    assert second["next"] is None
    assert second["previous"] is not None
    assert len(second["results"]) == 1

    seen = [item["id"] for item in body["results"] + second["results"]]
    assert sorted(seen) == sorted(row.pk for row in rows)


@resource_params()
def test_list_items_hold_the_stored_values(api_client, case):
    row = case.factory()
    (item,) = api_client.get(case.list_url).json()["results"]
    assert item["id"] == row.pk
    for name in case.fields:
        assert_row_matches(row, {name: item[name]})


@resource_params()
def test_list_shows_50_rows_by_default(api_client, case):
    case.factory.create_batch(51, **case.shared())
    body = api_client.get(case.list_url).json()
    assert body["count"] == 51
    assert len(body["results"]) == 50
    assert query_of(body["next"]) == {"limit": "50", "offset": "50"}


@pytest.mark.parametrize(
    ("limit", "page_size"), [(7, 7), (500, 500), (501, 500), (10_000, 500)], ids=["7", "500", "501", "10000"]
)
@resource_params([by_path("offices"), by_path("work-items")])
def test_list_limit_stops_at_500(api_client, case, limit, page_size):
    case.bulk(501)
    body = api_client.get(case.list_url, {"limit": limit}).json()
    assert body["count"] == 501
    assert len(body["results"]) == page_size


# --- create / retrieve / update / delete --------------------------------------------------------


@resource_params()
def test_create(api_client, case):
    payload = case.payload()
    before = case.model.objects.count()

    response = api_client.post(case.list_url, payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert_has_fields(case, body)
    assert {name: body[name] for name in payload} == payload
    assert case.model.objects.count() == before + 1
    assert_row_matches(case.model.objects.get(pk=body["id"]), payload)


@resource_params()
def test_retrieve(api_client, case):
    row = case.factory()

    response = api_client.get(case.detail_url(row.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == row.pk
    assert_has_fields(case, body)
    assert_row_matches(row, {name: body[name] for name in case.fields})


@resource_params()
def test_retrieve_unknown_id_is_404_problem(api_client, case):
    body = assert_problem(api_client.get(case.detail_url(999_999)), 404)
    assert body["type"] == "urn:shuitou:problem:not-found"


@resource_params()
def test_put_replaces_the_row(api_client, case):
    row = case.factory()
    payload = case.payload()
    count = case.model.objects.count()

    response = api_client.put(case.detail_url(row.pk), payload)

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in payload} == payload
    assert_row_matches(row, payload)
    assert case.model.objects.count() == count


@resource_params()
def test_patch_changes_only_the_given_fields(api_client, case):
    row = case.factory()
    untouched = {name: stored(row, name) for name in case.fields if name not in case.patch}

    response = api_client.patch(case.detail_url(row.pk), case.patch)

    assert response.status_code == 200, response.content
    body = response.json()
    assert {name: body[name] for name in case.patch} == case.patch
    assert_row_matches(row, case.patch)
    assert_row_matches(row, untouched)


@resource_params()
def test_delete(api_client, case):
    row, other = case.factory(), case.factory()

    response = api_client.delete(case.detail_url(row.pk))

    assert response.status_code == 204
    assert not case.model.objects.filter(pk=row.pk).exists()
    assert case.model.objects.filter(pk=other.pk).exists()
    assert_problem(api_client.get(case.detail_url(row.pk)), 404)


@resource_params()
def test_computed_fields_cannot_be_written(api_client, frozen_today, case):
    row = case.factory()
    stored_before = {name: stored(row, name) for name in case.fields}
    shown_before = api_client.get(case.detail_url(row.pk)).json()

    response = api_client.patch(case.detail_url(row.pk), {name: 7 for name in case.computed})

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in case.computed} == {
        name: shown_before[name] for name in case.computed
    }
    assert_row_matches(row, stored_before)


def test_office_project_count(api_client):
    busy = OfficeFactory(code="busy")
    OfficeFactory(code="idle")
    root = ProjectFactory(office=busy)
    ProjectFactory(office=busy, parent=root)
    ProjectFactory()  # another office's
    listed = {item["code"]: item["project_count"] for item in api_client.get("/api/v1/offices/").json()["results"]}
    assert (listed["busy"], listed["idle"]) == (2, 0)
    assert api_client.get(f"/api/v1/offices/{busy.pk}/").json()["project_count"] == 2
    created = api_client.post("/api/v1/offices/", {"code": "new", "name": "新指挥部"}).json()
    assert created["project_count"] == 0


def test_problem_may_be_town_wide(api_client):
    payload = {**by_path("problems").payload(), "project": None}
    response = api_client.post("/api/v1/problems/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["project"] is None


def test_project_defaults_when_optional_fields_are_left_out(api_client):
    office = ProjectFactory().office
    response = api_client.post("/api/v1/projects/", {"code": "X-1", "name": "新项目", "office": office.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["category"], body["status"], body["progress_method"]) == ("other", "planned", "quantities")
    assert body["parent"] is None and body["manual_progress"] is None


# --- authentication -----------------------------------------------------------------------------


def _anonymous_calls(case, pk):
    return [
        ("get", case.list_url, None),
        ("post", case.list_url, case.payload()),
        ("get", case.detail_url(pk), None),
        ("put", case.detail_url(pk), case.payload()),
        ("patch", case.detail_url(pk), case.patch),
        ("delete", case.detail_url(pk), None),
    ]


@resource_params()
def test_anonymous_requests_are_refused_with_401(anonymous_client, case):
    row = case.factory()
    calls = _anonymous_calls(case, row.pk)
    before = domain_snapshot()

    for method, url, data in calls:
        response = getattr(anonymous_client, method)(url, data)
        assert response["WWW-Authenticate"] == "Token", (method, url)
        body = assert_problem(response, 401)
        assert body["type"] == "urn:shuitou:problem:not-authenticated"

    assert domain_snapshot() == before


def test_a_wrong_token_is_refused_with_401(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = anonymous_client.get("/api/v1/projects/")
    assert response["WWW-Authenticate"] == "Token"
    assert assert_problem(response, 401)["type"] == "urn:shuitou:problem:authentication-failed"


def test_token_for_good_credentials(anonymous_client):
    user = UserFactory(username="wang", password="correct-horse")

    response = anonymous_client.post("/api/v1/auth/token/", {"username": "wang", "password": "correct-horse"})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert anonymous_client.get("/api/v1/projects/").status_code == 200


@pytest.mark.parametrize(
    ("credentials", "fields"),
    [
        ({"username": "wang", "password": "wrong"}, {None}),
        ({"username": "nobody", "password": "correct-horse"}, {None}),
        ({"username": "wang"}, {"password"}),
        ({}, {"username", "password"}),
    ],
    ids=["wrong-password", "unknown-user", "no-password", "empty"],
)
def test_no_token_for_bad_credentials(anonymous_client, credentials, fields):
    UserFactory(username="wang", password="correct-horse")

    response = anonymous_client.post("/api/v1/auth/token/", credentials)

    assert error_fields(response) == fields
    assert not Token.objects.exists()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_without_credentials(anonymous_client, path):
    response = anonymous_client.get(path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
