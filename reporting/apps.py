from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Figures and reports that combine projects with their milestones."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from . import signals  # noqa: F401  (connects the progress refresh to every write)
