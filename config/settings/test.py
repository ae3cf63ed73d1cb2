"""Test settings: fast password hashing; the database still comes from `DATABASE_URL`."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
