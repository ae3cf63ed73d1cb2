from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """What supervisors read: the summary, overdue milestones, the briefing, charts and OC4IDS."""

    name = "reporting"
    verbose_name = _("Reporting")
