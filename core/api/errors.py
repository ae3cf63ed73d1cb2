"""Django's own error views (handler400/403/404/500) for the paths under /api/: problem details there.

DRF renders the errors of API views itself (`core.api.problems`); these cover what happens outside
them: a URL no route matches, an exception no view handled. A 500 says nothing about its cause (the
traceback goes to the log); every other path keeps Django's HTML pages.
"""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .problems import (
    DATABASE_UNAVAILABLE_ERRORS,
    PROBLEM_CONTENT_TYPE,
    RETRY_AFTER_SECONDS,
    TYPE_PREFIX,
    DatabaseUnavailable,
)
from .titles import status_title

API_PREFIX = "/api/"


def problem_response(status: int, code: str, detail: str) -> JsonResponse:
    body = {"type": TYPE_PREFIX + code, "title": status_title(status), "status": status, "detail": detail}
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if _is_api(request):
        return problem_response(400, "bad-request", _("The request could not be understood."))
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if _is_api(request):
        return problem_response(403, "permission-denied", _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if _is_api(request):
        return problem_response(404, "not-found", _("There is no API endpoint at this address."))
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    # A database outage outside a DRF view (a middleware's query, a session save) is a 503 on every path.
    # Django calls this view inside its `except` block, so the exception is still the current one.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        response = problem_response(503, "database-unavailable", str(DatabaseUnavailable.default_detail))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return problem_response(500, "server-error", _("The server failed to answer this request. It has been logged."))
    return defaults.server_error(request, template_name)
