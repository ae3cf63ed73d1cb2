"""The API's OpenAPI schema and its two docs pages, public.

The Swagger UI and Redoc bundles come from drf-spectacular-sidecar as static files, not from a CDN (the app
runs on closed networks): `runserver` serves them in development, WhiteNoise in production. Redoc's page is
our own template, without the web fonts drf-spectacular's loads from Google.
"""

import threading

from django.urls import path
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The schema, built once per language and version in each process rather than on every request.

    It changes only with the code (a deploy starts new processes), building it costs about a second of CPU,
    and drf-spectacular's build is not safe to run in two threads at once.
    """

    _built: dict[tuple, dict] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        with self._lock:
            if key not in self._built:
                generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                self._built[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)  # its suffix follows the format asked for
        return Response(data=self._built[key], headers={"Content-Disposition": f'inline; filename="{filename}"'})


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="openapi/redoc.html"), name="redoc"),
]
