"""The Django admin works for every model, in Chinese by default and in English on request; the API speaks both."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from milestones.models import Milestone
from projects import models

from . import factories

pytestmark = pytest.mark.django_db

# Every model of ours, with the factory that builds one row of it.
ADMIN_MODELS = [
    (models.Office, factories.OfficeFactory),
    (models.Project, factories.ProjectFactory),
    (models.WorkItem, factories.WorkItemFactory),
    (models.LandAcquisition, factories.LandAcquisitionFactory),
    (models.Demolition, factories.DemolitionFactory),
    (models.ClearanceItem, factories.ClearanceItemFactory),
    (models.Investment, factories.InvestmentFactory),
    (models.Problem, factories.ProblemFactory),
    (Milestone, factories.MilestoneFactory),
    (User, factories.UserFactory),
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_every_domain_model_is_registered():
    assert {model for model, _ in ADMIN_MODELS} <= set(admin.site._registry)


@pytest.mark.parametrize(("model", "factory"), ADMIN_MODELS, ids=lambda value: getattr(value, "__name__", ""))
def test_changelist_add_and_change_pages_answer_200(admin_client, model, factory):
    obj = factory()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_project_page_shows_every_kind_of_row_inline(admin_client):
    project = factories.ProjectFactory()
    factories.WorkItemFactory(project=project, name="隧道")
    factories.MilestoneFactory(project=project, name="竣工验收")

    response = admin_client.get(admin_url(models.Project, "change", project.pk))

    assert response.status_code == 200
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {
        "work_items",
        "land_acquisitions",
        "demolitions",
        "clearance_items",
        "investments",
        "milestones",
    }
    assert "隧道" in response.text
    assert "竣工验收" in response.text


def test_project_changelist_search_and_filter(admin_client):
    water = factories.ProjectFactory(name="水头段防洪工程", category="water")
    factories.ProjectFactory(name="昆水公路", category="transport", parent=water)
    url = admin_url(models.Project, "changelist")

    searched = admin_client.get(url, {"q": "防洪"})
    filtered = admin_client.get(url, {"category__exact": "transport", "parent__isempty": "0"})

    assert searched.status_code == 200
    assert [project.name for project in searched.context["cl"].result_list] == ["水头段防洪工程"]
    assert filtered.status_code == 200
    assert [project.name for project in filtered.context["cl"].result_list] == ["昆水公路"]


def test_admin_is_chinese_by_default(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    text = response.text
    assert "水头镇重点项目管理" in text
    for label in ("重点项目", "项目", "工程量", "土地征收", "房屋征迁", "政策处理事项", "责任单位", "节点"):
        assert label in text
    assert "Work items" not in text


def test_admin_is_english_when_the_browser_asks(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    text = response.text
    assert "Shuitou key-project tracker" in text
    for label in ("Key projects", "Projects", "Work items", "Land acquisitions", "Clearance items", "Milestones"):
        assert label in text
    assert "工程量" not in text


def test_project_changelist_queries_do_not_grow_with_rows(admin_client):
    url = admin_url(models.Project, "changelist")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(url).status_code == 200
        return len(context.captured_queries)

    parent = factories.ProjectFactory()
    factories.ProjectFactory.create_batch(2, parent=parent)
    few = count_queries()
    factories.ProjectFactory.create_batch(17, parent=parent)
    many = count_queries()

    assert models.Project.objects.count() == 20
    assert many == few


@pytest.mark.parametrize(
    ("model", "factory"),
    [(model, factory) for model, factory in ADMIN_MODELS if model is not models.Office],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_row_changelists_query_a_bounded_number_of_times(admin_client, model, factory, django_assert_max_num_queries):
    factory.create_batch(15)

    with django_assert_max_num_queries(12):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_api_choice_labels_follow_accept_language(api_client):
    factories.ProjectFactory(category="water")

    english = api_client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = api_client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    default = api_client.get("/api/v1/projects/")

    assert english.json()["results"][0]["category_label"] == "Water conservancy"
    assert chinese.json()["results"][0]["category_label"] == "水利"
    assert default.json()["results"][0]["category_label"] == "水利"


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Must not be negative."), ("zh-hans", "不能为负数。"), ("zh-CN", "不能为负数。")],
)
def test_api_validation_messages_follow_accept_language(api_client, language, message):
    project = factories.ProjectFactory()
    payload = {"project": project.pk, "name": "路基", "unit": "m", "planned_quantity": "-1"}

    response = api_client.post("/api/v1/work-items/", payload, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert {"field": "planned_quantity", "code": "min_value", "message": message} in response.json()["errors"]


def test_the_admin_keeps_stored_progress_current(admin_client):
    """The admin writes through the model, not the services, and refreshes what its saves move, as they do."""
    parent = factories.ProjectFactory()
    project = factories.ProjectFactory(parent=parent)
    item = factories.WorkItemFactory(project=project, planned_quantity=100, completed_quantity=0)
    form = {
        "project": project.pk,
        "name": item.name,
        "unit": item.unit,
        "planned_quantity": "100",
        "completed_quantity": "40",
        "weight": "1",
    }

    response = admin_client.post(admin_url(models.WorkItem, "change", item.pk), form)
    assert response.status_code == 302, response.content
    assert [models.Project.objects.get(pk=p.pk).progress for p in (project, parent)] == [40, 40]

    response = admin_client.post(admin_url(models.WorkItem, "delete", item.pk), {"post": "yes"})
    assert response.status_code == 302, response.content
    assert [models.Project.objects.get(pk=p.pk).progress for p in (project, parent)] == [0, 0]


def test_the_admin_moves_a_project_and_both_parents_follow(admin_client):
    old, new = factories.ProjectFactory(), factories.ProjectFactory()
    project = factories.ProjectFactory(parent=old, progress_method="manual", manual_progress=60)
    form = {
        "code": project.code,
        "name": project.name,
        "category": project.category,
        "status": project.status,
        "parent": new.pk,
        "office": project.office_id,
        "progress_method": "manual",
        "manual_progress": "60",
        **{f"{prefix}-{field}": value for prefix in INLINE_PREFIXES for field, value in EMPTY_INLINE.items()},
    }

    response = admin_client.post(admin_url(models.Project, "change", project.pk), form)
    assert response.status_code == 302, response.content
    assert [models.Project.objects.get(pk=p.pk).progress for p in (old, new)] == [0, 60]


# The inline formsets of a project's page, submitted empty.
INLINE_PREFIXES = ["work_items", "land_acquisitions", "demolitions", "clearance_items", "investments", "milestones"]
EMPTY_INLINE = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
