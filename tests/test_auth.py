"""Tokens (issue, revoke, expire), the brute-force lock-out, request throttling and the shared cache."""

import datetime
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role

from .conftest import client_for
from .factories import UserFactory
from .resources import assert_problem

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
BASE_DIR = Path(__file__).resolve().parent.parent


def login(client: APIClient, username: str, password: str, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, **extra)


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", password="correct-horse", role=Role.EDITOR)


# --- tokens -----------------------------------------------------------------------------------------------


def test_delete_revokes_the_token(wang):
    key = login(APIClient(), "wang", "correct-horse").json()["token"]
    client = with_token(key)
    assert client.get("/api/v1/projects/").status_code == 200

    assert client.delete(TOKEN_URL).status_code == 204

    assert not Token.objects.filter(key=key).exists()
    response = client.get("/api/v1/projects/")
    assert assert_problem(response, 401)["type"] == "urn:shuitou:problem:authentication-failed"
    assert response["WWW-Authenticate"] == "Token"
    fresh = login(APIClient(), "wang", "correct-horse").json()["token"]
    assert fresh != key
    assert with_token(fresh).get("/api/v1/projects/").status_code == 200


def test_a_token_login_opens_no_session(wang):
    client = APIClient()
    response = login(client, "wang", "correct-horse")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # else every later request would read a session row
    assert not Session.objects.exists()


def test_revoking_needs_a_login(anonymous_client):
    response = anonymous_client.delete(TOKEN_URL)
    assert assert_problem(response, 401)["type"] == "urn:shuitou:problem:not-authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_login_returns_the_current_token_while_it_lasts(wang):
    first = login(APIClient(), "wang", "correct-horse").json()["token"]
    assert login(APIClient(), "wang", "correct-horse").json()["token"] == first


def test_a_login_with_a_stale_token_header_still_logs_in(wang):
    response = login(with_token("0" * 40), "wang", "correct-horse")
    assert response.status_code == 200, response.content


@override_settings(TOKEN_TTL_HOURS=24)
def test_a_token_expires_after_its_ttl_and_a_new_login_issues_a_fresh_one(wang):
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        key = login(APIClient(), "wang", "correct-horse").json()["token"]
    client = with_token(key)

    with time_machine.travel(issued + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert client.get("/api/v1/projects/").status_code == 200
        assert login(APIClient(), "wang", "correct-horse").json()["token"] == key  # still the same

    with time_machine.travel(issued + datetime.timedelta(hours=24), tick=False):
        response = client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE="en")
        body = assert_problem(response, 401)
        assert body["type"] == "urn:shuitou:problem:authentication-failed"
        assert "expired" in body["detail"]
        assert response["WWW-Authenticate"] == "Token"
        assert not Token.objects.filter(key=key).exists()  # deleted, not just refused

        fresh = login(APIClient(), "wang", "correct-horse").json()["token"]
        assert fresh != key
        assert with_token(fresh).get("/api/v1/projects/").status_code == 200


@override_settings(TOKEN_TTL_HOURS=1)
def test_an_expired_token_is_replaced_at_login_even_if_never_used(wang):
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        key = login(APIClient(), "wang", "correct-horse").json()["token"]
    with time_machine.travel(issued + datetime.timedelta(hours=2), tick=False):
        fresh = login(APIClient(), "wang", "correct-horse").json()["token"]
    assert fresh != key
    assert list(Token.objects.values_list("key", flat=True)) == [fresh]


def test_an_inactive_users_token_stops_working(wang):
    client = client_for(wang)
    wang.is_active = False
    wang.save()
    assert_problem(client.get("/api/v1/projects/"), 401)


def test_a_login_sets_last_login(wang):
    assert wang.last_login is None
    login(APIClient(), "wang", "correct-horse")
    wang.refresh_from_db()
    assert wang.last_login is not None


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"], ids=lambda path: path
)
def test_only_health_and_docs_answer_without_credentials(anonymous_client, path):
    assert anonymous_client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/auth/me/", "/api/v1/reports/summary/", "/api/v1/reports/overdue/", "/api/v1/changes/"]
)
def test_everything_else_needs_credentials(anonymous_client, path):
    response = anonymous_client.get(path)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


