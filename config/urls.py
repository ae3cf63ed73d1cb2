"""Top-level URLs: the API, the admin and the health probes."""

from django.contrib import admin
from django.urls import include, path

from core.health import healthz, readyz

urlpatterns = [
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
