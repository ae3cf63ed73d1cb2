"""One error shape for the whole API: RFC 9457 problem details.

Every 4xx answer carries `type`, `title`, `status` and `detail`; validation errors add an
`errors` list of `{"field", "code", "message"}` where nested fields are named by path
(`work_items[2].completed_quantity`).
"""

import logging
from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

from .titles import status_title

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:shuitou:problem:"


class Conflict(exceptions.APIException):
    status_code = HTTPStatus.CONFLICT
    default_code = "conflict"


# The database is down, restarting, failing over or too slow (statement timeout): 503, try again shortly.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# deadlock_detected, serialization_failure: the database is fine, the transaction lost a race.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
# What a write that lost a race to another one is told (a lock cycle broken, a unique row taken meanwhile).
RACE_LOST = gettext_lazy(
    "This change conflicts with another one made at the same moment. Read the data again and retry."
)


class DatabaseUnavailable(exceptions.APIException):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    default_code = "database_unavailable"
    default_detail = "The database does not answer; try again in a few seconds."
    wait = RETRY_AFTER_SECONDS  # DRF turns it into the Retry-After header


def problem_exception_handler(exc, context):
    """DRF exception handler that renders every handled error as problem details."""
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = problem_body(exc, response.status_code)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_body(exc: exceptions.APIException, status: int) -> dict:
    body = {
        "type": TYPE_PREFIX + _problem_code(exc),
        "title": status_title(status),
        "status": status,
        "detail": str(exc.detail) if not isinstance(exc.detail, (dict, list)) else _("The request has invalid fields."),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = list(flatten_errors(exc.detail))
    return body


def flatten_errors(detail, path: str = ""):
    """Yields `{"field", "code", "message"}` for each leaf of a DRF error tree."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                yield from flatten_errors(value, path)
            elif isinstance(key, int):  # a list serializer's errors, keyed by the item's index
                yield from flatten_errors(value, f"{path}[{key}]")
            else:
                yield from flatten_errors(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                yield from flatten_errors(value, f"{path}[{index}]")
            else:
                yield from flatten_errors(value, path)
    else:
        yield {"field": path or None, "code": getattr(detail, "code", "invalid"), "message": str(detail)}


def _as_api_exception(exc):
    # DRF converts Django's Http404 and PermissionDenied itself, but only after we read `default_code`.
    # A row that was there when the request read it and gone when its write locked it (deleted meanwhile).
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        # PostgreSQL broke a lock cycle or a serialization conflict by ending this transaction: nothing was written.
        return Conflict(RACE_LOST)
    if isinstance(exc, IntegrityError):
        # A rule the services check passed for two writes at the same moment, and the database kept the first
        # (two reports opening the same month's investment row, say): the second is told to read and retry.
        logging.getLogger("shuitou.database").info("Write refused by the database: %s", exc)
        return Conflict(RACE_LOST)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(_("This object is still referenced by other objects and cannot be deleted."))
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        logging.getLogger("shuitou.database").warning("Database unavailable: %s: %s", type(exc).__name__, exc)
        return DatabaseUnavailable()
    return exc


def _problem_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation-error"
    return str(exc.default_code).replace("_", "-")
