"""The project's URLs plus views that fail on purpose, for the error-handling tests only."""

from django.urls import path

from config.urls import *  # noqa: F403 - the handlers (handler404, handler500, …) come with the URLs
from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret detail: the database password is hunter2")


urlpatterns = [
    path("api/v1/test-only/boom/", boom),
    path("test-only/boom/", boom),
    *project_urlpatterns,
]
