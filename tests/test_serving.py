"""Serving in production: the request log, request ids, database outages (503), /readyz, the production
settings on PostgreSQL, the gunicorn settings and `make serve`'s refusals."""

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import path

from core.logging import JsonFormatter, RequestIdFilter

from .conftest import client_for
from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s" * 20 + "e" * 20 + "cret-key-for-the-settings-test"

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[dict]:
    """The access-log records of the test, as the JSON lines the console handler writes."""
    formatter, stamp = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        if record.name == "shuitou.request":
            stamp.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


class TestRequestLog:
    def test_one_json_line_per_request_with_its_fields_and_no_token(self, caplog):
        user = UserFactory(username="demo-flood-control")
        client = client_for(user)
        token = client._credentials["HTTP_AUTHORIZATION"].split()[1]
        caplog.set_level(logging.INFO, logger="shuitou.request")

        response = client.get("/api/v1/projects/?search=防洪", HTTP_X_REQUEST_ID="lb-7f3a")
        # A token in the query string (some clients put one there) stays out of the log as well.
        client.get(f"/api/v1/projects/?access_token={token}")

        assert response.status_code == 200
        line, second = request_lines(caplog)
        assert set(line) >= {"timestamp", "level", "message", "request_id", "method", "path", "status"}
        assert line["method"] == "GET"
        assert line["path"] == second["path"] == "/api/v1/projects/"
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert (line["user_id"], line["username"]) == (user.pk, "demo-flood-control")
        assert line["request_id"] == "lb-7f3a" == response["X-Request-ID"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])
        text = json.dumps([line, second], ensure_ascii=False)
        assert token not in text
        assert "search" not in text and "防洪" not in text  # no query string at all

    def test_an_anonymous_request_logs_no_user(self, caplog, anonymous_client):
        caplog.set_level(logging.INFO, logger="shuitou.request")
        assert anonymous_client.get("/api/v1/projects/").status_code == 401
        [line] = request_lines(caplog)
        assert (line["status"], line["user_id"], line["username"]) == (401, None, None)

    def test_other_records_during_the_request_carry_its_id(self, caplog, anonymous_client):
        caplog.set_level(logging.INFO)
        response = anonymous_client.get("/api/v1/projects/", HTTP_X_REQUEST_ID="trace-42")
        # Django's own "Unauthorized: …" warning is written after the middleware has finished.
        [warning] = [r for r in caplog.records if r.name == "django.request"]
        RequestIdFilter().filter(warning)
        assert warning.request_id == "trace-42" == response["X-Request-ID"]
        assert "request" not in json.loads(JsonFormatter().format(warning))  # the request object stays out


class TestRequestId:
    def test_generated_when_absent_and_returned(self, anonymous_client):
        first = anonymous_client.get("/healthz")["X-Request-ID"]
        second = anonymous_client.get("/healthz")["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", first)
        assert first != second

    def test_propagated_from_the_header(self, anonymous_client):
        assert anonymous_client.get("/healthz", HTTP_X_REQUEST_ID="abc-123.x:y_z")["X-Request-ID"] == "abc-123.x:y_z"

    @pytest.mark.parametrize("bad", ["has space", "line\nbreak", "x" * 129, '"quoted"', "{json}"])
    def test_replaced_when_it_does_not_look_like_an_id(self, anonymous_client, bad):
        returned = anonymous_client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", returned)


