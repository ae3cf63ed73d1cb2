"""Request ids and the access log: one JSON line per request, written by `RequestLogMiddleware`.

The id comes from the `X-Request-ID` header a load balancer or client sent (if it looks like an id),
or is generated; it is returned in the response's `X-Request-ID`, set on `request.request_id`, and
stamped on every log line written while the request is served (`core.logging`).

The line holds the method, the path without its query string (which may carry tokens or personal
search terms), the status, the duration and the user, never headers or bodies.
"""

import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty

from .logging import reset_request_id, set_request_id

logger = logging.getLogger("shuitou.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestLogMiddleware:
    """Outermost middleware: names the request, times it, and logs it when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_id(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            user_id, username = request_user(request)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user_id,
                    "username": username,
                },
            )
            return response
        finally:
            reset_request_id(token)


def incoming_request_id(value: str | None) -> str | None:
    """The caller's request id if it is a plain token of at most 128 characters; None otherwise,
    so that a header cannot inject text into the logs."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return None


def request_user(request) -> tuple[int | None, str | None]:
    """(id, username) of the authenticated user, or (None, None). Never queries: a user that nobody
    looked at during the request (Django's lazy `request.user`) counts as anonymous here."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None, None
    if user is None or not user.is_authenticated:
        return None, None
    return user.pk, user.get_username()
