from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders of due and overdue milestones to each office, by e-mail and signed webhook."""

    name = "notifications"
    verbose_name = _("Notifications")
