"""Choice lists of progress reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeTarget(models.TextChoices):
    """The kind of row a report changed; the key of the report's nested change list."""

    WORK_ITEM = "work_item", _("Work item")
    LAND_ACQUISITION = "land_acquisition", _("Land acquisition")
    DEMOLITION = "demolition", _("Demolition")
    CLEARANCE_ITEM = "clearance_item", _("Clearance item")
    MILESTONE = "milestone", _("Milestone")
    INVESTMENT = "investment", _("Investment")
