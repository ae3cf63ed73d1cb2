"""Test settings: fast password hashing; the database still comes from `DATABASE_URL`."""

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests never share a cache with a running server, and are not throttled, locked out or logged out by accident:
# the access tests (tests/test_auth.py) set low limits and short lifetimes where they test them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
THROTTLE_ANON_RATE = THROTTLE_USER_RATE = "1000000/minute"
TOKEN_TTL_HOURS = 24 * 365 * 100  # tests travel in time (time-machine) with tokens made today
AXES_FAILURE_LIMIT = 5
REPORT_CACHE_SECONDS = 0  # tests/test_report_cache.py turns it on

# On PostgreSQL, a stand-in read replica: a second connection to the same test database, which the replica
# routing tests (tests/test_replicas.py) switch the router on for. No router here, so other tests never use it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