def assert_database_unavailable(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["type"] == "urn:shuitou:problem:database-unavailable"
    assert body["status"] == 503


class TestDatabaseOutage:
    @pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection closed")])
    def test_an_api_read_answers_503_problem(self, api_client, error):
        with mock.patch("projects.api.views.ProjectViewSet.get_queryset", side_effect=error):
            assert_database_unavailable(api_client.get("/api/v1/projects/"))

    def test_an_api_write_answers_503_problem(self, api_client):
        with mock.patch("projects.models.Office.save", side_effect=OperationalError("server closed the connection")):
            assert_database_unavailable(api_client.post("/api/v1/offices/", {"code": "x", "name": "办公室"}))

    @pytest.mark.urls(__name__)
    def test_outside_drf_views_too(self):
        # e.g. a middleware's query: Django's handler500 answers 503 instead of 500.
        assert_database_unavailable(Client(raise_request_exception=False).get("/broken"))


def _failing_view(request):
    raise OperationalError("could not connect to server")


urlpatterns = [path("broken", _failing_view)]
handler500 = "core.api.errors.server_error"


class TestReadiness:
    def test_503_problem_while_the_database_fails_then_200(self, anonymous_client):
        with mock.patch("core.health.connection") as broken:
            broken.cursor.side_effect = OperationalError("connection refused")
            response = anonymous_client.get("/readyz")
        assert response.status_code == 503
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "urn:shuitou:problem:database-unavailable"

        response = anonymous_client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_healthz_does_not_touch_the_database(self, anonymous_client):
        with mock.patch("core.health.connection") as broken:
            broken.cursor.side_effect = OperationalError("connection refused")
            assert anonymous_client.get("/healthz").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real connection to a dead address: PostgreSQL")
@pytest.mark.django_db(transaction=True)
class TestReadinessOnARealConnection:
    """/readyz against addresses where no database answers, then back: no hang beyond connect_timeout."""

    @pytest.fixture
    def point_at(self, monkeypatch):
        def point(port: int):
            connection.close()
            monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
            monkeypatch.setitem(connection.settings_dict, "PORT", port)
            monkeypatch.setitem(connection.settings_dict["OPTIONS"], "connect_timeout", 2)

        yield point
        connection.close()  # the next query reconnects with the restored settings

    def _readyz(self, client) -> tuple[int, float]:
        started = time.monotonic()
        status = client.get("/readyz").status_code
        return status, time.monotonic() - started

    def test_closed_port(self, anonymous_client, point_at, monkeypatch):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        point_at(closed_port)
        status, seconds = self._readyz(anonymous_client)
        assert status == 503
        assert seconds < 2

        monkeypatch.undo()
        connection.close()
        assert anonymous_client.get("/readyz").status_code == 200

    def test_a_peer_that_never_answers_is_given_up_after_connect_timeout(self, anonymous_client, point_at, monkeypatch):
        with socket.socket() as silent:  # accepts TCP connections (the kernel's backlog) but never speaks
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            point_at(silent.getsockname()[1])
            status, seconds = self._readyz(anonymous_client)
        assert status == 503
        assert 1.5 < seconds < 5

        monkeypatch.undo()
        connection.close()
        assert anonymous_client.get("/readyz").status_code == 200


def run_python(code: str, **env: str) -> dict:
    """Runs `code` in a fresh interpreter with only `env` (plus PATH) and returns the JSON it prints."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION_SETTINGS = """
import json
from config.settings import production as s
print(json.dumps({
    "databases": s.DATABASES, "replicas": s.DATABASE_REPLICAS, "routers": s.DATABASE_ROUTERS,
    "middleware": s.MIDDLEWARE, "staticfiles": s.STORAGES["staticfiles"]["BACKEND"], "debug": s.DEBUG,
    "log_level": s.LOG_LEVEL, "root_handlers": s.LOGGING["root"]["handlers"],
}, default=str))
"""


class TestProductionSettings:
    def test_persistent_connections_timeouts_and_replicas_on_postgresql(self):
        settings = run_python(
            PRODUCTION_SETTINGS,
            SECRET_KEY=SECRET,
            DATABASE_URL="postgres://app:pw@db.example:5432/shuitou",
            DATABASE_REPLICA_URLS="postgres://app:pw@replica1.example:5432/shuitou,postgres://app:pw@r2.example/shuitou",
            DB_STATEMENT_TIMEOUT_MS="15000",
            LOG_LEVEL="warning",
        )
        default = settings["databases"]["default"]
        assert default["ENGINE"] == "django.db.backends.postgresql"
        assert default["CONN_MAX_AGE"] == 60
        assert default["CONN_HEALTH_CHECKS"] is True
        assert default["OPTIONS"]["connect_timeout"] == 5
        assert default["OPTIONS"]["options"] == "-c statement_timeout=15000 -c jit=off"
        assert "pool" not in default["OPTIONS"]
        assert settings["replicas"] == ["replica_1", "replica_2"]
        assert settings["databases"]["replica_1"]["HOST"] == "replica1.example"
        assert settings["databases"]["replica_2"]["OPTIONS"]["options"] == "-c statement_timeout=15000 -c jit=off"
        assert settings["databases"]["replica_2"]["TEST"] == {"MIRROR": "default"}
        assert settings["routers"] == ["core.db_router.PrimaryReplicaRouter"]
        middleware = settings["middleware"]
        assert middleware[0] == "core.middleware.RequestLogMiddleware"
        security = middleware.index("django.middleware.security.SecurityMiddleware")
        assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
        assert settings["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
        assert settings["debug"] is False
        assert (settings["log_level"], settings["root_handlers"]) == ("WARNING", ["console"])

    def test_postgresql_jit_only_when_asked_for(self):
        settings = run_python(
            PRODUCTION_SETTINGS, SECRET_KEY=SECRET, DATABASE_URL="postgres://app:pw@db.example/shuitou", DB_JIT="true"
        )
        assert settings["databases"]["default"]["OPTIONS"]["options"] == "-c statement_timeout=30000"

    def test_a_pool_when_asked_for_one(self):
        code = PRODUCTION_SETTINGS.replace(
            "print(json.dumps({",
            "import django; django.setup()\n"
            "from django.db import connections\n"
            "pool = connections['default'].pool\n"
            "print(json.dumps({'pool_sizes': [pool.min_size, pool.max_size, pool.timeout],",
        )
        settings = run_python(
            code,
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=SECRET,
            DATABASE_URL="postgres://app:pw@db.example:5432/shuitou?connect_timeout=3",
            DB_POOL_MIN="2",
            DB_POOL_MAX="8",
        )
        default = settings["databases"]["default"]
        assert default["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 5.0}
        assert default["OPTIONS"]["connect_timeout"] == 3  # the URL's own option wins
        assert default["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
        assert settings["pool_sizes"] == [2, 8, 5.0]  # Django built the pool from it (without connecting)
        assert settings["routers"] == []

    def test_sqlite_is_left_alone(self):
        settings = run_python(PRODUCTION_SETTINGS, SECRET_KEY=SECRET, DATABASE_URL="sqlite:////tmp/x.sqlite3")
        default = settings["databases"]["default"]
        assert default["ENGINE"] == "django.db.backends.sqlite3"
        assert "OPTIONS" not in default or default["OPTIONS"] == {}
        assert "CONN_HEALTH_CHECKS" not in default


GUNICORN_SETTINGS = """
import json, runpy
c = runpy.run_path("config/gunicorn.py")
print(json.dumps({k: c[k] for k in ("bind", "workers", "threads", "worker_class", "timeout", "accesslog")}))
"""


class TestGunicornSettings:
    def test_workers_from_web_concurrency(self):
        settings = run_python(GUNICORN_SETTINGS, WEB_CONCURRENCY="3", HOST="0.0.0.0", PORT="9000")
        assert settings == {
            "bind": "0.0.0.0:9000",
            "workers": 3,
            "threads": 1,
            "worker_class": "gthread",
            "timeout": 60,
            "accesslog": None,
        }

    def test_default_workers_are_capped_and_threads_are_taken(self):
        settings = run_python(GUNICORN_SETTINGS, GUNICORN_THREADS="4")
        assert 3 <= settings["workers"] <= 12
        assert (settings["threads"], settings["worker_class"]) == (4, "gthread")


class TestServeRefuses:
    def serve(self, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bin/serve"],
            cwd=ROOT,
            env={"PATH": os.environ["PATH"], "PYTHON": sys.executable, **env},
            capture_output=True,
            text=True,
            timeout=30,
        )

    def test_without_database_url(self):
        result = self.serve(SECRET_KEY=SECRET)
        assert result.returncode == 2
        assert "DATABASE_URL is not set" in result.stderr
        assert "postgres://" in result.stderr

    def test_with_sqlite(self):
        result = self.serve(SECRET_KEY=SECRET, DATABASE_URL="sqlite:///db.sqlite3")
        assert result.returncode == 2
        assert "must point at PostgreSQL" in result.stderr
