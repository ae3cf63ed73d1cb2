"""Choice lists of milestones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneState(models.TextChoices):
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    UPCOMING = "upcoming", _("Upcoming")


# A milestone is "due soon" when its planned date falls within this many days from today.
DUE_SOON_DAYS = 14
