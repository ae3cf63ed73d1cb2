"""The API's OpenAPI schema and its two docs pages, public.

The Swagger UI and Redoc bundles come from drf-spectacular-sidecar as static files, not from a CDN (the app
runs on closed networks): `runserver` serves them in development, WhiteNoise in production. Redoc's page is
our own template, without the web fonts drf-spectacular's loads from Google.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="openapi/redoc.html"), name="redoc"),
]
