"""Request throttles whose rates come from settings at request time (`THROTTLE_ANON_RATE`, `THROTTLE_USER_RATE`).

DRF's own throttles read their rates once, when the class is defined; reading them per request lets
tests (and operators, through the environment) set them without reloading anything. Counters live in
the default cache: Redis when `REDIS_URL` is set, so that every process counts against one limit.
An empty rate turns the throttle off.
"""

from django.conf import settings
from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Requests without a login (the token endpoint above all), counted per client address."""

    def get_rate(self):
        return settings.THROTTLE_ANON_RATE or None


class UserRateThrottle(throttling.UserRateThrottle):
    """Requests of a logged-in user, counted per user whatever the address."""

    def get_rate(self):
        return settings.THROTTLE_USER_RATE or None
