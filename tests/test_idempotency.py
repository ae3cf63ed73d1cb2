"""Safe retries: a POST with an Idempotency-Key, repeated, answers the first response and creates nothing."""

import datetime
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from rest_framework import mixins

from core.api.idempotency import IdempotentCreateMixin
from core.api.views import DomainViewSet
from core.idempotency import request_fingerprint
from core.models import IdempotencyKey

from .conftest import client_for
from .factories import UserFactory
from .resources import assert_problem, by_path, error_fields, resource_params

pytestmark = pytest.mark.django_db

KEY = "5f0c6a7e-3b1d-4c8e-9a2f-1d2e3f4a5b6c"


def post(client, case, payload, key=KEY, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(case.list_url, payload, format="json", headers=headers)


def admin_client():
    return client_for(UserFactory(role="admin", office=None, is_staff=True, is_superuser=True))


@resource_params()
def test_a_retry_answers_the_first_response_and_creates_nothing(api_client, case):
    payload = case.payload()
    before = case.model.objects.count()

    first = post(api_client, case, payload)
    again = post(api_client, case, payload)

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert case.model.objects.count() == before + 1


def test_a_retry_that_orders_and_spaces_its_json_differently_is_the_same_request(api_client):
    case = by_path("offices")
    first = api_client.post(
        case.list_url, '{"code": "a", "name": "甲"}', content_type="application/json", headers={"Idempotency-Key": KEY}
    )
    again = api_client.post(
        case.list_url, '{"name":"甲","code":"a"}', content_type="application/json", headers={"Idempotency-Key": KEY}
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]


@resource_params()
def test_the_same_key_with_another_body_is_422(api_client, case):
    payload = case.payload()
    assert post(api_client, case, payload).status_code == 201
    count = case.model.objects.count()

    response = post(api_client, case, {**payload, case.fields[-1]: None})

    body = assert_problem(response, 422)
    assert body["type"] == "urn:shuitou:problem:idempotency-key-reused"
    assert case.model.objects.count() == count


def test_the_same_key_on_another_path_is_422(api_client):
    assert post(api_client, by_path("offices"), {"code": "a", "name": "甲"}).status_code == 201
    assert_problem(post(api_client, by_path("problems"), by_path("problems").payload()), 422)


def test_keys_belong_to_their_user(api_client):
    case = by_path("work-items")
    payload = case.payload()
    other = admin_client()

    mine = post(api_client, case, payload)
    theirs = post(other, case, payload)

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert case.model.objects.count() == 2
    assert IdempotencyKey.objects.filter(key=KEY).count() == 2


def test_without_a_key_every_post_creates(api_client):
    case = by_path("work-items")
    payload = case.payload()
    ids = {post(api_client, case, payload, key=None).json()["id"] for _ in range(2)}
    assert len(ids) == 2
    assert not IdempotencyKey.objects.exists()


def test_a_key_is_kept_a_day_then_runs_again(api_client, settings):
    case = by_path("work-items")
    payload = case.payload()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = post(api_client, case, payload)
    with time_machine.travel(start + settings.IDEMPOTENCY_KEY_TTL - datetime.timedelta(minutes=1), tick=False):
        replayed = post(api_client, case, payload)
    with time_machine.travel(start + settings.IDEMPOTENCY_KEY_TTL + datetime.timedelta(minutes=1), tick=False):
        rerun = post(api_client, case, payload)

    assert replayed.json()["id"] == first.json()["id"]
    assert rerun.status_code == 201
    assert rerun.json()["id"] != first.json()["id"]
    assert not rerun.has_header("Idempotent-Replayed")
    assert case.model.objects.count() == 2


def in_progress(user, case, payload, *, created_at=None) -> IdempotencyKey:
    """The record a request still running would have left."""
    fingerprint = request_fingerprint(method="POST", path=case.list_url, data=payload)
    return IdempotencyKey.objects.create(
        user=user, key=KEY, fingerprint=fingerprint, created_at=created_at or timezone.now()
    )


def test_a_retry_while_the_first_is_running_is_409(api_client, admin_user):
    case = by_path("problems")
    payload = case.payload()
    in_progress(admin_user, case, payload)

    response = post(api_client, case, payload)

    body = assert_problem(response, 409)
    assert body["type"] == "urn:shuitou:problem:idempotency-key-in-use"
    assert response["Retry-After"] == "1"
    assert not case.model.objects.exists()


def test_a_key_left_running_by_a_request_that_died_is_taken_over(api_client, admin_user, settings):
    case = by_path("problems")
    payload = case.payload()
    in_progress(admin_user, case, payload, created_at=timezone.now() - settings.IDEMPOTENCY_KEY_LOCK_TIMEOUT * 2)

    response = post(api_client, case, payload)

    assert response.status_code == 201, response.content
    assert IdempotencyKey.objects.get(key=KEY).state == IdempotencyKey.State.DONE


def test_a_refused_request_frees_its_key(api_client):
    case = by_path("work-items")
    payload = case.payload()
    error_fields(post(api_client, case, {**payload, "weight": "-1"}))
    assert not IdempotencyKey.objects.exists()

    response = post(api_client, case, payload)

    assert response.status_code == 201
    assert post(api_client, case, payload).json()["id"] == response.json()["id"]


def test_a_failing_request_frees_its_key_and_writes_nothing(api_client, monkeypatch):
    case = by_path("projects")
    payload = case.payload()
    projects = case.model.objects.count()

    write = DomainViewSet.perform_create

    def fail(self, serializer):
        write(self, serializer)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(DomainViewSet, "perform_create", fail)
    api_client.raise_request_exception = False
    assert post(api_client, case, payload).status_code == 500
    assert case.model.objects.count() == projects
    assert not IdempotencyKey.objects.exists()

    monkeypatch.undo()
    assert post(api_client, case, payload).status_code == 201
    assert case.model.objects.count() == projects + 1


@pytest.mark.parametrize(
    ("key", "code"),
    [("x" * 256, "max_length"), ("", "invalid"), ("  ", "invalid"), ("密钥", "invalid")],
    ids=["too-long", "empty", "blank", "not-ascii"],
)
def test_a_bad_key_is_400_naming_the_header(api_client, key, code):
    case = by_path("offices")
    response = post(api_client, case, case.payload(), key=key)
    assert error_fields(response) == {"Idempotency-Key"}
    assert response.json()["errors"][0]["code"] == code
    assert not case.model.objects.exists()


def test_the_longest_key_is_accepted(api_client):
    case = by_path("offices")
    assert post(api_client, case, case.payload(), key="k" * 255).status_code == 201


def test_anonymous_posts_are_401_whatever_the_key(anonymous_client):
    case = by_path("offices")
    assert_problem(post(anonymous_client, case, case.payload()), 401)
    assert not IdempotencyKey.objects.exists()


def test_the_purge_command_deletes_expired_keys_only(admin_user, settings):
    now = timezone.now()
    old = IdempotencyKey.objects.create(
        user=admin_user, key="old", fingerprint="0" * 64, created_at=now - settings.IDEMPOTENCY_KEY_TTL * 2
    )
    fresh = IdempotencyKey.objects.create(user=admin_user, key="fresh", fingerprint="0" * 64, created_at=now)

    output = io.StringIO()
    call_command("purge_idempotency_keys", stdout=output)

    assert "Deleted 1 " in output.getvalue()

    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()


def test_every_domain_viewset_honours_the_key():
    from config.api import router

    creating = [viewset for _prefix, viewset, _name in router.registry if issubclass(viewset, mixins.CreateModelMixin)]
    assert creating
    assert all(issubclass(viewset, IdempotentCreateMixin) for viewset in creating)


# --- two identical requests at the same moment (PostgreSQL) ---------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["offices", "projects", "milestones"])
@pytest.mark.parametrize("attempt", range(2))
def test_two_identical_posts_at_once_create_one_row(path, attempt):
    case = by_path(path)
    payload = case.payload()
    client = admin_client()
    before = case.model.objects.count()
    barrier = threading.Barrier(2, timeout=10)
    responses: list = [None, None]
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            responses[index] = post(client, case, payload)
        except Exception as error:  # noqa: BLE001  (reported to the main thread)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    statuses = sorted(response.status_code for response in responses)
    assert statuses in ([201, 201], [201, 409]), [response.content for response in responses]
    created = [response.json()["id"] for response in responses if response.status_code == 201]
    assert len(set(created)) == 1
    assert case.model.objects.count() == before + 1
    # Later retries get the winner's answer.
    assert post(client, case, payload).json()["id"] == created[0]
