"""Production settings: `check --deploy` is clean with a real configuration, and a missing secret key stops it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "tracker.example.gov.cn",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a fresh process, with production settings and `env` (None unsets a variable)."""
    environment = {**os.environ, **PRODUCTION_ENV, **env}
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_nothing_to_say():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "insecure-development-key-change-me", "too-short-" + "x" * 30],
    ids=["unset", "development-default", "shorter-than-50"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = manage("check", SECRET_KEY=secret_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_ignores_debug_from_the_environment():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = manage("shell", "-c", code, SECRET_KEY=secrets.token_urlsafe(64), DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
