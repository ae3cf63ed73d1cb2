"""Users: a Django user who may belong to one office and holds one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role


class User(AbstractUser):
    """A person using the API: an office's editor, a supervisor, a viewer or an administrator."""

    office = models.ForeignKey(
        "projects.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
