"""Liveness and readiness probes for load balancers and orchestrators; open to anonymous callers."""

from django.db import DatabaseError, InterfaceError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .api.problems import PROBLEM_CONTENT_TYPE, TYPE_PREFIX


@never_cache
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database answers a query; 503 with a problem body when it does not.

    Bounded by the connection's `connect_timeout` (or the pool's `timeout`) and `statement_timeout`
    (config/settings/database.py), and a connection that died is replaced on the next call.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (DatabaseError, InterfaceError):
        body = {
            "type": TYPE_PREFIX + "database-unavailable",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "The database does not answer.",
        }
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse({"status": "ok", "database": "ok"})
