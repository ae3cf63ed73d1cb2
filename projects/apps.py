from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Key projects")

    def ready(self):
        # Every create, update and delete of these rows leaves an audit entry, whatever the path.
        from core import audit

        from . import models

        audit.register(
            models.Office,
            models.Project,
            models.WorkItem,
            models.LandAcquisition,
            models.Demolition,
            models.ClearanceItem,
            models.Investment,
            models.Problem,
            models.ProgressReport,
        )