# --- lock-out ---------------------------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=15))
def test_repeated_failures_lock_the_username_from_that_address_out(wang):
    client = APIClient()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            assert login(client, "wang", "wrong").status_code == 400

        locked = login(client, "wang", "wrong", HTTP_ACCEPT_LANGUAGE="en")  # the third failure locks

        body = assert_problem(locked, 429)
        assert body["type"] == "urn:shuitou:problem:locked-out"
        assert "15 minutes" in body["detail"]
        assert locked["Retry-After"] == "900"
        # Locked even with the right password, and no token is issued.
        assert_problem(login(client, "wang", "correct-horse"), 429)
        assert not Token.objects.exists()
        # Per username and address: the same user from elsewhere, and another user from here, still log in.
        assert login(client, "wang", "correct-horse", REMOTE_ADDR="10.1.2.3").status_code == 200
        UserFactory(username="li", password="correct-horse")
        assert login(client, "li", "correct-horse").status_code == 200

    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert login(client, "wang", "correct-horse").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_login_clears_the_failures(wang):
    client = APIClient()
    for _ in range(2):
        assert login(client, "wang", "wrong").status_code == 400
    assert login(client, "wang", "correct-horse").status_code == 200
    for _ in range(2):
        assert login(client, "wang", "wrong").status_code == 400
    assert login(client, "wang", "correct-horse").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_login_is_locked_out_too(db):
    UserFactory(username="boss", password="correct-horse", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(2):
        assert client.post("/admin/login/", {"username": "boss", "password": "wrong"}).status_code == 200
    locked = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    assert assert_problem(locked, 429)["type"] == "urn:shuitou:problem:locked-out"
    assert_problem(client.post("/admin/login/", {"username": "boss", "password": "correct-horse"}), 429)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_forged_forwarded_for_header_does_not_dodge_the_lock_out(wang):
    client = APIClient()
    for index in range(2):
        login(client, "wang", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert_problem(login(client, "wang", "correct-horse", HTTP_X_FORWARDED_FOR="203.0.113.99"), 429)


# --- throttling ---------------------------------------------------------------------------------------------


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(THROTTLE_USER_RATE="3/minute")
def test_a_user_over_the_rate_gets_429_with_retry_after(api_client, clean_cache):
    for _ in range(3):
        assert api_client.get("/api/v1/projects/").status_code == 200

    response = api_client.get("/api/v1/projects/")

    body = assert_problem(response, 429)
    assert body["type"] == "urn:shuitou:problem:throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Per user: another user is not held back by the first one's requests.
    assert client_for(UserFactory(role=Role.VIEWER)).get("/api/v1/projects/").status_code == 200


@override_settings(THROTTLE_ANON_RATE="2/minute")
def test_anonymous_calls_are_throttled_per_address(wang, clean_cache):
    client = APIClient()
    for _ in range(2):
        login(client, "wang", "correct-horse")
    response = login(client, "wang", "correct-horse")
    assert assert_problem(response, 429)["type"] == "urn:shuitou:problem:throttled"
    assert int(response["Retry-After"]) > 0
    assert login(client, "wang", "correct-horse", REMOTE_ADDR="10.9.9.9").status_code == 200


@override_settings(THROTTLE_USER_RATE="")
def test_an_empty_rate_turns_the_throttle_off(api_client, clean_cache):
    for _ in range(5):
        assert api_client.get("/api/v1/offices/").status_code == 200


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _django(code: str, **env) -> str:
    """Runs `code` after `django.setup()` in a fresh process with the development settings and `env` (a None
    value unsets the variable); returns its stdout."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env}
    environment = {key: value for key, value in environment.items() if value is not None}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


BACKEND = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def test_without_redis_url_the_cache_is_local_memory():
    assert _django(BACKEND, REDIS_URL=None) == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_every_process_counts_against_one_limit():
    """Two processes with REDIS_URL share throttle counters: the second sees the first one's requests."""
    url = "redis://127.0.0.1:6379/15"
    key = f"test-shared-{uuid.uuid4().hex}"
    count = f"from django.core.cache import cache; cache.add({key!r}, 0, 60); print(cache.incr({key!r}))"
    try:
        assert _django(BACKEND, REDIS_URL=url) == "django_redis.cache.RedisCache"
        assert _django(count, REDIS_URL=url) == "1"
        assert _django(count, REDIS_URL=url) == "2"
    finally:
        _django(f"from django.core.cache import cache; cache.delete({key!r})", REDIS_URL=url)


@pytest.fixture
def site_admin(db):
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN, office=None, is_staff=True, is_superuser=True))
    return client


def test_a_password_changed_in_the_admin_ends_the_users_token(wang, site_admin):
    client = client_for(wang)
    form = {"password1": "a-new-horse-battery", "password2": "a-new-horse-battery", "usable_password": "true"}

    response = site_admin.post(f"/admin/accounts/user/{wang.pk}/password/", form)

    assert response.status_code == 302, response.content
    assert not Token.objects.filter(user=wang).exists()
    assert_problem(client.get("/api/v1/projects/"), 401)


def test_a_user_turned_off_in_the_admin_loses_the_token_for_good(wang, site_admin):
    client = client_for(wang)
    change = site_admin.get(f"/admin/accounts/user/{wang.pk}/change/").context["adminform"].form
    form = {name: value for name, value in change.initial.items() if value is not None and name != "is_active"}
    form |= {"date_joined_0": wang.date_joined.date().isoformat(), "date_joined_1": "00:00:00"}
    form |= {"groups": [], "user_permissions": [], "office": wang.office_id, "last_login_0": "", "last_login_1": ""}

    response = site_admin.post(f"/admin/accounts/user/{wang.pk}/change/", form)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert not Token.objects.filter(user=wang).exists()
    wang.refresh_from_db()
    wang.is_active = True
    wang.save()
    assert_problem(client.get("/api/v1/projects/"), 401)  # turned on again, the old token does not come back
