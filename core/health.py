"""Liveness and readiness probes for load balancers and orchestrators; open to anonymous callers."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .api.problems import PROBLEM_CONTENT_TYPE, TYPE_PREFIX


@never_cache
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database answers a query; 503 with a problem body when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        body = {
            "type": TYPE_PREFIX + "database-unavailable",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "The database does not answer.",
        }
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse({"status": "ok", "database": "ok"})
