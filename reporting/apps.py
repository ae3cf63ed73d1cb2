from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Figures and reports that combine projects with their milestones."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from core import audit

        from . import models, signals  # noqa: F401  (signals connects the progress refresh to every write)
        from .cache import connect_invalidation

        connect_invalidation()

        # Reports are append-only; their creation is audited like every other write.
        audit.register(models.ProgressReport)
