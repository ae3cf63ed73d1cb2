"""One error shape (RFC 9457 problem details) for every 4xx and 5xx under /api/, in the request's language."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from projects.api.views import ProjectViewSet
from projects.models import Investment
from projects.services import writes

from .factories import InvestmentFactory, ProjectFactory
from .resources import API, PROBLEM_CONTENT_TYPE, assert_problem

pytestmark = pytest.mark.django_db

TRACES = ("Traceback", "RuntimeError", "hunter2", 'File "')


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/projects/1/nothing/", "/api/v2/", "/api/"])
def test_an_unknown_api_url_is_a_404_problem(anonymous_client, path):
    body = assert_problem(anonymous_client.get(path), 404)
    assert body["type"] == "urn:shuitou:problem:not-found"


def test_an_unknown_url_outside_the_api_keeps_djangos_page(anonymous_client):
    response = anonymous_client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)


@pytest.mark.urls("tests.error_urls")
def test_an_unhandled_error_is_a_500_problem_without_a_traceback():
    response = Client(raise_request_exception=False).get("/api/v1/test-only/boom/")
    body = assert_problem(response, 500)
    assert body["type"] == "urn:shuitou:problem:server-error"
    assert not any(trace in response.content.decode() for trace in TRACES)


@pytest.mark.urls("tests.error_urls")
def test_a_500_outside_the_api_keeps_djangos_page():
    response = Client(raise_request_exception=False).get("/test-only/boom/")
    assert response.status_code == 500
    assert not response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)


def test_an_error_inside_an_api_view_is_a_500_problem(admin_user, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret detail: the database password is hunter2")

    monkeypatch.setattr(ProjectViewSet, "list", fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(admin_user)
    response = client.get(f"{API}projects/")
    assert_problem(response, 500)
    assert not any(trace in response.content.decode() for trace in TRACES)


@pytest.mark.parametrize(
    ("language", "not_found", "bad_request", "unauthorized"),
    [
        ("en", "Not Found", "Bad Request", "Unauthorized"),
        ("zh-hans", "未找到", "请求无效", "未认证"),
    ],
)
def test_titles_and_messages_follow_accept_language(
    api_client, anonymous_client, language, not_found, bad_request, unauthorized
):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    assert assert_problem(api_client.get(f"{API}projects/999999/", **headers), 404)["title"] == not_found
    assert assert_problem(api_client.get("/api/v1/nothing-here/", **headers), 404)["title"] == not_found
    assert assert_problem(anonymous_client.get(f"{API}projects/", **headers), 401)["title"] == unauthorized
    body = assert_problem(api_client.post(f"{API}offices/", {"code": "has spaces", "name": ""}, **headers), 400)
    assert body["title"] == bad_request
    messages = {error["field"]: error["message"] for error in body["errors"]}
    if language == "en":
        assert messages["name"] == "This field may not be blank."
        assert body["detail"] == "The request has invalid fields."
    else:
        assert messages["name"] == "该字段不能为空。"
        assert body["detail"] == "请求中有字段填写不正确。"


def test_choice_labels_follow_accept_language(api_client):
    project = ProjectFactory(category="water", status="in_progress")
    english = api_client.get(f"{API}projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api_client.get(f"{API}projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (english["category_label"], english["status_label"]) == ("Water conservancy", "In progress")
    assert (chinese["category_label"], chinese["status_label"]) == ("水利", "在建")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("put", "reports/summary/", 405),
        ("post", "offices/", 415),
    ],
)
def test_other_errors_have_the_shape_too(api_client, method, path, status):
    kwargs = {"data": "code=x", "content_type": "text/plain"} if status == 415 else {}
    assert_problem(getattr(api_client, method)(f"{API}{path}", **kwargs), status)


def test_a_406_has_the_shape(api_client):
    assert_problem(api_client.get(f"{API}projects/", HTTP_ACCEPT="application/xml"), 406)


def test_a_write_the_database_refuses_after_the_checks_passed_is_a_409(api_client, monkeypatch):
    existing = InvestmentFactory()
    # As when two writes of the same month pass the checks at the same moment and the database keeps the first.
    monkeypatch.setattr(writes, "check_constraints", lambda row, changed: None)
    payload = {"project": existing.project_id, "period": existing.period.isoformat(), "amount": "1.00"}

    body = assert_problem(api_client.post(f"{API}investments/", payload, format="json"), 409)

    assert body["type"] == "urn:shuitou:problem:conflict"
    assert Investment.objects.filter(project_id=existing.project_id).count() == 1
