"""Brute-force lock-out (django-axes): the client address it counts by, and the answer a locked-out login gets.

Axes counts failed logins per (username, client address) in the database, so the count holds across
processes and restarts, and locks the pair out for `AXES_COOLOFF_TIME` after `AXES_FAILURE_LIMIT`
failures. Both the token endpoint and the admin login answer a locked-out attempt with a 429 problem.
"""

from http import HTTPStatus

from axes.helpers import get_cool_off
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from core.api.problems import PROBLEM_CONTENT_TYPE, TYPE_PREFIX


def client_ip(request: HttpRequest) -> str:
    """The client address as the throttles see it: `X-Forwarded-For` only behind `NUM_PROXIES` trusted proxies."""
    return BaseThrottle().get_ident(request)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> JsonResponse:
    """`AXES_LOCKOUT_CALLABLE`: a 429 problem with `Retry-After`, for the API and the admin alike."""
    cool_off = get_cool_off(request)
    status = HTTPStatus.TOO_MANY_REQUESTS
    if cool_off:
        minutes = max(1, round(cool_off.total_seconds() / 60))
        detail = _(
            "Too many failed logins for this username from this address: login is locked for %(minutes)d minutes."
        ) % {"minutes": minutes}
    else:
        detail = _("Too many failed logins for this username from this address: ask an administrator to unlock it.")
    body = {
        "type": TYPE_PREFIX + "locked-out",
        "title": status.phrase,
        "status": status.value,
        "detail": detail,
    }
    response = JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
