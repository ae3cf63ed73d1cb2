"""Shared fixtures: API clients that authenticate the way real clients do, with a token header."""

import pytest
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
