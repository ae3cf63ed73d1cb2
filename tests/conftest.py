"""Shared fixtures: API clients that authenticate the way real clients do, with a token header."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role

from .factories import UserFactory


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, office=None, is_staff=True, is_superuser=True)


@pytest.fixture
def api_client(admin_user) -> APIClient:
    """A client logged in as an administrator, who may do everything."""
    return client_for(admin_user)


# The date every date-dependent figure (planned progress, milestone state) is computed for in tests.
TODAY = datetime.date(2018, 6, 11)


@pytest.fixture
def frozen_today():
    """Freezes the clock at 10:00 on `TODAY` in Shanghai, so no test depends on the real date."""
    with time_machine.travel(datetime.datetime(2018, 6, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield TODAY
