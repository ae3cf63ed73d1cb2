from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared building blocks; an app only for the idempotency keys of POST requests (core.idempotency)."""

    name = "core"
    verbose_name = _("Core")
