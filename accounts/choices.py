"""Roles a user can hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    EDITOR = "editor", _("Office editor")
    VIEWER = "viewer", _("Viewer")
