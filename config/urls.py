"""Top-level URLs: the API, the admin and the health probes; errors under /api/ answer problem details."""

from django.contrib import admin
from django.urls import include, path

from core.health import healthz, readyz

urlpatterns = [
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

handler400 = "core.api.errors.bad_request"
handler403 = "core.api.errors.permission_denied"
handler404 = "core.api.errors.page_not_found"
handler500 = "core.api.errors.server_error"
